import { useTraceStore } from '../../store/trace-store';
import { FailurePanel } from './failure-panel';
import { ThreadTable } from './thread-table';
import { TraceSummary } from './trace-summary';

/** The loaded trace: summary, loss notice, and the timeline. */
export function TraceMain() {
  const model = useTraceStore((s) => s.model);
  const label = useTraceStore((s) => s.label);
  const partialFailure = useTraceStore((s) => s.partialFailure);
  if (!model) return null;
  return (
    <main className="strata-main">
      {partialFailure && <FailurePanel failure={partialFailure} partial />}
      <TraceSummary model={model} label={label} />
      <ThreadTable model={model} />
    </main>
  );
}
