/**
 * Work done before the timeline mounts, in tasks of a few ms, so that mounting and the first frame stay short
 * on a trace with tens of thousands of threads: the process grouping and row layout of a freshly reset view,
 * then a rehearsal of the first frame on a detached canvas (it builds the lanes of the rows on screen, loads
 * the fonts and warms the drawing code, which a cold first frame pays for all at once).
 */
import { nextTask } from '../../base/next-task';
import { prepareRowLayout, rowLayoutFor } from '../../layout/row-layout';
import { timeZeroNs } from '../../layout/time-format';
import type { TraceModel } from '../../model/types';
import { prepareCanvas } from '../../render/canvas';
import { drawAxis } from '../../render/draw-axis';
import { drawTracks } from '../../render/draw-tracks';
import { axisTicks } from '../../render/time-scale';
import { Viewport } from '../../layout/viewport';
import { initialViewState } from '../../store/view-store';
import { GUTTER_PX } from './use-timeline-canvas';

/** Length of one preparation task (short: a garbage collection may land in the same task). */
const SLICE_MS = 4;

/** Resolves false when cancelled (another trace was opened). */
export async function prepareTimeline(model: TraceModel, isCancelled: () => boolean): Promise<boolean> {
  const { collapsedPids, threadFilter } = initialViewState;
  if (!(await prepareRowLayout(model, collapsedPids, threadFilter, { sliceMs: SLICE_MS, isCancelled }))) return false;
  const layout = rowLayoutFor(model, collapsedPids, threadFilter);
  // The window's size stands for the canvas's, not yet laid out: the rows on screen are the same top rows.
  const widthPx = Math.max(window.innerWidth, GUTTER_PX + 100);
  const heightPx = Math.max(window.innerHeight, 100);
  const range = { startNs: model.startNs, endNs: Math.max(model.endNs, model.startNs + 1) };
  const canvas = document.createElement('canvas');
  await nextTask();
  if (isCancelled()) return false;
  const vp = new Viewport(range, widthPx, GUTTER_PX);
  const ticks = axisTicks(vp, timeZeroNs(model));
  drawAxis(prepareCanvas(canvas, widthPx, 36), {
    vp,
    heightPx: 36,
    ticks,
    originNs: model.originNs,
    zeroNs: timeZeroNs(model),
    losses: model.losses,
    hoveredLoss: -1,
    selectedRange: null,
  });
  // Each pass draws the rows done before (now cheap) and more, until one pass draws them all.
  for (let pass = 0; pass < 50; pass++) {
    await nextTask();
    if (isCancelled()) return false;
    // A hidden page throttles timers to one a second: the real frames will do this work when it is seen.
    if (document.hidden) break;
    const { incomplete } = drawTracks(prepareCanvas(canvas, widthPx, heightPx), {
      model,
      layout,
      vp,
      heightPx,
      scrollTopPx: 0,
      ticksNs: ticks.ticksNs,
      selection: null,
      selectedThread: null,
      hovered: null,
      selectedRange: null,
      searchNames: null,
      deadlineMs: performance.now() + SLICE_MS,
    });
    if (!incomplete) break;
  }
  canvas.width = canvas.height = 0;
  await nextTask();
  return !isCancelled();
}
