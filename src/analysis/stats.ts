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

/** Sorts `durations` in place and reads its distribution. */
export function distribution(durations: Float64Array): Distribution {
  durations.sort();
  const n = durations.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += durations[i];
  return {
    minNs: n > 0 ? durations[0] : NaN,
    meanNs: n > 0 ? sum / n : NaN,
    medianNs: percentileSorted(durations, 50),
    p95Ns: percentileSorted(durations, 95),
    p99Ns: percentileSorted(durations, 99),
    maxNs: n > 0 ? durations[n - 1] : NaN,
  };
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
