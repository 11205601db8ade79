/**
 * The time axis drawn on canvas: d3 ticks with readable units, the base time of the labels, loss marks and
 * the selected range.
 */
import { formatOffset, formatRange, formatTimeOfDay, rangeResolutionNs } from '../layout/time-format';
import type { TimeRange } from '../layout/view-math';
import type { Viewport } from '../layout/viewport';
import type { LossRange } from '../model/types';
import type { AxisTicks } from './time-scale';
import { FONT, THEME } from './draw-tracks';

export interface AxisFrame {
  vp: Viewport;
  heightPx: number;
  ticks: AxisTicks;
  originNs: bigint;
  /** The displayed origin (`timeZeroNs(model)`): what the selection's text counts from. */
  zeroNs: number;
  losses: readonly LossRange[];
  hoveredLoss: number;
  selectedRange: TimeRange | null;
}

export const LOSS_MARK_PX = 6;

export function drawAxis(ctx: CanvasRenderingContext2D, f: AxisFrame): void {
  const { vp, heightPx: H } = f;
  const W = vp.canvasWidthPx;
  const G = vp.gutterPx;
  const range = vp.range;
  ctx.fillStyle = THEME.background;
  ctx.fillRect(0, 0, W, H);
  ctx.font = FONT;
  ctx.textBaseline = 'alphabetic';

  if (f.selectedRange) {
    const x0 = Math.max(G, vp.nsToCanvasPx(f.selectedRange.startNs));
    const x1 = Math.min(W, vp.nsToCanvasPx(f.selectedRange.endNs));
    if (x1 >= G && x0 <= W) {
      ctx.fillStyle = THEME.rangeFill;
      ctx.fillRect(x0, 0, Math.max(x1 - x0, 1), H);
    }
  }

  ctx.fillStyle = '#47505b';
  ctx.strokeStyle = '#9aa3ad';
  for (let i = 0; i < f.ticks.ticksNs.length; i++) {
    const x = Math.round(vp.nsToCanvasPx(f.ticks.ticksNs[i]));
    if (x < G || x > W) continue;
    ctx.fillStyle = '#9aa3ad';
    ctx.fillRect(x, H - 10, 1, 10);
    ctx.fillStyle = THEME.threadText;
    ctx.fillText(f.ticks.labels[i], x + 4, H - 13);
  }
  // Minor ticks: 5 per major interval.
  ctx.fillStyle = '#c5cbd2';
  const minor = f.ticks.stepNs / 5;
  const firstMinor = Math.ceil(range.startNs / minor) * minor;
  for (let t = firstMinor; t < range.endNs && minor > 0; t += minor) {
    const x = Math.round(vp.nsToCanvasPx(t));
    if (x >= G) ctx.fillRect(x, H - 4, 1, 4);
  }

  for (let i = 0; i < f.losses.length; i++) {
    const l = f.losses[i];
    if (l.endNs < l.beginNs) continue; // damaged record: listed in the summary, its place is unknown
    if (l.endNs < range.startNs || l.beginNs > range.endNs) continue;
    const x0 = Math.max(G, vp.nsToCanvasPx(l.beginNs));
    const x1 = Math.min(W, vp.nsToCanvasPx(l.endNs));
    ctx.fillStyle = i === f.hoveredLoss ? '#b42318' : '#e5483d';
    ctx.fillRect(x0, H - LOSS_MARK_PX - 1, Math.max(x1 - x0, 3), LOSS_MARK_PX);
  }

  // Duration of the selected range, centred over it (Perfetto's measurement label).
  if (f.selectedRange) {
    const x0 = vp.nsToCanvasPx(f.selectedRange.startNs);
    const x1 = vp.nsToCanvasPx(f.selectedRange.endNs);
    const text = formatRange(f.selectedRange, f.zeroNs, rangeResolutionNs(range.endNs - range.startNs)).duration;
    ctx.font = '600 11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
    const tw = ctx.measureText(text).width + 10;
    const cx = Math.min(Math.max((Math.max(x0, G) + Math.min(x1, W)) / 2, G + tw / 2), W - tw / 2);
    if (x1 >= G && x0 <= W) {
      ctx.fillStyle = THEME.rangeLine;
      ctx.fillRect(Math.round(cx - tw / 2), 2, Math.round(tw), 15);
      ctx.fillStyle = '#ffffff';
      ctx.fillText(text, Math.round(cx - tw / 2) + 5, 13);
    }
    ctx.font = FONT;
  }

  // Gutter: absolute time of the visible start, and the base the tick labels count from.
  ctx.fillStyle = THEME.gutter;
  ctx.fillRect(0, 0, G, H);
  ctx.fillStyle = THEME.gutterBorder;
  ctx.fillRect(G - 1, 0, 1, H);
  ctx.fillStyle = THEME.threadText;
  ctx.font = '600 11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  ctx.fillText(`${formatTimeOfDay(f.originNs, range.startNs, 6)} UTC`, 10, 15);
  ctx.font = FONT;
  ctx.fillStyle = THEME.laneText;
  ctx.fillText(f.ticks.baseNs === 0 ? 'ticks: since trace start' : `ticks: ${formatOffset(f.ticks.baseNs)}`, 10, H - 6);

  ctx.fillStyle = THEME.gutterBorder;
  ctx.fillRect(0, H - 1, W, 1);
}

/** Index of the loss whose mark is under (x, y) on the axis, or -1. */
export function lossAt(f: Pick<AxisFrame, 'vp' | 'losses' | 'heightPx'>, xCanvasPx: number, yPx: number): number {
  if (yPx < f.heightPx - LOSS_MARK_PX - 4) return -1;
  for (let i = 0; i < f.losses.length; i++) {
    const l = f.losses[i];
    if (l.endNs < l.beginNs) continue; // damaged: not drawn
    const x0 = f.vp.nsToCanvasPx(l.beginNs);
    const x1 = Math.max(f.vp.nsToCanvasPx(l.endNs), x0 + 3);
    if (xCanvasPx >= x0 - 2 && xCanvasPx <= x1 + 2) return i;
  }
  return -1;
}
