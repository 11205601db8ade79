/**
 * Development page for the timeline alone (timeline-dev.html), for synthetic models only: ?fixture=small |
 * small-user (hand-written scenario), million (1 M slices on 4 threads), many-threads (1 M slices on 5,400
 * threads in 1,800 processes). Real traces, the demo included, are viewed on the app page (index.html).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { TraceModel } from '../../model/types';
import { timelineScheduler } from '../../render/raf-scheduler';
import { generatedModel, smallModel } from '../../fixtures/model-fixture';
import { Timeline } from './Timeline';

function render(model: TraceModel): void {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <Timeline model={model} />
    </StrictMode>,
  );
}

// For the frame benchmark: draw durations of the shared scheduler.
(window as unknown as { __strataScheduler: typeof timelineScheduler }).__strataScheduler = timelineScheduler;

const fixtures: Record<string, () => TraceModel> = {
  small: () => smallModel(),
  'small-user': () => smallModel({ kernel: false }),
  million: () => generatedModel({ slices: 1_000_000, threads: 4 }),
  'many-threads': () => generatedModel({ slices: 1_000_000, threads: 5_400, processes: 1_800 }),
};
const fixture = new URLSearchParams(location.search).get('fixture') ?? 'small';
const make = fixtures[fixture];
if (make) render(make());
else
  document.getElementById('root')!.textContent =
    `unknown fixture ${fixture}: one of ${Object.keys(fixtures).join(', ')}`;
