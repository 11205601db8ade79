/**
 * Draws the visible rows of the timeline on one canvas: process headers, thread labels in a left gutter, and
 * for each thread its state strip, syscall lane and flame chart, only for the visible rows and time range.
 */
import { cpuLane, type ItemRef, type LaneFrame, type LanePainter, type LanePalette } from '../layout/lanes/index';
import type { CpuRow, Row, RowLayout, ThreadRow, ProcessRow } from '../layout/row-layout';
import { CPU_GROUP_PID, processRowOf, ROW_CPU_GROUP, ROW_PROCESS, rowOf, visibleRows } from '../layout/row-layout';
import { stickyLabelTopPx, type TimeRange } from '../layout/view-math';
import type { Viewport } from '../layout/viewport';
import type { LossRange, TraceModel } from '../model/types';
import { fitText } from './canvas';
import { RectBatch } from './rect-batch';
import {
  cpuRunColor,
  DIMMED_SLICE,
  DIMMED_TEXT,
  MERGED_CALLS,
  SLICE_TEXT,
  sliceColor,
  stateColor,
  syscallColor,
} from './colors';

export interface TracksFrame {
  model: TraceModel;
  layout: RowLayout;
  /** The x geometry: visible trace ns, canvas width, label gutter. */
  vp: Viewport;
  heightPx: number;
  /** Content y at the top of the canvas. */
  scrollTopPx: number;
  ticksNs: readonly number[];
  selection: ItemRef | null;
  /** Selected thread (index into model.threads): its row gets a band and its label a highlight. */
  selectedThread: number | null;
  hovered: ItemRef | null;
  selectedRange: TimeRange | null;
  /** Names that match the search (index by name); null when not searching. */
  searchNames: Uint8Array | null;
  /**
   * performance.now() after which the remaining thread rows are left blank and `incomplete` is set (the caller
   * draws again on the next frame): a cold first frame over many rows must not block the page. Optional.
   */
  deadlineMs?: number;
}

export interface TracksResult {
  /** Boxes drawn. */
  boxes: number;
  /**
   * Visible threads whose call stacks are not indexed yet (drawn as a placeholder): index them in the
   * background (sliceIndexBy) and draw again.
   */
  unindexed: number[];
  /** Some rows were left blank because the deadline passed: draw again. */
  incomplete: boolean;
}

export const FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const LABEL_FONT = '600 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const SMALL_FONT = '10px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

export const THEME = {
  background: '#ffffff',
  gutter: '#f7f8fa',
  gutterBorder: '#d9dde3',
  processBand: '#eef1f5',
  processText: '#1d2733',
  threadText: '#1f2933',
  laneText: '#8a939e',
  rowLine: '#e7eaee',
  grid: '#f0f2f5',
  selection: '#111827',
  rangeFill: 'rgba(43, 108, 212, 0.10)',
  rangeLine: '#2b6cd4',
  loss: 'rgba(220, 38, 38, 0.07)',
  threadBand: 'rgba(43, 108, 212, 0.06)',
  threadLabelBand: 'rgba(43, 108, 212, 0.14)',
  threadMark: '#2b6cd4',
};

/** The canvas palette under `prefers-color-scheme: dark` (slices keep their light fills and dark text). */
const DARK_THEME: Partial<typeof THEME> = {
  background: '#111418',
  gutter: '#181c22',
  gutterBorder: '#374151',
  processBand: '#1f242c',
  processText: '#e5e7eb',
  threadText: '#e5e7eb',
  laneText: '#9ca3af',
  rowLine: '#262b33',
  grid: '#1c2128',
  selection: '#f9fafb',
};
if (typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches) {
  Object.assign(THEME, DARK_THEME);
}

let charWidthPx = 6;

