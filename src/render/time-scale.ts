/**
 * The time scale (d3-scale) from model ns to x pixels, and axis ticks with readable labels.
 */
import { scaleLinear, type ScaleLinear } from 'd3-scale';
import { formatTick } from '../layout/time-format';
import type { TimeRange } from '../layout/view-math';

export function timeScale(range: TimeRange, x0Px: number, x1Px: number): ScaleLinear<number, number> {
  return scaleLinear().domain([range.startNs, range.endNs]).range([x0Px, x1Px]);
}

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

export function axisTicks(scale: ScaleLinear<number, number>, widthPx: number): AxisTicks {
  const count = Math.max(2, Math.floor(widthPx / 110));
  const ticksNs = scale.ticks(count);
  const [d0, d1] = scale.domain();
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
