import type { TraceModel } from '../../model/types';
import { formatCount, formatNs } from './format';

/** What was loaded: traces, event counts, and a visible notice of lost events with their time ranges. */
export function TraceSummary({ model, label }: { model: TraceModel; label: string }) {
  return (
    <section className="strata-summary" data-testid="trace-summary">
      <p>
        <strong>{label}</strong>: {formatCount(model.eventCount)} events, {model.threads.length > 0 ? `${formatCount(model.threads.length)} threads` : 'no rows to draw'},{' '}
        {formatNs(model.endNs - model.startNs)} —{' '}
        {model.sources.map((s, i) => (
          <span key={i} className="strata-source" data-domain={s.domain}>
            {i > 0 && ', '}
            {s.name || label} ({s.domain}, {formatCount(s.eventCount)} events)
          </span>
        ))}
      </p>
      {model.losses.length > 0 && <LossNotice model={model} />}
    </section>
  );
}

function LossNotice({ model }: { model: TraceModel }) {
  const events = model.losses.filter((l) => l.kind === 'discarded-events').reduce((n, l) => n + l.count, 0);
  const packets = model.losses.filter((l) => l.kind === 'discarded-packets').reduce((n, l) => n + l.count, 0);
  const parts = [events > 0 && `${formatCount(events)} events`, packets > 0 && `${formatCount(packets)} packets`].filter(Boolean);
  return (
    <details className="strata-loss-notice" role="status" data-testid="loss-notice">
      <summary>
        ⚠ The tracer lost {parts.join(' and ')} in {model.losses.length} time range{model.losses.length > 1 ? 's' : ''}: call
        stacks and thread states may be wrong there.
      </summary>
      <table>
        <thead>
          <tr>
            <th>Lost</th>
            <th>From (since trace start)</th>
            <th>To</th>
            <th>Trace</th>
            <th>CPU</th>
          </tr>
        </thead>
        <tbody>
          {model.losses.map((l, i) => (
            <tr key={i}>
              <td>
                {formatCount(l.count)} {l.kind === 'discarded-events' ? 'events' : 'packets'}
              </td>
              <td>{formatNs(l.beginNs - model.startNs)}</td>
              <td>{formatNs(l.endNs - model.startNs)}</td>
              <td>{l.trace || '(trace)'}</td>
              <td>{l.cpu ?? '?'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