export function drawTracks(ctx: CanvasRenderingContext2D, f: TracksFrame): TracksResult {
  const { layout, vp, heightPx } = f;
  const { range, gutterPx } = vp;
  const widthPx = vp.canvasWidthPx;
  const contentW = widthPx - gutterPx;
  const toX = (ns: number) => vp.nsToCanvasPx(ns);
  ctx.fillStyle = THEME.background;
  ctx.fillRect(0, 0, widthPx, heightPx);
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  charWidthPx = ctx.measureText('abcdefghijklmnopqrstuvwxyz_').width / 27;

  // Grid lines at the axis ticks.
  ctx.fillStyle = THEME.grid;
  for (const t of f.ticksNs) ctx.fillRect(Math.round(toX(t)), 0, 1, heightPx);
  // Data lost here: the lanes may be wrong under this band.
  drawLossBands(ctx, f.model.losses, range, toX, gutterPx, widthPx, heightPx);

  let boxes = 0;
  const unindexed: number[] = [];
  let incomplete = false;
  let threadsDrawn = 0;
  const frame = laneFrame(ctx, f);
  // Only the rows in the window (two binary searches over the row tops), each made as an object here.
  const [first, last] = visibleRows(layout, f.scrollTopPx, heightPx);
  const rows: Row[] = [];
  for (let r = first; r < last; r++) rows.push(rowOf(layout, r));
  for (const row of rows) {
    const y = row.yPx - f.scrollTopPx;
    if (row.kind === 'process') {
      drawProcessHeader(ctx, row, y, widthPx);
      continue;
    }
    if (row.kind === 'cpu') {
      boxes += drawCpuRow(frame, row, y);
      continue;
    }
    if (row.threadIndex === f.selectedThread) {
      // Translucent, under the boxes: the grid stays visible through it.
      ctx.fillStyle = THEME.threadBand;
      ctx.fillRect(gutterPx, y, contentW, row.heightPx - 1);
    }
    // At least one row per frame, so that successive frames always progress.
    if (threadsDrawn > 0 && f.deadlineMs !== undefined && performance.now() > f.deadlineMs) {
      incomplete = true;
      ctx.fillStyle = THEME.rowLine;
      ctx.fillRect(0, y + row.heightPx - 1, widthPx, 1);
      continue;
    }
    threadsDrawn++;
    ctx.save();
    ctx.beginPath();
    ctx.rect(gutterPx, Math.max(y, 0), contentW, row.heightPx);
    ctx.clip();
    const drawn = drawThread(frame, row, y);
    ctx.restore();
    if (drawn < 0) unindexed.push(row.threadIndex);
    else boxes += drawn;
    // Row separator.
    ctx.fillStyle = THEME.rowLine;
    ctx.fillRect(0, y + row.heightPx - 1, widthPx, 1);
  }

  // Gutter with the thread labels, drawn over the content so long boxes never cover it.
  ctx.fillStyle = THEME.gutter;
  ctx.fillRect(0, 0, gutterPx, heightPx);
  for (const row of rows) {
    const y = row.yPx - f.scrollTopPx;
    if (row.kind === 'process') drawProcessHeader(ctx, row, y, gutterPx);
    else if (row.kind === 'cpu') drawCpuLabel(ctx, row, y);
    else drawThreadLabel(ctx, f, row, y);
  }
  // The process of the top row keeps its header pinned at the top, so scrolled threads say whose they are.
  const topKind = first < last ? layout.kind[first] : ROW_PROCESS;
  if (topKind !== ROW_PROCESS && topKind !== ROW_CPU_GROUP && rows[0].yPx < f.scrollTopPx) {
    const header = rowOf(layout, processRowOf(layout, first)) as ProcessRow;
    // Pushed up by the next process's header as it scrolls in.
    let y = 0;
    for (let r = first + 1; r < last && layout.topPx[r] - f.scrollTopPx < header.heightPx; r++) {
      if (layout.kind[r] === ROW_PROCESS) y = layout.topPx[r] - f.scrollTopPx - header.heightPx;
    }
    drawProcessHeader(ctx, header, y, widthPx);
  }
  ctx.fillStyle = THEME.gutterBorder;
  ctx.fillRect(gutterPx - 1, 0, 1, heightPx);

  if (f.selectedRange) {
    const x0 = Math.max(gutterPx, toX(f.selectedRange.startNs));
    const x1 = Math.min(widthPx, toX(f.selectedRange.endNs));
    if (x1 >= gutterPx && x0 <= widthPx) {
      ctx.fillStyle = THEME.rangeFill;
      ctx.fillRect(x0, 0, Math.max(x1 - x0, 1), heightPx);
      ctx.fillStyle = THEME.rangeLine;
      if (toX(f.selectedRange.startNs) >= gutterPx) ctx.fillRect(Math.round(x0), 0, 1, heightPx);
      if (toX(f.selectedRange.endNs) <= widthPx) ctx.fillRect(Math.round(x1), 0, 1, heightPx);
    }
  }
  return { boxes, unindexed, incomplete };
}

