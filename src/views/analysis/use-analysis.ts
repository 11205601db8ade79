/**
 * Runs the panel's figures in the analysis worker for the current selection: the dragged range (else the visible
 * range) and the selected thread (else all threads). Follows the selection with a short debounce while the
 * user pans; an answer for an outdated selection is dropped.
 */
import { transfer, wrap, type Remote } from 'comlink';
import { useEffect, useRef, useState } from 'react';
import type { AnalysisQuery, SelectionAnalysis } from '../../analysis/selection';
import type { TraceModel } from '../../model/types';
import { useAnalysisStore } from '../../store/analysis-store';
import { useViewStore } from '../../store/view-store';
import { copyModelForWorker, type AnalysisService } from '../../worker-api/analysis-service';

export interface AnalysisState {
  query: AnalysisQuery | null;
  result: SelectionAnalysis | null;
  pending: boolean;
  error: string | null;
}

const DEBOUNCE_MS = 120;
/** The model copy for the worker starts after the timeline's first frames have drawn. */
const COPY_DELAY_MS = 1000;

export function useSelectionQuery(): AnalysisQuery {
  const selectedRange = useViewStore((s) => s.selectedRange);
  const visibleRange = useViewStore((s) => s.visibleRange);
  const thread = useViewStore((s) => s.selectedThread);
  const perThread = useAnalysisStore((s) => s.perThread);
  const r = selectedRange ?? visibleRange;
  return { startNs: r.startNs, endNs: r.endNs, threads: thread !== null ? [thread] : null, perThread };
}

export function useAnalysis(model: TraceModel): AnalysisState {
  const query = useSelectionQuery();
  const [state, setState] = useState<AnalysisState>({ query: null, result: null, pending: true, error: null });
  const worker = useRef<{ w: Worker; api: Remote<AnalysisService>; ready: Promise<void> } | null>(null);
  const seq = useRef(0);

  useEffect(() => {
    const w = new Worker(new URL('../../../workers/analysis.worker.ts', import.meta.url), {
      type: 'module',
      name: 'strata-analysis',
    });
    const api = wrap<AnalysisService>(w);
    let cancelled = false;
    // The worker keeps its own copy of the model, made in short tasks after the timeline's first frames and
    // transferred (the page keeps its arrays).
    const ready = new Promise((r) => setTimeout(r, COPY_DELAY_MS))
      .then(() => copyModelForWorker(model, () => cancelled))
      .then((c) => (c ? api.setModel(transfer(c.copy, c.buffers)) : undefined));
    worker.current = { w, api, ready };
    // Figures of the previous trace index its threads: never show them against this one.
    setState({ query: null, result: null, pending: true, error: null });
    return () => {
      cancelled = true;
      worker.current = null;
      w.terminate();
    };
  }, [model]);

  const key = `${query.startNs},${query.endNs},${query.threads?.join(' ') ?? 'all'},${query.perThread}`;
  useEffect(() => {
    const my = ++seq.current;
    setState((s) => ({ ...s, pending: true }));
    const timer = setTimeout(() => {
      const wk = worker.current;
      if (!wk) return;
      wk.ready
        .then(() => wk.api.analyze(query))
        .then(
          (result) => {
            if (my === seq.current) setState({ query, result, pending: false, error: null });
          },
          (err: unknown) => {
            if (my === seq.current)
              setState({
                query,
                result: null,
                pending: false,
                error: err instanceof Error ? err.message : String(err),
              });
          },
        );
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // The key carries the query's value; the model effect above replaces the worker.
  }, [key, model]);

  return state;
}
