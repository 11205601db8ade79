/**
 * Draws the visible rows of the timeline on one canvas: process headers, thread labels in a left gutter, and
 * for each thread its state strip, syscall lane and flame chart, only for the visible rows and time range.
 */
import { forEachBox, sourceIndex } from '../layout/interval-lane';
import { tableLane } from '../layout/hit-test';
import type { Row, RowLayout, ThreadRow, ProcessRow } from '../layout/row-layout';
import { processRowOf, ROW_PROCESS, rowOf, visibleRows } from '../layout/row-layout';
import { sliceIndexIfReady } from '../layout/slice-index';
import type { TimeRange } from '../layout/view-math';
import type { LossRange, StateTable, TraceModel } from '../model/types';
import { SliceFlag } from '../model/types';
import { fitText } from './canvas';
import { RectBatch } from './rect-batch';
import {
  DIMMED_SLICE,
  DIMMED_TEXT,
  MERGED_CALLS,
  SLICE_TEXT,
  sliceColor,
  stateColor,
  syscallColor,
} from './colors';

export type ItemKind = 'slice' | 'syscall' | 'state';

export interface TrackItemRef {
  kind: ItemKind;
  thread: number;
  index: number;
}

export interface TracksFrame {
  model: TraceModel;
  layout: RowLayout;
  range: TimeRange;
  widthPx: number;
  heightPx: number;
  /** Content y at the top of the canvas. */
  scrollTopPx: number;
  gutterPx: number;
  ticksNs: readonly number[];
  selection: TrackItemRef | null;
  /** Selected thread (index into model.threads): its row gets a band and its label a highlight. */
  selectedThread: number | null;
  hovered: TrackItemRef | null;
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

let charWidthPx = 6;

export function drawTracks(ctx: CanvasRenderingContext2D, f: TracksFrame): TracksResult {
  const { layout, range, widthPx, heightPx, gutterPx } = f;
  const m = layout.metrics;
  const contentW = widthPx - gutterPx;
  const nsPerPx = (range.endNs - range.startNs) / Math.max(contentW, 1);
  const toX = (ns: number) => gutterPx + (ns - range.startNs) / nsPerPx;
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
    const drawn = drawThread(ctx, f, row, y, nsPerPx, toX);
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
    else drawThreadLabel(ctx, f, row, y);
  }
  // The process of the top row keeps its header pinned at the top, so scrolled threads say whose they are.
  if (first < last && layout.kind[first] !== ROW_PROCESS && rows[0].yPx < f.scrollTopPx) {
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
    if (l.endNs < range.startNs || l.beginNs > range.endNs) continue;
    const x0 = Math.max(gutterPx, toX(l.beginNs));
    const x1 = Math.min(widthPx, toX(l.endNs));
    ctx.fillRect(x0, 0, Math.max(x1 - x0, 2), heightPx);
  }
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
  const threads = `${row.threadCount} thread${row.threadCount === 1 ? '' : 's'}`;
  ctx.fillText(row.label, 24, mid);
  const w = ctx.measureText(row.label).width;
  ctx.font = SMALL_FONT;
  ctx.fillStyle = THEME.laneText;
  ctx.fillText(threads, 24 + w + 8, mid);
  ctx.font = FONT;
}

function drawThreadLabel(ctx: CanvasRenderingContext2D, f: TracksFrame, row: ThreadRow, y: number): void {
  const m = f.layout.metrics;
  const t = f.model.threads[row.threadIndex];
  if (row.threadIndex === f.selectedThread) {
    ctx.fillStyle = THEME.threadLabelBand;
    ctx.fillRect(0, y, f.gutterPx - 1, row.heightPx - 1);
    ctx.fillStyle = THEME.threadMark;
    ctx.fillRect(0, y, 3, row.heightPx - 1);
  }
  ctx.fillStyle = THEME.threadText;
  ctx.font = LABEL_FONT;
  const text = fitText(ctx, t.cpuRow !== undefined ? `CPU ${t.cpuRow}` : t.name || 'thread', f.gutterPx - 70, 7);
  ctx.fillText(text, 12, y + 10);
  ctx.font = SMALL_FONT;
  ctx.fillStyle = THEME.laneText;
  if (t.cpuRow === undefined) ctx.fillText(`tid ${t.tid}`, 12, y + 24);
  ctx.textAlign = 'right';
  const right = f.gutterPx - 8;
  if (row.statesYPx >= 0) ctx.fillText('state', right, y + row.statesYPx + m.stateStripPx / 2);
  if (row.syscallsYPx >= 0) ctx.fillText('syscalls', right, y + row.syscallsYPx + m.syscallLanePx / 2);
  const lane = t.slices.count > 0 ? 'calls' : t.otherEventsNs ? 'events' : 'no calls';
  ctx.fillText(lane, right, y + row.slicesYPx + m.sliceRowPx / 2);
  ctx.textAlign = 'left';
  ctx.font = FONT;
}