function drawLossBands(
  ctx: CanvasRenderingContext2D,
  losses: readonly LossRange[],
  range: TimeRange,
  toX: (ns: number) => number,
  gutterPx: number,
  widthPx: number,
  heightPx: number,
): void {
  ctx.fillStyle = THEME.loss;
  for (const l of losses) {
    if (l.endNs < l.beginNs) continue; // damaged record: listed in the summary, its place is unknown
    if (l.endNs < range.startNs || l.beginNs > range.endNs) continue;
    const x0 = Math.max(gutterPx, toX(l.beginNs));
    const x1 = Math.min(widthPx, toX(l.endNs));
    ctx.fillRect(x0, 0, Math.max(x1 - x0, 2), heightPx);
  }
}

/** A CPU row's runs (clipped to the content) and its separator. */
function drawCpuRow(frame: LaneFrame, row: CpuRow, y: number): number {
  const ctx = painter.ctx!;
  const { vp } = frame;
  ctx.save();
  ctx.beginPath();
  ctx.rect(vp.gutterPx, Math.max(y, 0), vp.canvasWidthPx - vp.gutterPx, row.heightPx);
  ctx.clip();
  const n = cpuLane.draw(frame, row.cpu, y, frame.metrics.cpuRowPx);
  painter.flush();
  ctx.restore();
  ctx.fillStyle = THEME.rowLine;
  ctx.fillRect(0, y + row.heightPx - 1, vp.canvasWidthPx, 1);
  return n;
}

function drawCpuLabel(ctx: CanvasRenderingContext2D, row: CpuRow, y: number): void {
  ctx.fillStyle = THEME.threadText;
  ctx.font = FONT;
  ctx.fillText(row.label, 22, y + row.heightPx / 2);
}

function drawProcessHeader(ctx: CanvasRenderingContext2D, row: ProcessRow, y: number, widthPx: number): void {
  ctx.fillStyle = THEME.processBand;
  ctx.fillRect(0, y, widthPx, row.heightPx);
  ctx.fillStyle = THEME.rowLine;
  ctx.fillRect(0, y + row.heightPx - 1, widthPx, 1);
  ctx.fillStyle = THEME.processText;
  ctx.font = LABEL_FONT;
  const mid = y + row.heightPx / 2;
  // Chevron: ▸ collapsed, ▾ expanded.
  ctx.beginPath();
  if (row.collapsed) {
    ctx.moveTo(10, mid - 5);
    ctx.lineTo(15, mid);
    ctx.lineTo(10, mid + 5);
  } else {
    ctx.moveTo(8, mid - 3);
    ctx.lineTo(17, mid - 3);
    ctx.lineTo(12.5, mid + 3);
  }
  ctx.fill();
  const noun = row.pid === CPU_GROUP_PID ? 'CPU' : 'thread';
  const threads = `${row.threadCount} ${noun}${row.threadCount === 1 ? '' : 's'}`;
  ctx.fillText(row.label, 24, mid);
  const w = ctx.measureText(row.label).width;
  ctx.font = SMALL_FONT;
  ctx.fillStyle = THEME.laneText;
  ctx.fillText(threads, 24 + w + 8, mid);
  ctx.font = FONT;
}

/** Height of a thread's name and tid lines in the gutter. */
const THREAD_NAME_PX = 30;

function drawThreadLabel(ctx: CanvasRenderingContext2D, f: TracksFrame, row: ThreadRow, y: number): void {
  const m = f.layout.metrics;
  const t = f.model.threads[row.threadIndex];
  const vp = f.vp;
  if (row.threadIndex === f.selectedThread) {
    ctx.fillStyle = THEME.threadLabelBand;
    ctx.fillRect(0, y, vp.gutterPx - 1, row.heightPx - 1);
    ctx.fillStyle = THEME.threadMark;
    ctx.fillRect(0, y, 3, row.heightPx - 1);
  }
  ctx.fillStyle = THEME.threadText;
  ctx.font = LABEL_FONT;
  const text = fitText(ctx, t.cpuRow !== undefined ? `CPU ${t.cpuRow}` : t.name || 'thread', vp.gutterPx - 70, 7);
  // The name stays in view while a tall row (deep stacks) is partly scrolled away.
  const nameY = stickyLabelTopPx(y, row.heightPx, THREAD_NAME_PX, m.processHeaderPx);
  ctx.fillText(text, 12, nameY + 10);
  ctx.font = SMALL_FONT;
  ctx.fillStyle = THEME.laneText;
  // A CPU row holds user-space events without vtid: whichever threads ran on that CPU, mixed.
  ctx.fillText(t.cpuRow === undefined ? `tid ${t.tid}` : 'threads may mix', 12, nameY + 24);
  ctx.textAlign = 'right';
  const right = vp.gutterPx - 8;
  for (const placed of row.lanes) {
    const label = placed.lane.gutterLabel(t, m);
    ctx.fillText(label.text, right, y + placed.yPx + label.yPx);
  }
  ctx.textAlign = 'left';
  ctx.font = FONT;
}

