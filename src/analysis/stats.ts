/** Order statistics and log-scaled histograms over typed arrays of durations. */

/**
 * Nearest-rank percentile of an ascending array: the smallest value with at least p% of the values at or
 * below it (p in 0..100). Always one of the values, so "p99 = 4.2 ms" names a real call.
 */
export function percentileSorted(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const rank = Math.ceil((p / 100) * n);
  return sorted[Math.min(n - 1, Math.max(0, rank - 1))];
}

export interface Distribution {
  minNs: number;
  meanNs: number;
  medianNs: number;
  p95Ns: number;
  p99Ns: number;
  maxNs: number;
}

/**
 * Rearranges `a[lo..hi]` so that a[k] holds the value it would hold sorted, smaller ones before it and larger
 * after (Hoare's selection, median-of-three pivots): O(n), where sorting millions of call durations was the
 * panel's slowest step.
 */
function selectKth(a: Float64Array, k: number, lo: number, hi: number): void {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as the pivot.
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/** Nearest-rank percentile (as percentileSorted) of an unsorted array, reordering it in place. */
function percentileInPlace(a: Float64Array, p: number, lo: number): number {
  const n = a.length;
  const k = Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1));
  // Values below index `lo` are already the smallest (an earlier, lower percentile put them there).
  selectKth(a, k, Math.min(lo, k), n - 1);
  return a[k];
}

/** Distribution of `durations` (reordered in place, not sorted: percentiles by selection). */
export function distribution(durations: Float64Array): Distribution {
  const n = durations.length;
  if (n === 0) return { minNs: NaN, meanNs: NaN, medianNs: NaN, p95Ns: NaN, p99Ns: NaN, maxNs: NaN };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const d = durations[i];
    sum += d;
    if (d < min) min = d;
    if (d > max) max = d;
  }
  const rank = (p: number) => Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1));
  const medianNs = percentileInPlace(durations, 50, 0);
  const p95Ns = percentileInPlace(durations, 95, rank(50));
  const p99Ns = percentileInPlace(durations, 99, rank(95));
  return { minNs: min, meanNs: sum / n, medianNs, p95Ns, p99Ns, maxNs: max };
}

export interface LogHistogram {
  /** binCount + 1 bin edges in ns, geometric: edge[k] = lo * ratio^k. */
  edgesNs: Float64Array;
  counts: Uint32Array;
}

/**
 * Histogram of durations on a log scale (syscall latencies span ns to seconds): `binCount` bins of equal width
 * in log(ns) between the smallest and largest duration (durations below 1 ns count as 1 ns). Equal log widths
 * make the bar heights a density over log-duration.
 */
export function logHistogram(durationsNs: ArrayLike<number>, binCount: number): LogHistogram {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < durationsNs.length; i++) {
    const d = Math.max(1, durationsNs[i]);
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  const counts = new Uint32Array(binCount);
  const edgesNs = new Float64Array(binCount + 1);
  if (durationsNs.length === 0) return { edgesNs, counts };
  // A single value (or all equal): one decade around it, so the bin has a width.
  if (hi <= lo * 1.0001) {
    lo /= Math.SQRT2 * 2;
    hi *= Math.SQRT2 * 2;
  }
  const logLo = Math.log(lo);
  const step = (Math.log(hi) - logLo) / binCount;
  for (let k = 0; k <= binCount; k++) edgesNs[k] = Math.exp(logLo + k * step);
  edgesNs[0] = lo;
  edgesNs[binCount] = hi;
  for (let i = 0; i < durationsNs.length; i++) counts[logBinOf(Math.max(1, durationsNs[i]), logLo, step, binCount)]++;
  return { edgesNs, counts };
}

/** The bin of one duration in a histogram made by logHistogram (the top edge belongs to the last bin). */
export function binOf(h: LogHistogram, durationNs: number): number {
  const n = h.counts.length;
  if (n === 0) return -1;
  const logLo = Math.log(h.edgesNs[0]);
  const step = (Math.log(h.edgesNs[n]) - logLo) / n;
  return logBinOf(Math.max(1, durationNs), logLo, step, n);
}

function logBinOf(d: number, logLo: number, step: number, n: number): number {
  const k = Math.floor((Math.log(d) - logLo) / step);
  return k < 0 ? 0 : k >= n ? n - 1 : k;
}
