/**
 * Development page for the timeline alone (timeline-dev.html): renders a model chosen by
 * ?fixture=small|small-user|million (hand-made fixtures) or ?fixture=demo (the demo trace, decoded by the
 * loading workers), without the app shell.
 *
 * For e2e tests it exposes `window.__strataTimeline.locate(...)`: where on the page an item is drawn, computed
 * with the same layout code as the canvas, so that tests click real pixels.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { buildRowLayout } from '../../layout/row-layout';
import { formatDuration } from '../../layout/time-format';
import type { TraceModel } from '../../model/types';
import { timelineScheduler } from '../../render/raf-scheduler';
import { useViewStore } from '../../store/view-store';
import { generatedModel, smallModel } from '../../test-utils/model-fixture';
import { startLoad } from '../../worker-api/load-client';
import { Timeline } from './Timeline';
import { GUTTER_PX } from './use-timeline-canvas';

type Kind = 'slice' | 'syscall';

/** Page coordinates of the middle of the first item named `name` (null if none is on screen). */
function locate(model: TraceModel, kind: Kind, name: string): { x: number; y: number; widthPx: number; thread: number; index: number } | null {
  const s = useViewStore.getState();
  const layout = buildRowLayout(model, { collapsedPids: s.collapsedPids, threadFilter: s.threadFilter });
  const canvas = document.querySelector<HTMLCanvasElement>('canvas.tl-tracks')!;
  const scroll = canvas.parentElement!;
  const box = canvas.getBoundingClientRect();
  const r = s.visibleRange;
  const toX = (ns: number) => box.left + GUTTER_PX + ((ns - r.startNs) / (r.endNs - r.startNs)) * (box.width - GUTTER_PX);
  for (const row of layout.rows) {
    if (row.kind !== 'thread') continue;
    const t = model.threads[row.threadIndex];
    const table = kind === 'slice' ? t.slices : t.syscalls;
    if (!table) continue;
    for (let i = 0; i < table.count; i++) {
      if (model.strings[table.name[i]] !== name) continue;
      const yIn =
        kind === 'slice'
          ? row.slicesYPx + t.slices.depth[i] * layout.metrics.sliceRowPx + layout.metrics.sliceRowPx / 2
          : row.syscallsYPx + layout.metrics.syscallLanePx / 2;
      return {
        x: toX((table.startNs[i] + table.endNs[i]) / 2),
        y: box.top + row.yPx + yIn - scroll.scrollTop,
        widthPx: toX(table.endNs[i]) - toX(table.startNs[i]),
        thread: row.threadIndex,
        index: i,
      };
    }
  }
  return null;
}

function render(model: TraceModel): void {
  (window as unknown as { __strataTimeline: unknown }).__strataTimeline = {
    locate: (kind: Kind, name: string) => locate(model, kind, name),
    range: (startNs: number, endNs: number) => useViewStore.setState({ visibleRange: { startNs, endNs } }),
    /** Duration of an item, as the details panel should show it. */
    duration: (kind: Kind, thread: number, index: number) => {
      const t = model.threads[thread];
      const table = kind === 'slice' ? t.slices : t.syscalls!;
      return formatDuration(table.endNs[index] - table.startNs[index]);
    },
  };
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <Timeline model={model} />
    </StrictMode>,
  );
}

// For the frame benchmark: draw durations of the shared scheduler.
(window as unknown as { __strataScheduler: typeof timelineScheduler }).__strataScheduler = timelineScheduler;

const fixture = new URLSearchParams(location.search).get('fixture') ?? 'small';
if (fixture === 'demo') {
  startLoad({ kind: 'demo' }, () => {}).promise.then((r) => {
    if (r.ok) render(r.value.model);
    else document.getElementById('root')!.textContent = `demo trace failed to load: ${JSON.stringify(r.failure)}`;
  });
} else {
  render(fixture === 'million' ? generatedModel({ slices: 1_000_000, threads: 4 }) : fixture === 'small-user' ? smallModel({ kernel: false }) : smallModel());
}