function outline(
  ctx: CanvasRenderingContext2D,
  x: number,
  y: number,
  w: number,
  h: number,
  color: string,
  lineW: number,
): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = lineW;
  ctx.strokeRect(x + lineW / 2, y + lineW / 2, Math.max(w - lineW, 1), h - lineW);
}

const PALETTE: LanePalette = {
  slice: sliceColor,
  syscall: syscallColor,
  state: stateColor,
  mergedCalls: MERGED_CALLS,
  dimmedSlice: DIMMED_SLICE,
  sliceText: SLICE_TEXT,
  dimmedText: DIMMED_TEXT,
  syscallText: '#ffffff',
  brokenEdge: '#d92d20',
  note: THEME.laneText,
  eventTick: '#475467',
  cpuRun: cpuRunColor,
};

type Box = [number, number, number, number];

/**
 * The lanes' painter on one canvas: boxes batched by colour, labels drawn after the boxes (grouped by colour),
 * the hovered and selected boxes outlined last.
 */
class CanvasLanePainter implements LanePainter {
  ctx: CanvasRenderingContext2D | null = null;
  readonly batch = new RectBatch();
  readonly labelX: number[] = [];
  readonly labelY: number[] = [];
  readonly labelText: string[] = [];
  readonly labelColor: string[] = [];
  selected: Box | null = null;
  hovered: Box | null = null;

  box(color: string, xPx: number, yPx: number, widthPx: number, heightPx: number): void {
    this.batch.add(color, xPx, yPx, widthPx, heightPx);
  }

  label(xPx: number, yPx: number, text: string, maxWidthPx: number, color: string): void {
    const fitted = maxWidthPx === Infinity ? text : fitText(this.ctx!, text, maxWidthPx, charWidthPx);
    if (!fitted) return;
    this.labelX.push(xPx);
    this.labelY.push(yPx);
    this.labelText.push(fitted);
    this.labelColor.push(color);
  }

  mark(which: 'selected' | 'hovered', xPx: number, yPx: number, widthPx: number, heightPx: number): void {
    this[which] = [xPx, yPx, widthPx, heightPx];
  }

  /** Draws what the lanes of one thread gave. */
  flush(): void {
    const ctx = this.ctx!;
    this.batch.flush(ctx);
    let color = '';
    for (let i = 0; i < this.labelX.length; i++) {
      if (this.labelColor[i] !== color) {
        color = this.labelColor[i];
        ctx.fillStyle = color;
      }
      ctx.fillText(this.labelText[i], this.labelX[i], this.labelY[i]);
    }
    this.labelX.length = this.labelY.length = this.labelText.length = this.labelColor.length = 0;
    const hb = this.hovered;
    if (hb) outline(ctx, hb[0], hb[1], hb[2], hb[3], 'rgba(17,24,39,0.55)', 1);
    const ob = this.selected;
    if (ob) {
      outline(ctx, ob[0] - 1, ob[1] - 1, ob[2] + 2, ob[3] + 2, '#ffffff', 1);
      outline(ctx, ob[0], ob[1], ob[2], ob[3], THEME.selection, 2);
    }
    this.selected = this.hovered = null;
  }
}

const painter = new CanvasLanePainter();

/** What every lane of every row of this frame draws with (one object per frame, not per row). */
function laneFrame(ctx: CanvasRenderingContext2D, f: TracksFrame): LaneFrame {
  painter.ctx = ctx;
  return {
    model: f.model,
    vp: f.vp,
    metrics: f.layout.metrics,
    canvasHeightPx: f.heightPx,
    selection: f.selection,
    hovered: f.hovered,
    selectedThread: f.selectedThread,
    searchNames: f.searchNames,
    painter,
    palette: PALETTE,
  };
}

/** Draws a thread's lanes; returns the boxes drawn, or -1 when a lane was not ready (draw again). */
function drawThread(frame: LaneFrame, row: ThreadRow, y: number): number {
  let boxes = 0;
  let ready = true;
  for (const placed of row.lanes) {
    const n = placed.lane.draw(frame, row.threadIndex, y + placed.yPx);
    if (n < 0) ready = false;
    else boxes += n;
  }
  painter.flush();
  return ready ? boxes : -1;
}
