/**
 * The kernel state strip of a thread (Trace Compass control-flow states), present with a kernel trace. Each
 * pixel shows its dominant state, never one colour for a long run of short states.
 */
import { hitInterval } from '../interval-lane';
import type { StateTable } from '../../model/types';
import { sameItem, stepInterval, type Lane } from './lane';
import { forEachPixelBox, tableLane } from './table-lane';

const SPACING_PX = 2;
const stateTime = new Float64Array(16);

/**
 * The state a merged pixel shows: the one that lasts longest among states a..b (sampled when there are many).
 * Taking the first state instead aliases: a periodic pattern would paint the strip in a single colour.
 */
function dominantState(st: StateTable, a: number, b: number): number {
  stateTime.fill(0);
  const stride = Math.max(1, Math.floor((b - a + 1) / 64));
  let best = st.state[a];
  for (let p = a; p <= b; p += stride) {
    const s = st.state[p];
    stateTime[s] += st.endNs[p] - st.startNs[p];
    if (stateTime[s] > stateTime[best]) best = s;
  }
  return best;
}

export const stateLane: Lane = {
  kind: 'state',
  heightPx: (model, t, m) => (model.hasKernel && t.cpuRow === undefined ? m.stateStripPx + SPACING_PX : 0),
  gutterLabel: (_t, m) => ({ text: 'state', yPx: m.stateStripPx / 2 }),
  table: (t) => t.states ?? null,
  draw(f, thread, yPx) {
    const st = f.model.threads[thread].states;
    if (!st) return 0;
    const { vp, painter, palette } = f;
    const h = f.metrics.stateStripPx;
    // Per pixel: each pixel shows its dominant state, never one colour for a long run.
    return forEachPixelBox(st, vp, (a, b, x0, w) => {
      painter.box(palette.state(a === b ? st.state[a] : dominantState(st, a, b)), x0, yPx, w, h);
      if (sameItem(f.selection, 'state', thread, a)) painter.mark('selected', x0, yPx, w, h);
      if (sameItem(f.hovered, 'state', thread, a)) painter.mark('hovered', x0, yPx, w, h);
    });
  },
  hitTest(model, thread, dyPx, tNs, toleranceNs, m) {
    const st = model.threads[thread].states;
    if (!st || dyPx < 0 || dyPx >= m.stateStripPx) return -1;
    return hitInterval(tableLane(st), tNs, toleranceNs);
  },
  itemYPx: (_model, _thread, _index, m) => ({ yPx: 0, heightPx: m.stateStripPx }),
  step: (model, thread, index, direction) => stepInterval(model.threads[thread].states, index, direction),
};
