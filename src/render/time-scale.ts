/**
 * Axis ticks with readable labels for a viewport: d3-scale's tick generation (round steps of 1, 2, 5) over the
 * visible trace ns; positions come from the viewport.
 */
import { scaleLinear } from 'd3-scale';
import { formatTick } from '../layout/time-format';
import type { Viewport } from '../layout/viewport';

export interface AxisTicks {
  ticksNs: number[];
  stepNs: number;
  /**
   * Labels are offsets from `baseNs`, itself counted from the displayed origin (0 = trace start, `timeZeroNs`). Deep zooms far into a trace use a rounded base near
   * the view, so labels stay short ("+250 ns" rather than "12345.000250 ms"); the base is shown on its own.
   */
  baseNs: number;
  labels: string[];
}

/** Ticks for the viewport, round in time since `zeroNs` (the displayed origin, `timeZeroNs(model)`). */
export function axisTicks(vp: Viewport, zeroNs = 0): AxisTicks {
  const count = Math.max(2, Math.floor(vp.contentWidthPx / 110));
  const d0 = vp.range.startNs - zeroNs;
  const d1 = vp.range.endNs - zeroNs;
  const sinceZeroNs = scaleLinear().domain([d0, d1]).ticks(count);
  const stepNs = sinceZeroNs.length > 1 ? sinceZeroNs[1] - sinceZeroNs[0] : Math.max(d1 - d0, 1);
  let baseNs = 0;
  if (Math.abs(d0) / stepNs > 1e4) {
    const big = stepNs * 1000;
    baseNs = Math.floor(d0 / big) * big;
  }
  let magnitudeNs = 0;
  for (const t of sinceZeroNs) magnitudeNs = Math.max(magnitudeNs, Math.abs(t - baseNs));
  const labels = sinceZeroNs.map((t) => formatTick(t - baseNs, stepNs, magnitudeNs));
  // Positions back in model time, where the viewport draws.
  return { ticksNs: sinceZeroNs.map((t) => t + zeroNs), stepNs, baseNs, labels };
}
