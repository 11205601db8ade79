/**
 * View state of the timeline (zustand): what is visible and selected. Plain serializable data only: the
 * model (large typed arrays) stays out of the store and reaches the views as a prop, so that this state can
 * be written into the URL as it is.
 */
import { create } from 'zustand';
import { clampRange, panBy, rangeAround, type TimeRange, zoomAround } from '../layout/view-math';
import type { CpuRunHit, ItemRef } from '../layout/lanes/index';

/** A selected or hovered item of a thread's lane (a call slice, a syscall, a kernel state interval). */
export type { ItemRef };

/** What the pointer is over: an item, a process header, a loss mark on the axis, a run on a CPU row. */
export type HoverRef = ItemRef | { kind: 'process'; pid: number } | { kind: 'loss'; index: number } | CpuRunHit;

export interface ViewState {
  /** Trace bounds: the whole zoom-out. */
  bounds: TimeRange;
  visibleRange: TimeRange;
  /** Time range measured by dragging on the timeline; null when none. */
  selectedRange: TimeRange | null;
  selection: ItemRef | null;
  /**
   * Selected thread (index into model.threads): the selected item's thread, or a thread chosen by its label;
   * null when none.
   */
  selectedThread: number | null;
  hovered: HoverRef | null;
  collapsedPids: number[];
  threadFilter: string;
  searchText: string;
}

export const initialViewState: ViewState = {
  bounds: { startNs: 0, endNs: 1 },
  visibleRange: { startNs: 0, endNs: 1 },
  selectedRange: null,
  selection: null,
  selectedThread: null,
  hovered: null,
  collapsedPids: [],
  threadFilter: '',
  searchText: '',
};

export const useViewStore = create<ViewState>()(() => ({ ...initialViewState }));

const get = () => useViewStore.getState();
const set = (patch: Partial<ViewState>) => useViewStore.setState(patch);

function sameRef(a: HoverRef | null, b: HoverRef | null): boolean {
  if (a === b) return true;
  if (!a || !b || a.kind !== b.kind) return false;
  if (a.kind === 'process') return b.kind === 'process' && a.pid === b.pid;
  if (a.kind === 'loss') return b.kind === 'loss' && a.index === b.index;
  if (a.kind === 'cpu') return b.kind === 'cpu' && a.cpu === b.cpu && a.index === b.index;
  const bb = b as ItemRef;
  return a.thread === bb.thread && a.index === bb.index;
}

/** A new trace: show all of it and forget selections (keeps nothing from the previous trace). */
export function resetView(bounds: TimeRange): void {
  const b = { startNs: bounds.startNs, endNs: Math.max(bounds.endNs, bounds.startNs + 1) };
  set({ ...initialViewState, bounds: b, visibleRange: { ...b } });
}

export function setVisibleRange(r: TimeRange): void {
  set({ visibleRange: clampRange(r, get().bounds) });
}

/** factor < 1 zooms in; anchorNs stays under the same pixel. */
export function zoom(anchorNs: number, factor: number): void {
  const s = get();
  set({ visibleRange: zoomAround(s.visibleRange, anchorNs, factor, s.bounds) });
}

export function pan(deltaNs: number): void {
  const s = get();
  set({ visibleRange: panBy(s.visibleRange, deltaNs, s.bounds) });
}

export function showAll(): void {
  set({ visibleRange: { ...get().bounds } });
}

export function zoomToRange(r: TimeRange): void {
  set({ visibleRange: rangeAround(r.startNs, r.endNs, get().bounds) });
}

export function selectRange(r: TimeRange | null): void {
  if (r === null) return set({ selectedRange: null });
  set({ selectedRange: { startNs: Math.min(r.startNs, r.endNs), endNs: Math.max(r.startNs, r.endNs) } });
}

/** Selects an item and its thread; null clears both (a click on empty space, Escape). */
export function select(item: ItemRef | null): void {
  set({ selection: item, selectedThread: item ? item.thread : null });
}

/** Selects a thread on its own (its label in the gutter or the thread list): no item stays selected. */
export function selectThread(thread: number | null): void {
  set({ selection: null, selectedThread: thread });
}

export function hover(item: HoverRef | null): void {
  if (!sameRef(get().hovered, item)) set({ hovered: item });
}

export function toggleProcess(pid: number): void {
  const c = get().collapsedPids;
  set({ collapsedPids: c.includes(pid) ? c.filter((p) => p !== pid) : [...c, pid] });
}

export function setThreadFilter(text: string): void {
  set({ threadFilter: text });
}

export function setSearchText(text: string): void {
  set({ searchText: text });
}
