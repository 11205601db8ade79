/** The interval lane over a state or syscall table, memoized (its running max end is computed once). */
import { forEachBox, laneFromTable, type IntervalLane } from '../interval-lane';
import type { Viewport } from '../viewport';
import { boxEdges, type ItemTable } from './lane';

const tableLanes = new WeakMap<object, IntervalLane>();

export function tableLane(table: ItemTable): IntervalLane {
  let lane = tableLanes.get(table);
  if (!lane) {
    lane = laneFromTable(table.startNs, table.endNs, table.count);
    tableLanes.set(table, lane);
  }
  return lane;
}

/**
 * Visits the boxes of a table's items in view with pixel-snapped x and width, at least one box per pixel column:
 * runs of short items are never joined into one long box, so each pixel shows an item of its own and the gaps
 * between items stay visible. `a..b` are the items a box stands for. Returns the number of boxes.
 */
export function forEachPixelBox(
  table: ItemTable,
  vp: Viewport,
  visit: (a: number, b: number, xPx: number, widthPx: number) => void,
): number {
  const { left, right } = boxEdges(vp);
  return forEachBox(
    tableLane(table),
    vp.range.startNs,
    vp.range.endNs,
    vp.nsPerPx,
    (a, b, s, e) => {
      const x0 = left(s);
      visit(a, b, x0, Math.max(right(e) - x0, 1));
    },
    1,
    false,
  );
}
