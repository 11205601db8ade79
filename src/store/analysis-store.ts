/**
 * The analysis panel's own view state (a slice of its own, beside view-store): which tab is shown and how the
 * flame graph groups threads. The selection it analyzes is view-store's.
 */
import { create } from 'zustand';

export const ANALYSIS_TABS = ['functions', 'flame', 'syscalls', 'states', 'events'] as const;
export type AnalysisTab = (typeof ANALYSIS_TABS)[number];

export interface AnalysisViewState {
  tab: AnalysisTab;
  /** Flame graph: one tree per thread instead of all selected threads merged. */
  perThread: boolean;
}

export const useAnalysisStore = create<AnalysisViewState>()(() => ({ tab: 'functions', perThread: false }));

export function setAnalysisTab(tab: AnalysisTab): void {
  useAnalysisStore.setState({ tab });
}

export function setFlamePerThread(perThread: boolean): void {
  useAnalysisStore.setState({ perThread });
}
