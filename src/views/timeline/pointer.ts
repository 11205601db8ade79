/**
 * Pointer gestures on the timeline as a pure state machine: pointer events (canvas px, button, Shift) and the
 * current geometry in, commands out. No DOM here: use-timeline-canvas.ts translates DOM events and runs the
 * commands against the view store, and pointer.test.ts drives it in Node.
 */
import type { Hit } from '../../layout/hit-test';
import { extendAnchorNs, panBy, type TimeRange } from '../../layout/view-math';
import type { Viewport } from '../../layout/viewport';

/** Movement under which a press and release is a click, not a drag. */
export const DRAG_THRESHOLD_PX = 3;

/** One pointer event, in the coordinates of the canvas it is about (tracks or axis). */
export interface PointerInput {
  xPx: number;
  yPx: number;
  /** 0 = main button. */
  button: number;
  shiftKey: boolean;
}

export type GutterItem = { kind: 'process'; pid: number } | { kind: 'thread'; thread: number };

/** The view as it is at this event. */
export interface PointerContext {
  vp: Viewport;
  /** Item (or process header, or CPU run) under a tracks canvas point. */
  hitAt(xPx: number, yPx: number): Hit | null;
  /** Process header or thread label under a gutter y. */
  gutterAt(yPx: number): GutterItem | null;
  /** Time span of a hit item, for double-click zoom. */
  itemRange(hit: Hit): TimeRange | null;
  selectedRange: TimeRange | null;
  bounds: TimeRange;
}

export type PointerCommand =
  | { type: 'preventDefault' }
  | { type: 'focus' }
  | { type: 'select'; item: Exclude<Hit, { kind: 'process' } | { kind: 'cpu' }> | null }
  | { type: 'selectThread'; thread: number }
  | { type: 'toggleProcess'; pid: number }
  | { type: 'selectRange'; range: TimeRange | null }
  | { type: 'setVisibleRange'; range: TimeRange }
  | { type: 'zoomToRange'; range: TimeRange }
  | { type: 'showAll' }
  | { type: 'axisCursor'; grabbing: boolean }
  | { type: 'hover'; hit: Hit | null }
  /** The tracks' cursor: a hand over what a click acts on. */
  | { type: 'tracksCursor'; clickable: boolean };

type Gesture =
  | { kind: 'measure'; x0Px: number; anchorNs: number; moved: boolean; extend: boolean }
  | { kind: 'pan'; x0Px: number; range: TimeRange; nsPerPx: number };

export class PointerGestures {
  private gesture: Gesture | null = null;

  /** Canvas whose coordinates the gesture under way uses: a drag on the tracks measures, on the axis pans. */
  get target(): 'tracks' | 'axis' | null {
    return this.gesture ? (this.gesture.kind === 'measure' ? 'tracks' : 'axis') : null;
  }

  /** Pointer over the tracks (moved, or the content moved under it). A measuring drag hovers nothing new. */
  tracksHover(e: PointerInput, ctx: PointerContext): PointerCommand[] {
    if (this.target === 'tracks') return [];
    const hit = ctx.hitAt(e.xPx, e.yPx);
    const clickable = hit !== null || (!ctx.vp.inContent(e.xPx) && ctx.gutterAt(e.yPx) !== null);
    return [
      { type: 'hover', hit },
      { type: 'tracksCursor', clickable },
    ];
  }

  /** Pointer left the tracks: the hover ends, unless a drag started there goes on. */
  tracksLeave(): PointerCommand[] {
    return this.target === 'tracks' ? [] : [{ type: 'hover', hit: null }];
  }

  tracksDown(e: PointerInput, ctx: PointerContext): PointerCommand[] {
    if (e.button !== 0) return [];
    if (!ctx.vp.inContent(e.xPx)) {
      const g = ctx.gutterAt(e.yPx);
      if (g?.kind === 'process') return [{ type: 'toggleProcess', pid: g.pid }];
      if (g?.kind === 'thread') return [{ type: 'focus' }, { type: 'selectThread', thread: g.thread }];
      return [];
    }
    const pressNs = ctx.vp.canvasPxToNs(e.xPx);
    // Shift extends the selected range: its far end stays, the near end follows the pointer.
    const sel = e.shiftKey ? ctx.selectedRange : null;
    this.gesture = {
      kind: 'measure',
      x0Px: e.xPx,
      anchorNs: sel ? extendAnchorNs(sel, pressNs) : pressNs,
      moved: false,
      extend: sel !== null,
    };
    return [{ type: 'preventDefault' }, { type: 'focus' }];
  }

  axisDown(e: PointerInput, ctx: PointerContext): PointerCommand[] {
    if (e.button !== 0) return [];
    this.gesture = { kind: 'pan', x0Px: e.xPx, range: ctx.vp.range, nsPerPx: ctx.vp.nsPerPx };
    return [{ type: 'preventDefault' }, { type: 'axisCursor', grabbing: true }];
  }

  /** Pointer moved anywhere in the window, x in the coordinates of the canvas the gesture started on. */
  move(e: PointerInput, ctx: PointerContext): PointerCommand[] {
    const g = this.gesture;
    if (!g) return [];
    if (g.kind === 'pan') {
      const dxPx = e.xPx - g.x0Px;
      return [{ type: 'setVisibleRange', range: panBy(g.range, -dxPx * g.nsPerPx, ctx.bounds) }];
    }
    if (!g.moved && Math.abs(e.xPx - g.x0Px) < DRAG_THRESHOLD_PX) return [];
    g.moved = true;
    const xPx = Math.min(Math.max(e.xPx, ctx.vp.gutterPx), ctx.vp.canvasWidthPx);
    return [{ type: 'selectRange', range: { startNs: g.anchorNs, endNs: ctx.vp.canvasPxToNs(xPx) } }];
  }

  /** Button released anywhere in the window. */
  up(e: PointerInput, ctx: PointerContext): PointerCommand[] {
    const g = this.gesture;
    if (!g) return [];
    this.gesture = null;
    if (g.kind === 'pan') return [{ type: 'axisCursor', grabbing: false }];
    if (g.moved) return [];
    // Shift-click: the near end jumps to the click.
    if (g.extend) return [{ type: 'selectRange', range: { startNs: g.anchorNs, endNs: ctx.vp.canvasPxToNs(e.xPx) } }];
    const h = ctx.hitAt(e.xPx, e.yPx);
    if (h?.kind === 'cpu') {
      // A run on a CPU row selects the thread that ran (idle has none).
      return h.thread >= 0 ? [{ type: 'selectThread', thread: h.thread }] : [{ type: 'select', item: null }];
    }
    if (h && h.kind !== 'process') return [{ type: 'select', item: h }];
    return [
      { type: 'select', item: null },
      { type: 'selectRange', range: null },
    ];
  }

  tracksDblClick(e: PointerInput, ctx: PointerContext): PointerCommand[] {
    const h = ctx.hitAt(e.xPx, e.yPx);
    if (!h || h.kind === 'process') return [];
    const r = ctx.itemRange(h);
    return r ? [{ type: 'zoomToRange', range: r }] : [];
  }

  axisDblClick(): PointerCommand[] {
    return [{ type: 'showAll' }];
  }
}
