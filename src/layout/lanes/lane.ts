/**
 * The lane contract (after Perfetto's track contract, `ui/src/public/track.ts`): every lane kind of a thread
 * row (call stack, kernel state strip, syscalls; next the CPU and events-only lanes) is one file providing its
 * height, its drawing, its hit test, its item ranges and its URL key, behind one item-reference type. Row
 * layout, drawing, hit tests, the URL, keyboard walking and the details all go through `THREAD_LANES`.
 *
 * Lanes are pure: they draw through a `LanePainter` (render/ implements it on a canvas) with the colours of a
 * `LanePalette`, so their geometry and drawing decisions are testable in Node.
 */
import type { ThreadModel, TraceModel } from '../../model/types';
import type { RowMetrics } from '../row-layout';
import type { Viewport } from '../viewport';

/** A lane kind: also the item kind of `ItemRef` and the URL parameter naming a selected item. */
export type ItemKind = 'slice' | 'syscall' | 'state';

/** An item of a thread's lane (selected, hovered, hit): `index` is a row of that lane's table. */
export interface ItemRef {
  kind: ItemKind;
  thread: number;
  index: number;
}

/** Time ranges of a lane's items, sorted by start (a model table). */
export interface ItemTable {
  count: number;
  startNs: Float64Array;
  endNs: Float64Array;
}

export type WalkDirection = 'left' | 'right' | 'up' | 'down';

/** Where lanes draw (canvas px). */
export interface LanePainter {
  /** A filled box (batched by colour by the painter). */
  box(color: string, xPx: number, yPx: number, widthPx: number, heightPx: number): void;
  /** Text starting at x, vertically centred on y, cut to fit `maxWidthPx` (or dropped). */
  label(xPx: number, yPx: number, text: string, maxWidthPx: number, color: string): void;
  /** The box of the selected or hovered item, outlined over everything else. */
  mark(which: 'selected' | 'hovered', xPx: number, yPx: number, widthPx: number, heightPx: number): void;
}

/** Colours lanes use (render/colors.ts provides them). */
export interface LanePalette {
  slice(name: number, kind: number, text: string): string;
  syscall(name: number, text: string): string;
  state(state: number): string;
  /** Several tiny calls merged in one box: no single name owns it. */
  mergedCalls: string;
  /** Calls that do not match the search. */
  dimmedSlice: string;
  sliceText: string;
  dimmedText: string;
  syscallText: string;
  /** The edge of a call whose stack may be wrong from here (loss, mismatched return). */
  brokenEdge: string;
  /** Notes such as "indexing calls…". */
  note: string;
  /** Tick marks of events the model does not know (events-only rows). */
  eventTick: string;
  /** A CPU row's run (`CpuRunKind`), of a thread of process `pid` (-1 unknown). */
  cpuRun(kind: number, pid: number, tid: number): string;
}

export interface LaneFrame {
  model: TraceModel;
  vp: Viewport;
  metrics: RowMetrics;
  /** Canvas height: rows of a lane below it are skipped. */
  canvasHeightPx: number;
  selection: ItemRef | null;
  hovered: ItemRef | null;
  /** The selected thread (model.threads index): CPU rows mark where it ran. */
  selectedThread?: number | null;
  /** Names that match the search (index by name); null when not searching. */
  searchNames: Uint8Array | null;
  painter: LanePainter;
  palette: LanePalette;
}

export interface Lane {
  readonly kind: ItemKind;
  /** Height of this lane in a thread's row, spacing below included; 0 when the thread has no such lane. */
  heightPx(model: TraceModel, t: ThreadModel, m: RowMetrics): number;
  /** Its name in the label gutter, and the y of the name's middle below the lane's top. */
  gutterLabel(t: ThreadModel, m: RowMetrics): { text: string; yPx: number };
  /** Its items' time ranges, or null when the thread has none. */
  table(t: ThreadModel): ItemTable | null;
  /**
   * Draws the visible items of thread `thread` with the lane's top at canvas y `yPx`. Returns the number of
   * boxes drawn, or -1 when the lane is not ready (its index is built in the background: draw again).
   */
  draw(f: LaneFrame, thread: number, yPx: number): number;
  /** The item at `dyPx` below the lane's top and time `tNs` (within `toleranceNs`), or -1. */
  hitTest(model: TraceModel, thread: number, dyPx: number, tNs: number, toleranceNs: number, m: RowMetrics): number;
  /** Vertical extent of an item below the lane's top (to scroll it into view, or to click it in tests). */
  itemYPx(model: TraceModel, thread: number, index: number, m: RowMetrics): { yPx: number; heightPx: number };
  /** The item an arrow key moves to from `index`, or -1. */
  step(model: TraceModel, thread: number, index: number, direction: WalkDirection): number;
}

/** Pixel-snapped box edges: crisp, and cheaper to rasterize than anti-aliased ones. */
export function boxEdges(vp: Viewport): { left: (ns: number) => number; right: (ns: number) => number } {
  const xMin = vp.gutterPx - 2;
  const xMax = vp.canvasWidthPx + 2;
  return {
    left: (ns) => Math.round(Math.max(vp.nsToCanvasPx(ns), xMin)),
    right: (ns) => Math.round(Math.min(vp.nsToCanvasPx(ns), xMax)),
  };
}

export function sameItem(a: ItemRef | null, kind: ItemKind, thread: number, index: number): boolean {
  return a !== null && a.kind === kind && a.thread === thread && a.index === index;
}

/** Left/right along a table of intervals (syscalls, states); no up/down. */
export function stepInterval(table: ItemTable | null | undefined, index: number, direction: WalkDirection): number {
  if (!table || (direction !== 'left' && direction !== 'right')) return -1;
  const n = index + (direction === 'left' ? -1 : 1);
  return n >= 0 && n < table.count ? n : -1;
}
