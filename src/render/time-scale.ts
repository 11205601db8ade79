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
   * Labels are offsets from `baseNs` (0 = trace start). Deep zooms far into a trace use a rounded base near
   * the view, so labels stay short ("+250 ns" rather than "12345.000250 ms"); the base is shown on its own.
   */
  baseNs: number;
  labels: string[];
}

export function axisTicks(vp: Viewport): AxisTicks {
  const count = Math.max(2, Math.floor(vp.contentWidthPx / 110));
  const d0 = vp.range.startNs;
  const d1 = vp.range.endNs;
  const ticksNs = scaleLinear().domain([d0, d1]).ticks(count);
  const stepNs = ticksNs.length > 1 ? ticksNs[1] - ticksNs[0] : Math.max(d1 - d0, 1);
  let baseNs = 0;
  if (Math.abs(d0) / stepNs > 1e4) {
    const big = stepNs * 1000;
    baseNs = Math.floor(d0 / big) * big;
  }
  let magnitudeNs = 0;
  for (const t of ticksNs) magnitudeNs = Math.max(magnitudeNs, Math.abs(t - baseNs));
  const labels = ticksNs.map((t) => formatTick(t - baseNs, stepNs, magnitudeNs));
  return { ticksNs, stepNs, baseNs, labels };
}
