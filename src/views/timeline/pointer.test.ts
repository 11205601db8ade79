import { describe, expect, it } from 'vitest';
import type { Hit } from '../../layout/hit-test';
import { Viewport } from '../../layout/viewport';
import type { TimeRange } from '../../layout/view-math';
import { PointerGestures, type GutterItem, type PointerContext, type PointerInput } from './pointer';

// 200 px gutter, then 1000 px showing [1000, 2000) ns: 1 ns per px, x = 200 + (t - 1000).
const GUTTER_PX = 200;
const at = (xPx: number, more: Partial<PointerInput> = {}): PointerInput => ({
  xPx,
  yPx: 50,
  button: 0,
  shiftKey: false,
  ...more,
});
const SLICE: Hit = { kind: 'slice', thread: 3, index: 7 };

function context(more: Partial<PointerContext> = {}, hit: Hit | null = SLICE, gutter: GutterItem | null = null) {
  const ctx: PointerContext = {
    vp: new Viewport({ startNs: 1000, endNs: 2000 }, 1200, GUTTER_PX),
    hitAt: () => hit,
    gutterAt: () => gutter,
    itemRange: (h) => (h.kind === 'slice' ? { startNs: 1400, endNs: 1500 } : null),
    selectedRange: null,
    bounds: { startNs: 0, endNs: 10_000 },
    ...more,
  };
  return ctx;
}
const ranges = (cmds: ReturnType<PointerGestures['move']>) =>
  cmds.flatMap((c) => (c.type === 'selectRange' ? [c.range] : []));

