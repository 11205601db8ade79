/**
 * Range queries and level of detail over one lane of intervals sorted by start (one depth of a flame chart,
 * a kernel state strip, a syscall lane).
 *
 *   startNs      [a....]  [b.]  [c] [d]       [e.......]
 *   maxEndNs      a.end   a.end ...            (running max of endNs: monotone, so binary-searchable
 *                                               even if a corrupt trace makes two intervals overlap)
 *
 * Boxes narrower than a pixel are merged: the walk jumps over every interval that starts inside the current
 * pixel with one binary search, so a frame costs O(visible pixels x log n), not O(n).
 */

export interface IntervalLane {
  count: number;
  startNs: Float64Array;
  endNs: Float64Array;
  /** Running maximum of endNs (same length). */
  maxEndNs: Float64Array;
  /** Position in the lane -> index in the source table; null when the lane is the table itself. */
  index: Int32Array | null;
}

export function laneFromTable(startNs: Float64Array, endNs: Float64Array, count: number): IntervalLane {
  // States and syscalls do not overlap, so their end times already rise: no copy (a table of half a million
  // kernel states is drawn on its first frame).
  let sorted = true;
  for (let i = 1; i < count && sorted; i++) sorted = endNs[i] >= endNs[i - 1];
  return { count, startNs, endNs, maxEndNs: sorted ? endNs : runningMax(endNs, count), index: null };
}

export function runningMax(endNs: Float64Array, count: number): Float64Array {
  const out = new Float64Array(count);
  let m = -Infinity;
  for (let i = 0; i < count; i++) {
    const e = endNs[i];
    if (e > m) m = e;
    out[i] = m;
  }
  return out;
}

/** Source-table index of lane position `pos`. */
export function sourceIndex(lane: IntervalLane, pos: number): number {
  return lane.index === null ? pos : lane.index[pos];
}

/** First position whose startNs >= t (count if none), searching [lo, count). */
export function lowerBoundStart(lane: IntervalLane, t: number, lo = 0): number {
  let hi = lane.count;
  const s = lane.startNs;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * lowerBoundStart for a target expected just after `lo`: gallops 1, 2, 4, ... positions ahead, then
 * bisects. Costs O(log distance) instead of O(log n) when walking a lane pixel by pixel.
 */
export function gallopStart(lane: IntervalLane, t: number, lo: number): number {
  const s = lane.startNs;
  const n = lane.count;
  if (lo >= n || s[lo] >= t) return lo;
  let step = 1;
  while (lo + step < n && s[lo + step] < t) {
    lo += step;
    step *= 2;
  }
  // s[lo] < t; the answer is in (lo, lo + step].
  let hi = Math.min(lo + step, n);
  lo++;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First position whose startNs > t (count if none). */
export function upperBoundStart(lane: IntervalLane, t: number, lo = 0): number {
  let hi = lane.count;
  const s = lane.startNs;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First position whose interval may end after t (every earlier one ends at or before t). */
export function firstEndingAfter(lane: IntervalLane, t: number): number {
  let lo = 0;
  let hi = lane.count;
  const m = lane.maxEndNs;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (m[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Positions [first, last) of the intervals that intersect [t0, t1). */
export function rangeQuery(lane: IntervalLane, t0: number, t1: number): [number, number] {
  const first = firstEndingAfter(lane, t0);
  const last = lowerBoundStart(lane, t1, first);
  return [first, last];
}

/**
 * Called once per drawn box. `firstPos === lastPos` for a single interval; otherwise the box stands for the
 * narrow intervals firstPos..lastPos merged, spanning [startNs, endNs).
 */
export type BoxVisitor = (firstPos: number, lastPos: number, startNs: number, endNs: number) => void;

/**
 * Visits the boxes to draw for [t0, t1) at `nsPerPx`: intervals at least `minWidthPx` wide one by one;
 * narrower ones merged per pixel, and with `joinRuns` (default) across pixels. A run of narrow intervals with gaps under a pixel becomes one box (a dense stretch
 * of tiny calls is one bar, not one box per pixel), so a frame visits few boxes even for millions of slices.
 *
 *   intervals   [wide....]  ||| || |||  ||      [wide..]
 *   boxes       [wide....]  [merged..]  []      [wide..]
 */
export function forEachBox(
  lane: IntervalLane,
  t0: number,
  t1: number,
  nsPerPx: number,
  visit: BoxVisitor,
  minWidthPx = 1,
  joinRuns = true,
): number {
  const minNs = nsPerPx * minWidthPx;
  const n = lane.count;
  const s = lane.startNs;
  const e = lane.endNs;
  const maxEnd = lane.maxEndNs;
  let boxes = 0;
  let i = firstEndingAfter(lane, t0);
  while (i < n && s[i] < t1) {
    const start = s[i];
    if (e[i] - start >= minNs) {
      visit(i, i, start, e[i]);
      boxes++;
      i++;
      continue;
    }
    // Narrow: take everything starting within the pixel, then the next pixels while the gap stays under one.
    let boxEnd = start + minNs;
    let last = i;
    let j = i + 1;
    for (;;) {
      j = gallopStart(lane, boxEnd, j);
      // A wide interval that starts inside the pixel keeps its own box.
      let groupLast = j - 1;
      if (groupLast > last && e[groupLast] - s[groupLast] >= minNs) {
        groupLast--;
        j--;
      }
      if (groupLast > last) last = groupLast;
      if (maxEnd[last] > boxEnd) boxEnd = maxEnd[last];
      // Continue the run only with a narrow interval closer than a pixel, inside the window.
      if (!joinRuns || j >= n || s[j] >= boxEnd + minNs || s[j] >= t1 || e[j] - s[j] >= minNs) break;
      last = j;
      boxEnd = Math.max(s[j] + minNs, e[j]);
      j++;
    }
    visit(i, last, start, boxEnd);
    boxes++;
    i = last + 1;
  }
  return boxes;
}

/**
 * The position of the interval under time t, or, within `toleranceNs`, the nearest one; -1 if none.
 * Tolerance lets a user hit intervals that are drawn one pixel wide but last a few nanoseconds.
 */
export function hitInterval(lane: IntervalLane, t: number, toleranceNs: number): number {
  if (lane.count === 0) return -1;
  // Last interval starting at or before t.
  const after = upperBoundStart(lane, t);
  const s = lane.startNs;
  const e = lane.endNs;
  let best = -1;
  let bestDist = Infinity;
  // Check the closest candidates either side: the one containing t and its neighbours.
  for (let p = Math.max(0, after - 2); p < Math.min(lane.count, after + 2); p++) {
    const dist = t < s[p] ? s[p] - t : t >= e[p] ? t - e[p] : 0;
    if (dist < bestDist || (dist === bestDist && dist === 0)) {
      bestDist = dist;
      best = p;
    }
  }
  return bestDist <= toleranceNs ? best : -1;
}
