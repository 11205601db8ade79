/**
 * What is under the pointer: (content y, time) -> a slice, a syscall, a kernel state or a process header.
 */
import type { TraceModel } from '../model/types';
import { hitInterval, laneFromTable, type IntervalLane, sourceIndex } from './interval-lane';
import { rowAt, rowOf, threadRowOf, type RowLayout } from './row-layout';
import { sliceIndexOf } from './slice-index';

export type Hit =
  | { kind: 'slice'; thread: number; index: number }
  | { kind: 'syscall'; thread: number; index: number }
  | { kind: 'state'; thread: number; index: number }
  | { kind: 'process'; pid: number };

const tableLanes = new WeakMap<object, IntervalLane>();
/** Lane over a state or syscall table (memoized: its running max end is computed once). */
export function tableLane(table: { count: number; startNs: Float64Array; endNs: Float64Array }): IntervalLane {
  let lane = tableLanes.get(table);
  if (!lane) {
    lane = laneFromTable(table.startNs, table.endNs, table.count);
    tableLanes.set(table, lane);
  }
  return lane;
}

/**
 * @param yPx content y (scroll offset included)
 * @param tNs time under the pointer
 * @param nsPerPx current zoom, for the pointer tolerance (`tolerancePx` pixels either side)
 */
export function hitTest(
  model: TraceModel,
  layout: RowLayout,
  yPx: number,
  tNs: number,
  nsPerPx: number,
  tolerancePx = 2,
): Hit | null {
  const r = rowAt(layout, yPx);
  if (r < 0) return null;
  const row = rowOf(layout, r);
  if (row.kind === 'process') return { kind: 'process', pid: row.pid };
  const m = layout.metrics;
  const thread = model.threads[row.threadIndex];
  const dy = yPx - row.yPx;
  const tol = tolerancePx * nsPerPx;
  if (row.statesYPx >= 0 && thread.states && dy >= row.statesYPx && dy < row.statesYPx + m.stateStripPx) {
    const p = hitInterval(tableLane(thread.states), tNs, tol);
    return p < 0 ? null : { kind: 'state', thread: row.threadIndex, index: p };
  }
  if (row.syscallsYPx >= 0 && thread.syscalls && dy >= row.syscallsYPx && dy < row.syscallsYPx + m.syscallLanePx) {
    const p = hitInterval(tableLane(thread.syscalls), tNs, tol);
    return p < 0 ? null : { kind: 'syscall', thread: row.threadIndex, index: p };
  }
  const depth = Math.floor((dy - row.slicesYPx) / m.sliceRowPx);
  if (dy < row.slicesYPx || depth >= row.depthCount) return null;
  const idx = sliceIndexOf(thread);
  const lane = idx.lanes[depth];
  if (!lane) return null;
  const p = hitInterval(lane, tNs, tol);
  return p < 0 ? null : { kind: 'slice', thread: row.threadIndex, index: sourceIndex(lane, p) };
}

/** Content y of the top of a slice's box (for scrolling it into view). */
export function sliceYPx(layout: RowLayout, threadIndex: number, depth: number): number {
  const row = threadRowOf(layout, threadIndex);
  return row ? row.yPx + row.slicesYPx + depth * layout.metrics.sliceRowPx : -1;
}
