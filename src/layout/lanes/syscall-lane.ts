/** The syscalls of a thread, with their durations, present with a kernel trace. */
import { hitInterval } from '../interval-lane';
import { sameItem, stepInterval, type Lane } from './lane';
import { forEachPixelBox, tableLane } from './table-lane';

const SPACING_PX = 2;

export const syscallLane: Lane = {
  kind: 'syscall',
  heightPx: (model, t, m) => (model.hasKernel && t.cpuRow === undefined ? m.syscallLanePx + SPACING_PX : 0),
  gutterLabel: (_t, m) => ({ text: 'syscalls', yPx: m.syscallLanePx / 2 }),
  table: (t) => t.syscalls ?? null,
  draw(f, thread, yPx) {
    const sc = f.model.threads[thread].syscalls;
    if (!sc) return 0;
    const { vp, painter, palette } = f;
    const strings = f.model.strings;
    const h = f.metrics.syscallLanePx;
    // Per pixel, so that the gaps between syscalls stay visible.
    return forEachPixelBox(sc, vp, (a, b, x0, w) => {
      painter.box(palette.syscall(sc.name[a], strings[sc.name[a]]), x0, yPx + 1, w > 3 ? w - 1 : w, h - 2);
      if (a === b && w > 16) {
        const lx = Math.max(x0, vp.gutterPx) + 3;
        painter.label(lx, yPx + h / 2, strings[sc.name[a]], x0 + w - lx - 3, palette.syscallText);
      }
      if (sameItem(f.selection, 'syscall', thread, a)) painter.mark('selected', x0, yPx, w, h);
      if (sameItem(f.hovered, 'syscall', thread, a)) painter.mark('hovered', x0, yPx, w, h);
    });
  },
  hitTest(model, thread, dyPx, tNs, toleranceNs, m) {
    const sc = model.threads[thread].syscalls;
    if (!sc || dyPx < 0 || dyPx >= m.syscallLanePx) return -1;
    return hitInterval(tableLane(sc), tNs, toleranceNs);
  },
  itemYPx: (_model, _thread, _index, m) => ({ yPx: 0, heightPx: m.syscallLanePx }),
  step: (model, thread, index, direction) => stepInterval(model.threads[thread].syscalls, index, direction),
};
