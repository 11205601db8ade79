import { isDamagedLoss } from '../../ctf/event';
import type { TraceModel } from '../../model/types';
import { formatCount, formatNs } from './format';
import { timeZeroNs } from '../../layout/time-format';

/**
 * What was loaded: traces, event counts, the warnings that bear on trusting the picture (copies left out,
 * skipped archive entries, doubtful metadata), and a visible notice of lost events with their time ranges.
 */
export function TraceSummary({
  model,
  label,
  warnings = [],
}: {
  model: TraceModel;
  label: string;
  warnings?: readonly string[];
}) {
  return (
    <section className="strata-summary" data-testid="trace-summary">
      <p>
        <strong>{label}</strong>: {formatCount(model.eventCount)} events,{' '}
        {model.threads.length > 0 ? `${formatCount(model.threads.length)} threads` : 'no rows to draw'},{' '}
        {formatNs(model.endNs - timeZeroNs(model))} —{' '}
        {model.sources.map((s, i) => (
          <span key={i} className="strata-source" data-domain={s.domain}>
            {i > 0 && ', '}
            {s.name || label} ({s.domain}, {formatCount(s.eventCount)} events)
          </span>
        ))}
      </p>
      {warnings.length > 0 && (
        <details className="strata-warnings" role="status" data-testid="trace-warnings" open={warnings.length <= 3}>
          <summary>
            ⚠ {warnings.length} warning{warnings.length > 1 ? 's' : ''} about what was opened
          </summary>
          <ul>
            {warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </details>
      )}
      {model.losses
        .filter((l) => l.kind === 'damaged-stream')
        .map((l, i) => (
          <p key={i} className="strata-damaged-stream" role="status" data-testid="damaged-stream">
            ⚠ {l.trace ? `${l.trace}/` : ''}
            {l.file} is damaged at byte {l.byteOffset?.toLocaleString('en-US')}: its events up to{' '}
            {formatNs(l.beginNs - model.startNs)} are shown, the rest ({formatCount(l.count)} bytes) could not be read
            and is marked lost on the timeline.
          </p>
        ))}
      {model.losses.length > 0 && <LossNotice model={model} />}
    </section>
  );
}

function LossNotice({ model }: { model: TraceModel }) {
  const events = model.losses.filter((l) => l.kind === 'discarded-events').reduce((n, l) => n + l.count, 0);
  const packets = model.losses.filter((l) => l.kind === 'discarded-packets').reduce((n, l) => n + l.count, 0);
  const parts = [
    events > 0 && `${formatCount(events)} events`,
    packets > 0 && `${formatCount(packets)} packets`,
  ].filter(Boolean);
  const damaged = model.losses.filter(isDamagedLoss).length;
  return (
    <details className="strata-loss-notice" role="status" data-testid="loss-notice">
      <summary>
        ⚠ {parts.length > 0 ? `The tracer lost ${parts.join(' and ')}` : 'Events are missing'} in {model.losses.length}{' '}
        time range{model.losses.length > 1 ? 's' : ''}: call stacks and thread states may be wrong there.
        {damaged > 0 && (
          <strong data-testid="damaged-losses">
            {' '}
            {damaged} loss record{damaged > 1 ? 's are' : ' is'} damaged (the range ends before it begins): where those
            losses happened is unknown.
          </strong>
        )}
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
                {l.kind === 'damaged-stream'
                  ? `unreadable after byte ${l.byteOffset ?? 0} of ${l.file ?? '?'}`
                  : `${formatCount(l.count)} ${l.kind === 'discarded-events' ? 'events' : 'packets'}`}
              </td>
              {isDamagedLoss(l) ? (
                <td colSpan={2}>
                  damaged record: range {formatNs(l.beginNs - timeZeroNs(model))} to{' '}
                  {formatNs(l.endNs - timeZeroNs(model))} ends before it begins
                </td>
              ) : (
                <>
                  <td>{formatNs(l.beginNs - timeZeroNs(model))}</td>
                  <td>{formatNs(l.endNs - timeZeroNs(model))}</td>
                </>
              )}
              <td>{l.trace || '(trace)'}</td>
              <td>{l.cpu ?? '?'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
