import { useEffect, useLayoutEffect, useState } from 'react';
import { useTraceStore } from '../../store/trace-store';
import { startUrlSync, syncUrlWithLoadedModel } from '../../store/url-sync';
import { Timeline } from '../timeline/Timeline';
import { ErrorBoundary } from './error-boundary';
import { FailurePanel } from './failure-panel';
import { ShareControls } from './share-controls';
import { TraceSummary } from './trace-summary';

/** The loaded trace: summary, loss notice, sharing, and the timeline. */
export function TraceMain() {
  const model = useTraceStore((s) => s.model);
  const label = useTraceStore((s) => s.label);
  const partialFailure = useTraceStore((s) => s.partialFailure);
  const [linkWarnings, setLinkWarnings] = useState<string[]>([]);

  // After the Timeline's own layout effect has reset the view for this model (children's effects run first),
  // restore the view the URL names.
  useLayoutEffect(() => {
    if (model) setLinkWarnings(syncUrlWithLoadedModel(model));
  }, [model]);

  useEffect(() => startUrlSync(), []);

  if (!model) return null;
  return (
    <main className="strata-main">
      {partialFailure && <FailurePanel failure={partialFailure} partial />}
      <div className="strata-trace-bar">
        <TraceSummary model={model} label={label} />
        <ShareControls />
      </div>
      {linkWarnings.length > 0 && (
        <p className="strata-hint" role="status">
          Parts of the link were not understood: {linkWarnings.join('; ')}
        </p>
      )}
      <ErrorBoundary what="the timeline">
        <Timeline model={model} />
      </ErrorBoundary>
    </main>
  );
}
