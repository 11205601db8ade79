/**
 * The timeline's horizontal geometry, in three named spaces (speedscope names its spaces the same way):
 *
 *   trace ns    model time: ns relative to TraceModel.originNs
 *   content px  x from the left edge of the time area (right of the label gutter), CSS px
 *   canvas px   x from the left edge of the canvas, CSS px; the label gutter is [0, gutterPx)
 *
 *   canvas px  0 ──── gutterPx ───────────────────────────── canvasWidthPx
 *              │ gutter │ content px 0 ──────────── contentWidthPx │
 *                       │ range.startNs ───────────── range.endNs  │ trace ns
 *
 * One object per frame or input event, used by the drawing, the axis, the hit tests, the test hook and the
 * first-frame preparation: the only place that maps x to ns.
 */
import type { TimeRange } from './view-math';

export class Viewport {
  /** Visible trace ns. */
  readonly range: TimeRange;
  readonly canvasWidthPx: number;
  readonly gutterPx: number;
  /** Width of the time area (at least 1, so that nsPerPx stays finite). */
  readonly contentWidthPx: number;
  readonly nsPerPx: number;

  constructor(range: TimeRange, canvasWidthPx: number, gutterPx: number) {
    this.range = range;
    this.canvasWidthPx = canvasWidthPx;
    this.gutterPx = gutterPx;
    this.contentWidthPx = Math.max(canvasWidthPx - gutterPx, 1);
    this.nsPerPx = (range.endNs - range.startNs) / this.contentWidthPx;
  }

  nsToContentPx(ns: number): number {
    return (ns - this.range.startNs) / this.nsPerPx;
  }

  contentPxToNs(xContentPx: number): number {
    return this.range.startNs + xContentPx * this.nsPerPx;
  }

  nsToCanvasPx(ns: number): number {
    return this.gutterPx + (ns - this.range.startNs) / this.nsPerPx;
  }

  canvasPxToNs(xCanvasPx: number): number {
    return this.range.startNs + (xCanvasPx - this.gutterPx) * this.nsPerPx;
  }

  /** Whether a canvas x is over the time area (not the label gutter). */
  inContent(xCanvasPx: number): boolean {
    return xCanvasPx >= this.gutterPx;
  }

  /** Time under a canvas x when it is over the time area, else the middle of the view (zoom anchors). */
  anchorNs(xCanvasPx: number | null): number {
    return xCanvasPx !== null && this.inContent(xCanvasPx)
      ? this.canvasPxToNs(xCanvasPx)
      : (this.range.startNs + this.range.endNs) / 2;
  }
}
