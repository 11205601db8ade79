import type { LoadProgress } from '../../worker-api/protocol';
import { formatBytes, formatCount } from './format';

const PHASES: Record<LoadProgress['phase'], string> = {
  read: 'Reading files',
  fetch: 'Downloading',
  unpack: 'Unpacking',
  decode: 'Decoding events',
  done: 'Finishing',
};

export function LoadProgressPanel({
  what,
  progress,
  onCancel,
}: {
  what: string;
  progress: LoadProgress | null;
  onCancel: () => void;
}) {
  const phase = progress?.phase ?? 'read';
  const total = progress?.totalBytes ?? null;
  const byteBased = phase === 'fetch' || phase === 'read' || phase === 'unpack';
  const fraction = byteBased && total ? Math.min(1, (progress?.doneBytes ?? 0) / total) : null;
  let detail = '';
  if (progress) {
    if (byteBased)
      detail = total
        ? `${formatBytes(progress.doneBytes)} of ${formatBytes(total)}`
        : `${formatBytes(progress.doneBytes)}`;
    else detail = `${formatCount(progress.events)} events`;
  }
  return (
    <section className="strata-progress" aria-live="polite" aria-busy="true">
      <p>
        Opening <strong>{what}</strong>: <span data-testid="load-phase">{progress ? PHASES[phase] : 'Starting'}</span>
        {detail && <span data-testid="load-detail">, {detail}</span>}
      </p>
      {fraction !== null ? (
        <progress max={1} value={fraction} aria-label={PHASES[phase]} />
      ) : (
        <progress aria-label={progress ? PHASES[phase] : 'Starting'} />
      )}
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </section>
  );
}