function sameItem(a: TrackItemRef | null, kind: ItemKind, thread: number, index: number): boolean {
  return a !== null && a.kind === kind && a.thread === thread && a.index === index;
}

function outline(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, color: string, lineW: number): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = lineW;
  ctx.strokeRect(x + lineW / 2, y + lineW / 2, Math.max(w - lineW, 1), h - lineW);
}

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

const batch = new RectBatch();
const EMPTY_INDEX = { lanes: [], lanePos: new Int32Array(0) };
/** Tick marks of events the model does not know (events-only rows). */
const EVENT_TICK = '#475467';
const labelX: number[] = [];
const labelY: number[] = [];
const labelText: string[] = [];
const labelColor: string[] = [];

function addLabel(x: number, y: number, text: string, color: string): void {
  labelX.push(x);
  labelY.push(y);
  labelText.push(text);
  labelColor.push(color);
}

function flushLabels(ctx: CanvasRenderingContext2D): void {
  let color = '';
  for (let i = 0; i < labelX.length; i++) {
    if (labelColor[i] !== color) {
      color = labelColor[i];
      ctx.fillStyle = color;
    }
    ctx.fillText(labelText[i], labelX[i], labelY[i]);
  }
  labelX.length = labelY.length = labelText.length = labelColor.length = 0;
}

/** First index of sorted `times` at or after ns. */
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

/** Tick marks of event times: O(pixels x log events), whatever the number of events in view. */
function drawEventTicks(
  times: Float64Array,
  f: TracksFrame,
  topPx: number,
  heightPx: number,
  toX: (ns: number) => number,
  nsPerPx: number,
): number {
  let i = lowerBound(times, f.range.startNs, 0);
  let ticks = 0;
  while (i < times.length && times[i] <= f.range.endNs) {
    const x = Math.floor(toX(times[i]));
    if (x >= f.gutterPx) {
      batch.add(EVENT_TICK, x, topPx, 1, heightPx);
      ticks++;
    }
    // Skip the rest of this pixel column.
    i = lowerBound(times, times[i] + nsPerPx * (x + 1 - toX(times[i])), i + 1);
  }
  return ticks;
}

