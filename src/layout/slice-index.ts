/**
 * Per-thread index over the call slices: one lane per depth (FFP's stack-timing-by-depth shape), so a frame
 * draws each visible depth with a binary search plus one pass over the visible pixels.
 */
import type { SliceTable, ThreadModel } from '../model/types';
import { firstEndingAfter, type IntervalLane, lowerBoundStart, sourceIndex, upperBoundStart } from './interval-lane';

export interface ThreadSliceIndex {
  /** lanes[depth]: the slices of that depth, sorted by start. */
  lanes: IntervalLane[];
  /** Position of each slice inside its depth's lane (slice index -> lane position). */
  lanePos: Int32Array;
}

export function buildSliceIndex(slices: SliceTable): ThreadSliceIndex {
  const b = new SliceIndexBuild(slices);
  while (!b.step(Infinity)) {
    /* runs to the end */
  }
  return b.result!;
}

/** Elements processed between two looks at the clock. */
const CHUNK = 16_384;

/**
 * Builds a ThreadSliceIndex in steps, so that indexing a thread with hundreds of thousands of slices never
 * blocks a frame: count per depth, fill the lanes, then each lane's running max end.
 */
export class SliceIndexBuild {
  private phase = 0;
  private pos = 0;
  /** Phase 0: deepest depth so far; phase 3: the lane being finished. */
  private lane = -1;
  private counts: Int32Array | null = null;
  private fill: Int32Array | null = null;
  private lanes: IntervalLane[] = [];
  private lanePos: Int32Array;
  private runMax = -Infinity;
  result: ThreadSliceIndex | null = null;

  constructor(private readonly slices: SliceTable) {
    this.lanePos = new Int32Array(slices.count);
  }

  /** Works until `deadlineMs` (performance.now() time) or the end; true when the index is complete. */
  step(deadlineMs: number): boolean {
    const sl = this.slices;
    const n = sl.count;
    const depth = sl.depth;
    while (this.result === null) {
      if (this.phase === 0) {
        // Deepest level first, then the counts per depth.
        const end = Math.min(n, this.pos + CHUNK * 4);
        let maxDepth = this.lane;
        for (let i = this.pos; i < end; i++) if (depth[i] > maxDepth) maxDepth = depth[i];
        this.lane = maxDepth;
        this.pos = end;
        if (end === n) {
          this.counts = new Int32Array(maxDepth + 1);
          this.fill = new Int32Array(maxDepth + 1);
          this.phase = 1;
          this.pos = 0;
          this.lane = 0;
        }
      } else if (this.phase === 1) {
        const end = Math.min(n, this.pos + CHUNK);
        const counts = this.counts!;
        for (let i = this.pos; i < end; i++) counts[depth[i]]++;
        this.pos = end;
        if (end === n) {
          for (const c of counts) {
            this.lanes.push({
              count: c,
              startNs: new Float64Array(c),
              endNs: new Float64Array(c),
              maxEndNs: new Float64Array(c),
              index: new Int32Array(c),
            });
          }
          this.phase = 2;
          this.pos = 0;
        }
      } else if (this.phase === 2) {
        const end = Math.min(n, this.pos + CHUNK);
        const { startNs, endNs } = sl;
        const fill = this.fill!;
        const lanes = this.lanes;
        const lanePos = this.lanePos;
        for (let i = this.pos; i < end; i++) {
          const d = depth[i];
          const lane = lanes[d];
          const p = fill[d]++;
          lane.startNs[p] = startNs[i];
          lane.endNs[p] = endNs[i];
          lane.index![p] = i;
          lanePos[i] = p;
        }
        this.pos = end;
        if (end === n) {
          this.phase = 3;
          this.pos = 0;
        }
      } else {
        // Running max of the end times, lane by lane.
        if (this.lane >= this.lanes.length) {
          this.result = { lanes: this.lanes, lanePos: this.lanePos };
          break;
        }
        const lane = this.lanes[this.lane];
        const end = Math.min(lane.count, this.pos + CHUNK);
        let m = this.pos === 0 ? -Infinity : this.runMax;
        for (let i = this.pos; i < end; i++) {
          const e = lane.endNs[i];
          if (e > m) m = e;
          lane.maxEndNs[i] = m;
        }
        this.runMax = m;
        this.pos = end;
        if (end === lane.count) {
          this.lane++;
          this.pos = 0;
        }
      }
      if (this.result === null && performance.now() >= deadlineMs) return false;
    }
    return true;
  }
}

const cache = new WeakMap<SliceTable, ThreadSliceIndex>();
const pending = new WeakMap<SliceTable, SliceIndexBuild>();

/** Memoized per slice table: built on first use (finishing any build in progress), kept while the model lives. */
export function sliceIndexOf(thread: ThreadModel): ThreadSliceIndex {
  return sliceIndexBy(thread, Infinity)!;
}

/** Threads with fewer slices than this are indexed on the spot (a millisecond or less). */
const SMALL_TABLE = 32_768;

/**
 * The thread's index if it is ready (or small enough to build right away), else null without doing any
 * work: the caller queues the thread for `sliceIndexBy` in background steps.
 */
export function sliceIndexIfReady(thread: ThreadModel): ThreadSliceIndex | null {
  const idx = cache.get(thread.slices);
  if (idx) return idx;
  return thread.slices.count <= SMALL_TABLE ? sliceIndexOf(thread) : null;
}

/**
 * The thread's index if it is ready, or after building it until `deadlineMs` (performance.now() time); null
 * when more work remains (call again on a later frame). Only threads that are drawn get indexed.
 */
export function sliceIndexBy(thread: ThreadModel, deadlineMs: number): ThreadSliceIndex | null {
  const table = thread.slices;
  const idx = cache.get(table);
  if (idx) return idx;
  let b = pending.get(table);
  if (!b) {
    b = new SliceIndexBuild(table);
    pending.set(table, b);
  }
  if (!b.step(deadlineMs)) return null;
  pending.delete(table);
  cache.set(table, b.result!);
  return b.result!;
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
