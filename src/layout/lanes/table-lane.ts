/** The interval lane over a state or syscall table, memoized (its running max end is computed once). */
import { laneFromTable, type IntervalLane } from '../interval-lane';
import type { ItemTable } from './lane';

const tableLanes = new WeakMap<object, IntervalLane>();

export function tableLane(table: ItemTable): IntervalLane {
  let lane = tableLanes.get(table);
  if (!lane) {
    lane = laneFromTable(table.startNs, table.endNs, table.count);
    tableLanes.set(table, lane);
  }
  return lane;
}
