/**
 * Per-thread index over the call slices: one lane per depth (FFP's stack-timing-by-depth shape), so a frame
 * draws each visible depth with a binary search plus one pass over the visible pixels.
 */
import type { SliceTable, ThreadModel } from '../model/types';
import {
  firstEndingAfter,
  type IntervalLane,
  lowerBoundStart,
  runningMax,
  sourceIndex,
  upperBoundStart,
} from './interval-lane';

export interface ThreadSliceIndex {
  /** lanes[depth]: the slices of that depth, sorted by start. */
  lanes: IntervalLane[];
  /** Position of each slice inside its depth's lane (slice index -> lane position). */
  lanePos: Int32Array;
}

export function buildSliceIndex(slices: SliceTable): ThreadSliceIndex {
  const n = slices.count;
  let maxDepth = -1;
  for (let i = 0; i < n; i++) if (slices.depth[i] > maxDepth) maxDepth = slices.depth[i];
  const counts = new Int32Array(maxDepth + 1);
  for (let i = 0; i < n; i++) counts[slices.depth[i]]++;
  const lanes: IntervalLane[] = [];
  for (let d = 0; d <= maxDepth; d++) {
    const c = counts[d];
    lanes.push({ count: c, startNs: new Float64Array(c), endNs: new Float64Array(c), maxEndNs: new Float64Array(0), index: new Int32Array(c) });
  }
  const fill = new Int32Array(maxDepth + 1);
  const lanePos = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const d = slices.depth[i];
    const lane = lanes[d];
    const p = fill[d]++;
    lane.startNs[p] = slices.startNs[i];
    lane.endNs[p] = slices.endNs[i];
    lane.index![p] = i;
    lanePos[i] = p;
  }
  for (const lane of lanes) lane.maxEndNs = runningMax(lane.endNs, lane.count);
  return { lanes, lanePos };
}

const cache = new WeakMap<SliceTable, ThreadSliceIndex>();

/** Memoized per slice table: built on first use, kept as long as the model lives. */
export function sliceIndexOf(thread: ThreadModel): ThreadSliceIndex {
  let idx = cache.get(thread.slices);
  if (!idx) {
    idx = buildSliceIndex(thread.slices);
    cache.set(thread.slices, idx);
  }
  return idx;
}

/** Slice of the same depth just before (-1) or after (+1) `slice`; -1 if none. */
export function siblingSlice(idx: ThreadSliceIndex, slices: SliceTable, slice: number, dir: -1 | 1): number {
  const lane = idx.lanes[slices.depth[slice]];
  const p = idx.lanePos[slice] + dir;
  return p >= 0 && p < lane.count ? sourceIndex(lane, p) : -1;
}

/** The enclosing slice one depth up, or -1 at depth 0. */
export function parentSlice(idx: ThreadSliceIndex, slices: SliceTable, slice: number): number {
  const d = slices.depth[slice];
  if (d === 0) return -1;
  const lane = idx.lanes[d - 1];
  const t = slices.startNs[slice];
  // Last slice of depth d-1 starting at or before t.
  const p = upperBoundStart(lane, t) - 1;
  if (p >= 0 && lane.endNs[p] >= slices.endNs[slice]) return sourceIndex(lane, p);
  return p >= 0 && lane.endNs[p] > t ? sourceIndex(lane, p) : -1;
}

/** The first direct child (earliest slice one depth down inside `slice`), or -1. */
export function firstChildSlice(idx: ThreadSliceIndex, slices: SliceTable, slice: number): number {
  const d = slices.depth[slice] + 1;
  if (d >= idx.lanes.length) return -1;
  const lane = idx.lanes[d];
  const p = Math.max(lowerBoundStart(lane, slices.startNs[slice]), firstEndingAfter(lane, slices.startNs[slice]));
  if (p < lane.count && lane.startNs[p] < slices.endNs[slice]) return sourceIndex(lane, p);
  return -1;
}
