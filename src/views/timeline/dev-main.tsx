/**
 * Development page for the timeline alone (timeline-dev.html): renders a fixture model chosen by
 * ?fixture=small|small-user|million, without the app shell or a trace decoder.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { generatedModel, smallModel } from '../../test-utils/model-fixture';
import { timelineScheduler } from '../../render/raf-scheduler';
import { Timeline } from './Timeline';

const fixture = new URLSearchParams(location.search).get('fixture') ?? 'small';
const model =
  fixture === 'million'
    ? generatedModel({ slices: 1_000_000, threads: 4 })
    : fixture === 'small-user'
      ? smallModel({ kernel: false })
      : smallModel();

// For the frame benchmark: draw durations of the shared scheduler.
(window as unknown as { __strataScheduler: typeof timelineScheduler }).__strataScheduler = timelineScheduler;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Timeline model={model} />
  </StrictMode>,
);