function drawThread(
  ctx: CanvasRenderingContext2D,
  f: TracksFrame,
  row: ThreadRow,
  y: number,
  nsPerPx: number,
  toX: (ns: number) => number,
): number {
  const { model, range } = f;
  const m = f.layout.metrics;
  const t = model.threads[row.threadIndex];
  const strings = model.strings;
  const xMin = f.gutterPx - 2;
  const xMax = f.widthPx + 2;
  const labelMinX = f.gutterPx + 4;
  let boxes = 0;
  let outlined: [number, number, number, number] | null = null;
  let hoverBox: [number, number, number, number] | null = null;
  // Pixel-snapped box edges: crisp, and cheaper to rasterize than anti-aliased ones.
  const left = (ns: number) => Math.round(Math.max(toX(ns), xMin));
  const right = (ns: number) => Math.round(Math.min(toX(ns), xMax));

  // Kernel state strip.
  if (row.statesYPx >= 0 && t.states) {
    const st = t.states;
    const sy = y + row.statesYPx;
    boxes += forEachBox(tableLane(st), range.startNs, range.endNs, nsPerPx, (a, b, s, e) => {
      const x0 = left(s);
      const w = Math.max(right(e) - x0, 1);
      batch.add(stateColor(a === b ? st.state[a] : dominantState(st, a, b)), x0, sy, w, m.stateStripPx);
      if (sameItem(f.selection, 'state', row.threadIndex, a)) outlined = [x0, sy, w, m.stateStripPx];
      if (sameItem(f.hovered, 'state', row.threadIndex, a)) hoverBox = [x0, sy, w, m.stateStripPx];
    }, 1, false); // per pixel: each pixel shows its dominant state, never one colour for a long run
  }

  // Syscall lane.
  if (row.syscallsYPx >= 0 && t.syscalls) {
    const sc = t.syscalls;
    const sy = y + row.syscallsYPx;
    boxes += forEachBox(tableLane(sc), range.startNs, range.endNs, nsPerPx, (a, b, s, e) => {
      const x0 = left(s);
      const w = Math.max(right(e) - x0, 1);
      batch.add(syscallColor(sc.name[a], strings[sc.name[a]]), x0, sy + 1, w > 3 ? w - 1 : w, m.syscallLanePx - 2);
      if (a === b && w > 16) {
        const lx = Math.max(x0, f.gutterPx) + 3;
        const text = fitText(ctx, strings[sc.name[a]], x0 + w - lx - 3, charWidthPx);
        if (text) addLabel(lx, sy + m.syscallLanePx / 2, text, '#ffffff');
      }
      if (sameItem(f.selection, 'syscall', row.threadIndex, a)) outlined = [x0, sy, w, m.syscallLanePx];
      if (sameItem(f.hovered, 'syscall', row.threadIndex, a)) hoverBox = [x0, sy, w, m.syscallLanePx];
    }, 1, false); // per pixel, so that the gaps between syscalls stay visible
  }

  // Events the model does not know, on a row with no calls: one tick per pixel column holding any.
  if (t.otherEventsNs && t.slices.count === 0) boxes += drawEventTicks(t.otherEventsNs, f, y + row.slicesYPx + 3, m.sliceRowPx - 6, toX, nsPerPx);

  // Flame chart, one lane per depth; a big thread is indexed in the background once it is on screen.
  const idx = t.slices.count > 0 ? sliceIndexIfReady(t) : EMPTY_INDEX;
  if (idx === null) {
    batch.flush(ctx);
    flushLabels(ctx);
    ctx.fillStyle = THEME.laneText;
    ctx.fillText('indexing calls…', f.gutterPx + 8, y + row.slicesYPx + m.sliceRowPx / 2);
    return -1;
  }
  const sl = t.slices;
  const search = f.searchNames;
  const rowH = m.sliceRowPx;
  for (let d = 0; d < idx.lanes.length; d++) {
    const lane = idx.lanes[d];
    const dy = y + row.slicesYPx + d * rowH;
    if (dy > f.heightPx || dy + rowH < 0) continue;
    boxes += forEachBox(lane, range.startNs, range.endNs, nsPerPx, (a, b, s, e) => {
      const i = sourceIndex(lane, a);
      const x0 = left(s);
      const w = Math.max(right(e) - x0, 1);
      let matched = true;
      if (search) {
        matched = search[sl.name[i]] === 1;
        // A merged box matches when any slice inside it does (bounded scan: a pixel rarely holds more).
        for (let p = a + 1; !matched && p <= b && p < a + 256; p++) matched = search[sl.name[sourceIndex(lane, p)]] === 1;
      }
      // A run of merged tiny calls wider than a couple of pixels is drawn muted: no single name owns it.
      const fill = !matched
        ? DIMMED_SLICE
        : a !== b && w > 2
          ? MERGED_CALLS
          : sliceColor(sl.name[i], sl.kind[i], strings[sl.name[i]]);
      batch.add(fill, x0, dy, w > 3 ? w - 1 : w, rowH - 1);
      if (a === b) {
        if ((sl.flags[i] & (SliceFlag.BrokenByLoss | SliceFlag.Mismatched)) !== 0 && w > 4) {
          // Red edge: the stack may be wrong from here (loss or mismatched return).
          batch.add('#d92d20', x0, dy, 3, rowH - 1);
        }
        if (w > 18) {
          const lx = Math.max(x0 + 4, labelMinX);
          const text = fitText(ctx, strings[sl.name[i]], x0 + w - 4 - lx, charWidthPx);
          if (text) addLabel(lx, dy + rowH / 2, text, matched ? SLICE_TEXT : DIMMED_TEXT);
        }
        if (sameItem(f.selection, 'slice', row.threadIndex, i)) outlined = [x0, dy, w, rowH - 1];
        if (sameItem(f.hovered, 'slice', row.threadIndex, i)) hoverBox = [x0, dy, w, rowH - 1];
      }
    });
  }
  batch.flush(ctx);
  flushLabels(ctx);
  const hb = hoverBox as [number, number, number, number] | null;
  if (hb) outline(ctx, hb[0], hb[1], hb[2], hb[3], 'rgba(17,24,39,0.55)', 1);
  const ob = outlined as [number, number, number, number] | null;
  if (ob) {
    outline(ctx, ob[0] - 1, ob[1] - 1, ob[2] + 2, ob[3] + 2, '#ffffff', 1);
    outline(ctx, ob[0], ob[1], ob[2], ob[3], THEME.selection, 2);
  }
  return boxes;
}
