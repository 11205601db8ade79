/**
 * The analysis worker's service: holds a copy of the model (sent once per trace) and answers selection queries
 * with src/analysis's figures, their typed arrays transferred back (never cloned twice).
 */
import { transfer } from 'comlink';
import { analyzeSelection, type AnalysisQuery, type SelectionAnalysis } from '../analysis/selection';
import type { TraceModel } from '../model/types';

export interface AnalysisService {
  setModel(model: TraceModel): void;
  analyze(query: AnalysisQuery): SelectionAnalysis;
}

export function resultBuffers(r: SelectionAnalysis): ArrayBuffer[] {
  const f = r.flame;
  const l = r.syscallList;
  return [
    f.parent, f.depth, f.label, f.kind, f.calls, f.totalNs, f.selfNs, f.xNs, f.catNs, f.detailNode, f.detailKey, f.detailNs,
    l.thread, l.index, l.row, l.startNs, l.durationNs,
  ].map((a) => a.buffer as ArrayBuffer);
}

export function createAnalysisService(): AnalysisService {
  let model: TraceModel | null = null;
  return {
    setModel(m) {
      model = m;
    },
    analyze(query) {
      if (!model) throw new Error('analysis: no trace loaded');
      const r = analyzeSelection(model, query);
      return transfer(r, resultBuffers(r));
    },
  };
}