describe('pointer gestures', () => {
  it('a drag past the threshold on the tracks measures a range from the press, clamped to the time area', () => {
    const g = new PointerGestures();
    const ctx = context();
    expect(g.tracksDown(at(300), ctx)).toEqual([{ type: 'preventDefault' }, { type: 'focus' }]);
    expect(g.target).toBe('tracks');
    expect(g.move(at(302), ctx)).toEqual([]); // under 3 px: still a click
    expect(ranges(g.move(at(450), ctx))).toEqual([{ startNs: 1100, endNs: 1250 }]);
    // Back over the gutter: the range stops at the time area's left edge; past the right edge, at its end.
    expect(ranges(g.move(at(50), ctx))).toEqual([{ startNs: 1100, endNs: 1000 }]);
    expect(ranges(g.move(at(5000), ctx))).toEqual([{ startNs: 1100, endNs: 2000 }]);
    // Release after a drag keeps the range and selects nothing.
    expect(g.up(at(5000), ctx)).toEqual([]);
    expect(g.target).toBeNull();
  });

  it('a click under the threshold selects the item under the pointer; on nothing, clears selection and range', () => {
    const g = new PointerGestures();
    g.tracksDown(at(300), context());
    g.move(at(302), context());
    expect(g.up(at(302), context())).toEqual([{ type: 'select', item: SLICE }]);

    g.tracksDown(at(300), context({}, null));
    expect(g.up(at(300), context({}, null))).toEqual([
      { type: 'select', item: null },
      { type: 'selectRange', range: null },
    ]);
  });

  it('a click on a CPU run selects the thread that ran; on idle, selects nothing', () => {
    const g = new PointerGestures();
    const run: Hit = { kind: 'cpu', cpu: 1, index: 4, thread: 9 } as Hit;
    g.tracksDown(at(300), context({}, run));
    expect(g.up(at(300), context({}, run))).toEqual([{ type: 'selectThread', thread: 9 }]);
    const idle = { ...run, thread: -1 } as Hit;
    g.tracksDown(at(300), context({}, idle));
    expect(g.up(at(300), context({}, idle))).toEqual([{ type: 'select', item: null }]);
  });

  it('Shift-drag extends the selected range from its nearer end; Shift-click moves that end to the click', () => {
    const selectedRange: TimeRange = { startNs: 1200, endNs: 1600 };
    const g = new PointerGestures();
    // Press near the end (1550): the start (1200) stays.
    g.tracksDown(at(750, { shiftKey: true }), context({ selectedRange }));
    expect(ranges(g.move(at(900), context({ selectedRange })))).toEqual([{ startNs: 1200, endNs: 1700 }]);
    g.up(at(900), context({ selectedRange }));
    // Press near the start (1250): the end (1600) stays; a click jumps the start to it.
    g.tracksDown(at(450, { shiftKey: true }), context({ selectedRange }));
    expect(ranges(g.up(at(450), context({ selectedRange })))).toEqual([{ startNs: 1600, endNs: 1250 }]);
    // Shift with no range is a plain click.
    g.tracksDown(at(450, { shiftKey: true }), context());
    expect(g.up(at(450), context())).toEqual([{ type: 'select', item: SLICE }]);
  });

  it('a click in the gutter toggles a process or selects a thread, and starts no drag', () => {
    const g = new PointerGestures();
    expect(g.tracksDown(at(100), context({}, null, { kind: 'process', pid: 42 }))).toEqual([
      { type: 'toggleProcess', pid: 42 },
    ]);
    expect(g.tracksDown(at(100), context({}, null, { kind: 'thread', thread: 5 }))).toEqual([
      { type: 'focus' },
      { type: 'selectThread', thread: 5 },
    ]);
    expect(g.target).toBeNull();
    expect(g.up(at(100), context())).toEqual([]);
  });

  it('only the main button starts a gesture', () => {
    const g = new PointerGestures();
    expect(g.tracksDown(at(300, { button: 2 }), context())).toEqual([]);
    expect(g.axisDown(at(300, { button: 1 }), context())).toEqual([]);
    expect(g.target).toBeNull();
  });

  it('a drag on the axis pans the range it started from, within the trace bounds', () => {
    const g = new PointerGestures();
    const ctx = context();
    expect(g.axisDown(at(500), ctx)).toEqual([{ type: 'preventDefault' }, { type: 'axisCursor', grabbing: true }]);
    expect(g.target).toBe('axis');
    // Dragging right by 100 px shows 100 ns earlier.
    expect(g.move(at(600), ctx)).toEqual([{ type: 'setVisibleRange', range: { startNs: 900, endNs: 1900 } }]);
    // Far past the start of the trace: clamped to it.
    expect(g.move(at(5000), ctx)).toEqual([{ type: 'setVisibleRange', range: { startNs: 0, endNs: 1000 } }]);
    expect(g.up(at(5000), ctx)).toEqual([{ type: 'axisCursor', grabbing: false }]);
    expect(g.move(at(700), ctx)).toEqual([]);
  });

  it('double-click on the axis shows everything; on an item, zooms to it', () => {
    const g = new PointerGestures();
    expect(g.axisDblClick()).toEqual([{ type: 'showAll' }]);
    expect(g.tracksDblClick(at(300), context())).toEqual([
      { type: 'zoomToRange', range: { startNs: 1400, endNs: 1500 } },
    ]);
    expect(g.tracksDblClick(at(300), context({}, null))).toEqual([]);
    expect(g.tracksDblClick(at(100), context({}, { kind: 'process', pid: 1 }))).toEqual([]);
  });

  it('hover names the item under the pointer and shows a hand over what a click acts on; a measuring drag freezes it', () => {
    const g = new PointerGestures();
    expect(g.tracksHover(at(300), context())).toEqual([
      { type: 'hover', hit: SLICE },
      { type: 'tracksCursor', clickable: true },
    ]);
    expect(g.tracksHover(at(300), context({}, null))).toEqual([
      { type: 'hover', hit: null },
      { type: 'tracksCursor', clickable: false },
    ]);
    // A thread label in the gutter is clickable though nothing is hit there.
    expect(g.tracksHover(at(100), context({}, null, { kind: 'thread', thread: 2 }))).toContainEqual({
      type: 'tracksCursor',
      clickable: true,
    });
    g.tracksDown(at(300), context());
    expect(g.tracksHover(at(400), context())).toEqual([]);
    expect(g.tracksLeave()).toEqual([]);
    g.up(at(400), context());
    expect(g.tracksLeave()).toEqual([{ type: 'hover', hit: null }]);
  });
});
