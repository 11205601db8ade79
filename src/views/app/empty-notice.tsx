import type { TraceModel } from '../../model/types';
import { formatCount } from './format';

/** In place of the timeline when the trace gives no row to draw: says why, instead of a blank canvas. */
export function EmptyTraceNotice({ model }: { model: TraceModel }) {
  const kernel = model.sources.some((s) => s.domain === 'kernel');
  return (
    <section className="strata-empty-notice" role="status" data-testid="empty-notice">
      <h2>Nothing to draw in this trace</h2>
      {model.eventCount === 0 ? (
        <p>
          It holds no events:{' '}
          {model.sources.length > 1 ? `its ${model.sources.length} traces have` : 'its streams have'} no event records
          (empty streams, or packets without events).
        </p>
      ) : (
        <p>
          Its {formatCount(model.eventCount)} events give no thread or CPU row:{' '}
          {kernel
            ? 'the kernel events rows are built from (sched_switch, syscalls, irqs, process fork/exec/free) are not among them, and other kernel events are only counted.'
            : 'none is a call, and the others carry neither a thread (vtid) context nor a CPU, or are statedump and library records the model reads without drawing.'}
        </p>
      )}
      <p>
        {model.eventCount > 0 ? 'Its events are listed in the Events tab below; ' : ''}
        <code>npm run dump -- TRACE</code> lists every event the decoder reads.
      </p>
    </section>
  );
}
