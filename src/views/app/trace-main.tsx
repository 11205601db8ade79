import { lazy, Suspense, useEffect, useLayoutEffect, useState } from 'react';
import type { TraceModel } from '../../model/types';
import { setAnalysisTab } from '../../store/analysis-store';
import { useTraceStore } from '../../store/trace-store';
import { resetView } from '../../store/view-store';
import { startUrlSync, syncUrlWithLoadedModel } from '../../store/url-sync';
import { EmptyTraceNotice } from './empty-notice';
import { ErrorBoundary } from './error-boundary';
import { FailurePanel } from './failure-panel';
import { ShareControls } from './share-controls';
import { TraceSummary } from './trace-summary';

/** The timeline code loads in its own chunk, fetched while the trace decodes, so the landing page starts light. */
export const loadTimelineChunk = () => import('../timeline/Timeline');
const Timeline = lazy(() => loadTimelineChunk().then((m) => ({ default: m.Timeline })));
/** The analysis panel (below the timeline) in a chunk of its own; its figures come from a worker. */
const AnalysisPanel = lazy(() => import('../analysis/AnalysisPanel').then((m) => ({ default: m.AnalysisPanel })));

/**
 * Restores the view the URL names once the Timeline has reset the view for the new model: placed after the
 * Timeline, its layout effect runs after the Timeline's (siblings commit in order).
 */
function UrlRestore({ model, onWarnings }: { model: TraceModel; onWarnings: (w: string[]) => void }) {
  useLayoutEffect(() => onWarnings(syncUrlWithLoadedModel(model)), [model, onWarnings]);
  return null;
}

/** The loaded trace: summary, loss notice, sharing, and the timeline. */
/** A trace with events but no row to draw: its events, in the Events tab, are what there is to read. */
function EventsOnly({ model }: { model: TraceModel }) {
  useLayoutEffect(() => {
    resetView({ startNs: model.startNs, endNs: model.endNs });
    setAnalysisTab('events');
  }, [model]);
  return (
    <ErrorBoundary what="the events table">
      <Suspense fallback={null}>
        <AnalysisPanel model={model} />
      </Suspense>
    </ErrorBoundary>
  );
}

export function TraceMain() {
  const model = useTraceStore((s) => s.model);
  const label = useTraceStore((s) => s.label);
  const partialFailure = useTraceStore((s) => s.partialFailure);
  const notice = useTraceStore((s) => s.notice);
  const warnings = useTraceStore((s) => s.warnings);
  const [linkWarnings, setLinkWarnings] = useState<string[]>([]);
  // The model whose row layout is made: the timeline mounts only then, so that its first frame only draws.
  const [preparedModel, setPreparedModel] = useState<TraceModel | null>(null);

  useEffect(() => startUrlSync(), []);
  useEffect(() => {
    if (!model) return;
    let cancelled = false;
    // Grouping, layout and a rehearsal of the first frame, in short tasks (see prepare-timeline.ts).
    void loadTimelineChunk()
      .then((m) => m.prepareTimeline(model, () => cancelled))
      .then(
        (done) => {
          if (!done) return;
          performance.mark('strata-timeline-prepared'); // bench:load's time split
          setPreparedModel(model);
        },
        // The preparation only saves time: without it the timeline still shows (its first frame is slower).
        () => !cancelled && setPreparedModel(model),
      );
    return () => {
      cancelled = true;
    };
  }, [model]);

  if (!model) return null;
  return (
    <main className="strata-main">
      {partialFailure && <FailurePanel failure={partialFailure} partial />}
      {notice && (
        <p className="strata-hint" role="status" data-testid="load-notice">
          {notice}
        </p>
      )}
      <div className="strata-trace-bar">
        <TraceSummary model={model} label={label} warnings={warnings} />
        <ShareControls />
      </div>
      {linkWarnings.length > 0 && (
        <p className="strata-hint" role="status">
          Parts of the link were not understood: {linkWarnings.join('; ')}
        </p>
      )}
      {model.threads.length === 0 ? (
        <>
          <EmptyTraceNotice model={model} />
          {model.eventCount > 0 && <EventsOnly model={model} />}
        </>
      ) : (
        <ErrorBoundary what="the timeline">
          <Suspense fallback={<p className="strata-hint">Preparing the timeline…</p>}>
            {preparedModel === model ? (
              <>
                <Timeline model={model} />
                <UrlRestore model={model} onWarnings={setLinkWarnings} />
                <ErrorBoundary what="the analysis panel">
                  <Suspense fallback={null}>
                    <AnalysisPanel model={model} />
                  </Suspense>
                </ErrorBoundary>
              </>
            ) : (
              <p className="strata-hint">Preparing the timeline…</p>
            )}
          </Suspense>
        </ErrorBoundary>
      )}
    </main>
  );
}
