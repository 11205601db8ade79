/**
 * The call stack of a thread: Python and C frames interleaved, one row per depth (a flame chart). A big
 * thread's per-depth index is built in the background once it is on screen ("indexing calls…" until then).
 */
import { SliceFlag } from '../../model/types';
import { forEachBox, hitInterval, sourceIndex } from '../interval-lane';
import { firstChildSlice, parentSlice, siblingSlice, sliceIndexIfReady, sliceIndexOf } from '../slice-index';
import { boxEdges, sameItem, type Lane, type LaneFrame } from './lane';

const EMPTY_INDEX = { lanes: [], lanePos: new Int32Array(0) };

/**
 * Rows of the flame chart: one per depth, at least one. A thread without calls shows there the times of the
 * events the model does not know (an events-only row, as tick marks), or says "no calls".
 */
function depthCount(t: { slices: { count: number }; maxDepth: number }): number {
  return t.slices.count > 0 ? Math.max(1, t.maxDepth + 1) : 1;
}

export const callStackLane: Lane = {
  kind: 'slice',
  heightPx: (_model, t, m) => depthCount(t) * m.sliceRowPx,
  gutterLabel: (t, m) => ({
    text: t.slices.count > 0 ? 'calls' : t.otherEventsNs ? 'events' : 'no calls',
    yPx: m.sliceRowPx / 2,
  }),
  table: (t) => t.slices,
  draw(f, thread, yPx) {
    const { vp, painter, palette, model } = f;
    const t = model.threads[thread];
    const rowH = f.metrics.sliceRowPx;
    if (t.slices.count === 0 && t.otherEventsNs) return drawEventTicks(f, t.otherEventsNs, yPx + 3, rowH - 6);
    const idx = t.slices.count > 0 ? sliceIndexIfReady(t) : EMPTY_INDEX;
    if (idx === null) {
      painter.label(vp.gutterPx + 8, yPx + rowH / 2, 'indexing calls…', Infinity, palette.note);
      return -1;
    }
    const sl = t.slices;
    const strings = model.strings;
    const search = f.searchNames;
    const labelMinX = vp.gutterPx + 4;
    const { left, right } = boxEdges(vp);
    let boxes = 0;
    for (let d = 0; d < idx.lanes.length; d++) {
      const lane = idx.lanes[d];
      const dy = yPx + d * rowH;
      if (dy > f.canvasHeightPx || dy + rowH < 0) continue;
      boxes += forEachBox(lane, vp.range.startNs, vp.range.endNs, vp.nsPerPx, (a, b, s, e) => {
        const i = sourceIndex(lane, a);
        const x0 = left(s);
        const w = Math.max(right(e) - x0, 1);
        let matched = true;
        if (search) {
          matched = search[sl.name[i]] === 1;
          // A merged box matches when any slice inside it does (bounded scan: a pixel rarely holds more).
          for (let p = a + 1; !matched && p <= b && p < a + 256; p++)
            matched = search[sl.name[sourceIndex(lane, p)]] === 1;
        }
        // A run of merged tiny calls wider than a couple of pixels is drawn muted: no single name owns it.
        const fill = !matched
          ? palette.dimmedSlice
          : a !== b && w > 2
            ? palette.mergedCalls
            : palette.slice(sl.name[i], sl.kind[i], strings[sl.name[i]]);
        painter.box(fill, x0, dy, w > 3 ? w - 1 : w, rowH - 1);
        if (a === b) {
          if ((sl.flags[i] & (SliceFlag.BrokenByLoss | SliceFlag.Mismatched)) !== 0 && w > 4) {
            // Red edge: the stack may be wrong from here (loss or mismatched return).
            painter.box(palette.brokenEdge, x0, dy, 3, rowH - 1);
          }
          if (w > 18) {
            const lx = Math.max(x0 + 4, labelMinX);
            painter.label(
              lx,
              dy + rowH / 2,
              strings[sl.name[i]],
              x0 + w - 4 - lx,
              matched ? palette.sliceText : palette.dimmedText,
            );
          }
          if (sameItem(f.selection, 'slice', thread, i)) painter.mark('selected', x0, dy, w, rowH - 1);
          if (sameItem(f.hovered, 'slice', thread, i)) painter.mark('hovered', x0, dy, w, rowH - 1);
        }
      });
    }
    return boxes;
  },
  hitTest(model, thread, dyPx, tNs, toleranceNs, m) {
    const t = model.threads[thread];
    const depth = Math.floor(dyPx / m.sliceRowPx);
    if (dyPx < 0 || depth >= depthCount(t)) return -1;
    const lane = sliceIndexOf(t).lanes[depth];
    if (!lane) return -1;
    const p = hitInterval(lane, tNs, toleranceNs);
    return p < 0 ? -1 : sourceIndex(lane, p);
  },
  itemYPx: (model, thread, index, m) => ({
    yPx: model.threads[thread].slices.depth[index] * m.sliceRowPx,
    heightPx: m.sliceRowPx,
  }),
  step(model, thread, index, direction) {
    const t = model.threads[thread];
    const idx = sliceIndexOf(t);
    if (direction === 'left') return siblingSlice(idx, t.slices, index, -1);
    if (direction === 'right') return siblingSlice(idx, t.slices, index, 1);
    if (direction === 'up') return parentSlice(idx, t.slices, index);
    return firstChildSlice(idx, t.slices, index);
  },
};

/** First index of sorted `times` at or after `ns`, from `from`. */
function lowerBound(times: Float64Array, ns: number, from: number): number {
  let lo = from;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] < ns) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Tick marks of event times, one per pixel column holding any: O(pixels x log events) whatever is in view. */
function drawEventTicks(f: LaneFrame, times: Float64Array, topPx: number, heightPx: number): number {
  const { vp, painter, palette } = f;
  const nsPerPx = vp.nsPerPx;
  let i = lowerBound(times, vp.range.startNs, 0);
  let ticks = 0;
  while (i < times.length && times[i] <= vp.range.endNs) {
    const xPx = vp.nsToCanvasPx(times[i]);
    const col = Math.floor(xPx);
    if (col >= vp.gutterPx) {
      painter.box(palette.eventTick, col, topPx, 1, heightPx);
      ticks++;
    }
    // Skip the rest of this pixel column.
    i = lowerBound(times, times[i] + nsPerPx * (col + 1 - xPx), i + 1);
  }
  return ticks;
}
