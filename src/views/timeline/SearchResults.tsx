import { useMemo, type JSX } from 'react';
import { findSlices, matchingNames } from '../../layout/search';
import { formatDuration, formatSinceStart } from '../../layout/time-format';
import type { TraceModel } from '../../model/types';
import { select, useViewStore, zoomToRange } from '../../store/view-store';
import { useTraceStore } from '../../store/trace-store';

const LIMIT = 200;

export function SearchResults(props: { model: TraceModel }): JSX.Element | null {
  const { model } = props;
  const text = useViewStore((s) => s.searchText);
  const symbolsVersion = useTraceStore((s) => s.symbolsVersion);
  const result = useMemo(() => {
    const names = matchingNames(model.strings, text);
    return names ? findSlices(model, names, LIMIT) : null;
    // symbolsVersion: C frame names were renamed in place in model.strings.
  }, [model, text, symbolsVersion]);
  if (!result) return null;
  return (
    <section className="tl-search" aria-label="Search results">
      <h2 data-testid="search-count">
        {result.total === 0 ? 'No matching frames' : `${result.total} matching frame${result.total === 1 ? '' : 's'}`}
        {result.total > LIMIT ? ` (first ${LIMIT} listed)` : ''}
      </h2>
      <ul role="list" data-testid="search-results">
        {result.matches.map((m) => {
          const t = model.threads[m.thread];
          const s = t.slices;
          return (
            <li key={`${m.thread}:${m.index}`}>
              <button
                type="button"
                onClick={() => {
                  select({ kind: 'slice', thread: m.thread, index: m.index });
                  zoomToRange({ startNs: s.startNs[m.index], endNs: s.endNs[m.index] });
                }}
              >
                <span className="tl-search-name">{model.strings[s.name[m.index]]}</span>
                <span className="tl-muted">
                  {t.name} {t.tid} · {formatSinceStart(model, s.startNs[m.index])} ·{' '}
                  {formatDuration(s.endNs[m.index] - s.startNs[m.index])}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
