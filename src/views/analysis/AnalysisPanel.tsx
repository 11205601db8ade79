/**
 * The analysis panel below the timeline: Functions, Flame graph, Syscalls, States and Events of the current selection
 * (the dragged range and the selected thread; else the visible range and all threads), computed in a worker.
 */
import type { JSX, KeyboardEvent } from 'react';
import { threadLabel } from '../../analysis/selection';
import { formatRange, rangeResolutionNs, timeZeroNs } from '../../layout/time-format';
import type { TraceModel } from '../../model/types';
import { setAnalysisTab, useAnalysisStore, type AnalysisTab } from '../../store/analysis-store';
import { useViewStore } from '../../store/view-store';
import { EventsTable } from './EventsTable';
import { FlameGraph } from './FlameGraph';
import { FunctionsTable } from './FunctionsTable';
import { StatesView } from './StatesView';
import { SyscallsView } from './SyscallsView';
import { useAnalysis } from './use-analysis';
import './analysis.css';

const TABS: ReadonlyArray<{ id: AnalysisTab; label: string }> = [
  { id: 'functions', label: 'Functions' },
  { id: 'flame', label: 'Flame graph' },
  { id: 'syscalls', label: 'Syscalls' },
  { id: 'states', label: 'States' },
  { id: 'events', label: 'Events' },
];

export function AnalysisPanel(props: { model: TraceModel }): JSX.Element {
  const { model } = props;
  const tab = useAnalysisStore((s) => s.tab);
  const { query, result, pending, error } = useAnalysis(model);
  const hasRange = useViewStore((s) => s.selectedRange !== null);
  const visibleSpanNs = useViewStore((s) => s.visibleRange.endNs - s.visibleRange.startNs);
  const scope = query && formatRange(query, timeZeroNs(model), rangeResolutionNs(visibleSpanNs));

  const onKey = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === tab);
    if (e.key === 'ArrowRight') setAnalysisTab(TABS[(i + 1) % TABS.length].id);
    else if (e.key === 'ArrowLeft') setAnalysisTab(TABS[(i + TABS.length - 1) % TABS.length].id);
  };

  let body: JSX.Element;
  // The events table reads the trace files, not the analysis figures: it needs no result.
  if (tab === 'events') body = <EventsTable model={model} />;
  else if (error)
    body = (
      <p className="an-error" role="alert">
        The analysis failed: {error}
      </p>
    );
  else if (!result) body = <p className="an-muted">Computing…</p>;
  else if (tab === 'functions')
    body =
      result.functions.length > 0 ? (
        <FunctionsTable model={model} result={result} />
      ) : (
        <p className="an-muted">No calls in the selection.</p>
      );
  else if (tab === 'flame')
    body =
      result.flame.count > 1 ? <FlameGraph result={result} /> : <p className="an-muted">No calls in the selection.</p>;
  else if (tab === 'syscalls') body = <SyscallsView model={model} result={result} />;
  else body = <StatesView result={result} />;

  return (
    <section className="an-panel" aria-label="Analysis" data-testid="analysis-panel">
      <div className="an-head">
        <div role="tablist" aria-label="Analysis views" onKeyDown={onKey}>
          {TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              id={`an-tab-${t.id}`}
              aria-selected={tab === t.id}
              aria-controls="an-tabpanel"
              tabIndex={tab === t.id ? 0 : -1}
              onClick={() => setAnalysisTab(t.id)}
            >
              {t.label}
            </button>
          ))}
        </div>
        {query && scope && (
          <span className="an-scope" data-testid="analysis-scope">
            {hasRange ? 'selected range' : 'visible range'} {scope.duration} ({scope.start} → {scope.end}),{' '}
            {query.threads ? threadLabel(model, query.threads[0]) : 'all threads'}
          </span>
        )}
        {pending && (
          <span className="an-muted" data-testid="analysis-pending">
            updating…
          </span>
        )}
      </div>
      <div role="tabpanel" id="an-tabpanel" aria-labelledby={`an-tab-${tab}`} className="an-body">
        {body}
      </div>
    </section>
  );
}
