/** The lanes of a thread row, top to bottom. A new lane kind is one file here plus one entry in this list. */
import { callStackLane } from './call-stack-lane';
import type { ItemKind, Lane } from './lane';
import { stateLane } from './state-lane';
import { syscallLane } from './syscall-lane';

export const THREAD_LANES: readonly Lane[] = [stateLane, syscallLane, callStackLane];

const byKind = new Map<ItemKind, Lane>(THREAD_LANES.map((l) => [l.kind, l]));

export function laneOf(kind: ItemKind): Lane {
  return byKind.get(kind)!;
}

export { cpuLane, cpuRunLabel, type CpuRunHit } from './cpu-lane';
export type { ItemKind, ItemRef, ItemTable, Lane, LaneFrame, LanePainter, LanePalette, WalkDirection } from './lane';
