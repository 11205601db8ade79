/**
 * Zoom and pan arithmetic on a visible time range [startNs, endNs) of trace ns, clamped to the trace bounds
 * (x <-> ns mapping is `viewport.ts`'s).
 */

export interface TimeRange {
  startNs: number;
  endNs: number;
}

/** Smallest visible span: below this, float64 rounding of relative ns starts to show (speedscope's cap). */
export const MIN_SPAN_NS = 20;

export function clampRange(r: TimeRange, bounds: TimeRange): TimeRange {
  const boundsSpan = Math.max(bounds.endNs - bounds.startNs, MIN_SPAN_NS);
  let span = Math.min(Math.max(r.endNs - r.startNs, MIN_SPAN_NS), boundsSpan);
  let start = r.startNs;
  if (start < bounds.startNs) start = bounds.startNs;
  if (start + span > bounds.startNs + boundsSpan) start = bounds.startNs + boundsSpan - span;
  if (!Number.isFinite(span)) span = boundsSpan;
  return { startNs: start, endNs: start + span };
}

/**
 * Scales the span by `factor` (< 1 zooms in) keeping `anchorNs` at the same place on screen.
 */
export function zoomAround(r: TimeRange, anchorNs: number, factor: number, bounds: TimeRange): TimeRange {
  const span = r.endNs - r.startNs;
  const boundsSpan = bounds.endNs - bounds.startNs;
  const newSpan = Math.min(Math.max(span * factor, MIN_SPAN_NS), Math.max(boundsSpan, MIN_SPAN_NS));
  const frac = span > 0 ? (anchorNs - r.startNs) / span : 0.5;
  const start = anchorNs - frac * newSpan;
  return clampRange({ startNs: start, endNs: start + newSpan }, bounds);
}

/** Moves the range by `deltaNs`, stopping at the bounds without changing the span. */
export function panBy(r: TimeRange, deltaNs: number, bounds: TimeRange): TimeRange {
  return clampRange({ startNs: r.startNs + deltaNs, endNs: r.endNs + deltaNs }, bounds);
}

/** Range to show a selection [a, b) with a margin on both sides (fraction of its span). */
export function rangeAround(a: number, b: number, bounds: TimeRange, margin = 0.05): TimeRange {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const pad = Math.max(hi - lo, MIN_SPAN_NS) * margin;
  return clampRange({ startNs: lo - pad, endNs: hi + pad }, bounds);
}

/**
 * Shift-drag extends a selected range: the end nearer the press moves and the other one stays. Returns the end
 * that stays (the anchor of the new drag), so dragging outward grows the range on that side and dragging
 * inward shrinks it, past the anchor it flips like any drag.
 */
export function extendAnchorNs(r: TimeRange, pressNs: number): number {
  return Math.abs(pressNs - r.startNs) <= Math.abs(pressNs - r.endNs) ? r.endNs : r.startNs;
}

/**
 * Top of a thread's name label (canvas px) so that it stays in view while its row is partly scrolled away
 * above: pinned at `viewTopPx` (below the pinned process header), but never below the row's own last
 * `labelHeightPx`.
 */
export function stickyLabelTopPx(
  rowTopPx: number,
  rowHeightPx: number,
  labelHeightPx: number,
  viewTopPx: number,
): number {
  if (rowTopPx >= viewTopPx) return rowTopPx;
  return Math.max(rowTopPx, Math.min(viewTopPx, rowTopPx + rowHeightPx - labelHeightPx));
}
