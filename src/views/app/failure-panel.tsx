import type { LoadFailure } from '../../worker-api/protocol';

const TITLES: Record<LoadFailure['kind'], string> = {
  unreachable: 'The trace server cannot be reached',
  cors: 'The trace server refuses cross-origin access (CORS)',
  http: 'The trace could not be downloaded',
  'bad-url': 'The trace link is not valid',
  'not-trace': 'This is not an LTTng/CTF trace',
  corrupt: 'The trace is damaged',
  'too-large': 'The trace is too large to open in a browser tab',
  stalled: 'Decoding stopped: it made no progress',
  internal: 'The viewer failed',
};

/** What went wrong and where: file, byte, URL; and what to do about it. */
export function FailurePanel({
  failure,
  partial,
  onDismiss,
  partialEvents,
  onOpenPartial,
}: {
  failure: LoadFailure;
  partial?: boolean;
  onDismiss?: () => void;
  /** Events decoded before a stall, which the user may open (onOpenPartial). */
  partialEvents?: number | null;
  onOpenPartial?: () => void;
}) {
  const stalled = failure.kind === 'stalled';
  return (
    <section
      role="alert"
      className={partial ? 'strata-failure strata-failure-partial' : 'strata-failure'}
      data-kind={failure.kind}
    >
      <h2>
        {partial ? (stalled ? TITLES.stalled : 'Decoding stopped early: the trace is damaged') : TITLES[failure.kind]}
      </h2>
      <p className="strata-failure-message">{failure.message}</p>
      {(failure.file !== undefined || failure.byteOffset !== undefined || failure.url || failure.status) && (
        <dl className="strata-failure-where">
          {failure.url && (
            <>
              <dt>URL</dt>
              <dd>{failure.url}</dd>
            </>
          )}
          {failure.status !== undefined && (
            <>
              <dt>HTTP status</dt>
              <dd>{failure.status}</dd>
            </>
          )}
          {failure.file !== undefined && (
            <>
              <dt>File</dt>
              <dd>{failure.file || '(trace root)'}</dd>
            </>
          )}
          {failure.byteOffset !== undefined && (
            <>
              <dt>Byte</dt>
              <dd>{failure.byteOffset}</dd>
            </>
          )}
        </dl>
      )}
      {failure.hint && <p className="strata-hint">{failure.hint}</p>}
      {partial && (
        <p className="strata-hint">
          {stalled
            ? 'The events decoded before it stopped are shown.'
            : 'The events before the damaged spot are shown.'}
        </p>
      )}
      {onOpenPartial && partialEvents !== null && partialEvents !== undefined && (
        <button type="button" onClick={onOpenPartial}>
          Open what was decoded so far ({partialEvents.toLocaleString('en-US')} events)
        </button>
      )}
      {onDismiss && (
        <button type="button" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </section>
  );
}
