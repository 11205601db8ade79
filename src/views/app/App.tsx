import { useEffect, useState } from 'react';
import { useTraceStore } from '../../store/trace-store';
import { parseUrlState } from '../../store/url-state';
import type { SourceFile } from '../../worker-api/protocol';
import { filesFromDrop } from './collect-files';
import { ErrorBoundary } from './error-boundary';
import { FailurePanel } from './failure-panel';
import { LoadProgressPanel } from './load-progress';
import { Landing, OpenControls } from './open-controls';
import { loadTimelineChunk, TraceMain } from './trace-main';
import './app.css';

/**
 * Which trace the page opens at start:
 *   ?trace=<url>  that hosted trace;   ?demo  the built-in demo;   no query at all: the demo too;
 *   ?trace=  (empty) or any other query without a source, such as `?local` (written while a trace opened from
 *   disk is shown): the landing page with the drop zone.
 */
export function initialSource(search: string) {
  const parsed = parseUrlState(search);
  if (parsed.state.source) return parsed.state.source;
  return search === '' || search === '?' ? ({ kind: 'demo' } as const) : null;
}

function describeOrigin(origin: ReturnType<typeof useTraceStore.getState>['origin']): string {
  if (!origin) return '';
  if (origin.kind === 'demo') return 'the demo trace';
  if (origin.kind === 'url') return origin.url;
  return origin.names.length === 1 ? origin.names[0] : `${origin.names.length} files`;
}

export function App() {
  const status = useTraceStore((s) => s.status);
  const origin = useTraceStore((s) => s.origin);
  const progress = useTraceStore((s) => s.progress);
  const failure = useTraceStore((s) => s.failure);
  const stalledEvents = useTraceStore((s) => s.stalledEvents);
  const model = useTraceStore((s) => s.model);
  const [dragging, setDragging] = useState(false);
  const [showLanding, setShowLanding] = useState(false);

  const openFiles = (files: SourceFile[]) => {
    setShowLanding(false);
    void useTraceStore.getState().open({ kind: 'files', files });
  };

  useEffect(() => {
    // Fetch the timeline code while the trace loads.
    if (status === 'loading') void loadTimelineChunk();
  }, [status]);

  useEffect(() => {
    const source = initialSource(window.location.search);
    if (!source) return;
    // In a task of its own: starting the workers right after the first render made one long startup task.
    const timer = setTimeout(
      () =>
        void useTraceStore.getState().open(source.kind === 'url' ? { kind: 'url', url: source.url } : { kind: 'demo' }),
      0,
    );
    return () => clearTimeout(timer);
  }, []);

  useEffect(() => {
    // The whole page is a drop target, whatever is shown.
    let depth = 0;
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const onEnter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setDragging(true);
    };
    const onLeave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onOver = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const onDrop = (e: DragEvent) => {
      if (!e.dataTransfer) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      void filesFromDrop(e.dataTransfer).then((files) => {
        if (files.length > 0) openFiles(files);
      });
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
  }, []);

  const openDemo = () => {
    setShowLanding(false);
    void useTraceStore.getState().open({ kind: 'demo' });
  };

  let body;
  if (status === 'loading') {
    body = (
      <LoadProgressPanel
        what={describeOrigin(origin)}
        progress={progress}
        onCancel={() => useTraceStore.getState().cancel()}
      />
    );
  } else if (status === 'error' && failure) {
    body = (
      <>
        <FailurePanel
          failure={failure}
          partialEvents={stalledEvents}
          onOpenPartial={() => useTraceStore.getState().openStalled()}
        />
        <Landing onFiles={openFiles} onDemo={openDemo} />
      </>
    );
  } else if (model && !showLanding) {
    body = (
      <ErrorBoundary what="the trace view">
        <TraceMain />
      </ErrorBoundary>
    );
  } else {
    body = <Landing onFiles={openFiles} onDemo={openDemo} />;
  }

  return (
    <div className={dragging ? 'strata-app strata-dragging' : 'strata-app'}>
      <header className="strata-header">
        <h1>Strata</h1>
        {model && status !== 'loading' && (
          <>
            {!showLanding ? (
              <>
                <button type="button" onClick={() => setShowLanding(true)}>
                  Open another trace
                </button>
                <OpenControls onFiles={openFiles} />
              </>
            ) : (
              <button type="button" onClick={() => setShowLanding(false)}>
                Back to the trace
              </button>
            )}
          </>
        )}
      </header>
      <ErrorBoundary what="the viewer">{body}</ErrorBoundary>
      {dragging && <div className="strata-drop-overlay">Drop to open the trace</div>}
    </div>
  );
}
