/**
 * What is under the pointer: (content y, time) -> an item of a thread's lane, or a process header. The row
 * and the lane are found here; the lane's own hit test finds its item.
 */
import type { TraceModel } from '../model/types';
import { cpuLane, type CpuRunHit, type ItemRef } from './lanes/index';
import { rowAt, rowOf, type RowLayout } from './row-layout';

/** A CPU run hit selects its thread (`thread`), not an item. */
export type Hit = ItemRef | { kind: 'process'; pid: number } | CpuRunHit;

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
  const dy = yPx - row.yPx;
  if (row.kind === 'cpu') {
    if (dy >= layout.metrics.cpuRowPx) return null;
    return cpuLane.hitTest(model, row.cpu, tNs, tolerancePx * nsPerPx);
  }
  for (const { lane, yPx: laneY, heightPx } of row.lanes) {
    if (dy < laneY || dy >= laneY + heightPx) continue;
    const index = lane.hitTest(model, row.threadIndex, dy - laneY, tNs, tolerancePx * nsPerPx, layout.metrics);
    return index < 0 ? null : { kind: lane.kind, thread: row.threadIndex, index };
  }
  return null;
}
