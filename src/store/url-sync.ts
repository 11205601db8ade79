/**
 * Binds the view store to the URL: every view change rewrites the query (replaceState), the changes that matter
 * (selecting an item or a thread, zooming to the selection or to everything) add a history entry (pushState), and
 * back/forward (popstate) restores the view. Conversions between the view store (model-relative float ns,
 * indices into the model) and the URL (absolute bigint ns, tids) are pure functions, tested in Node.
 */
import { laneOf } from '../layout/lanes/index';
import type { TraceModel, ThreadModel } from '../model/types';
import { useTraceStore, type TraceOrigin } from './trace-store';
import {
  formatUrlState,
  parseUrlState,
  toAbsoluteNs,
  toRelativeNs,
  type ItemUrlRef,
  type ThreadKey,
  type UrlSource,
  type UrlState,
} from './url-state';
import { initialViewState, useViewStore, type ItemRef, type ViewState } from './view-store';

export function threadKey(t: ThreadModel): ThreadKey {
  return t.cpuRow !== undefined ? `cpu${t.cpuRow}` : String(t.tid);
}

export function findThread(model: TraceModel, key: ThreadKey): number {
  return model.threads.findIndex((t) => threadKey(t) === key);
}

/** The item ranges of a thread's lane (the lane's kind is the URL key: `slice=`, `syscall=`, `state=`). */
function itemTable(model: TraceModel, ref: { kind: ItemRef['kind']; thread: number }) {
  const t = model.threads[ref.thread];
  return t ? laneOf(ref.kind).table(t) : null;
}

export function itemToUrl(model: TraceModel, item: ItemRef): ItemUrlRef | null {
  const table = itemTable(model, item);
  const t = model.threads[item.thread];
  if (!table || !t || item.index < 0 || item.index >= table.count) return null;
  const ref: ItemUrlRef = {
    kind: item.kind,
    thread: threadKey(t),
    startNs: toAbsoluteNs(model.originNs, table.startNs[item.index]),
  };
  if (item.kind === 'slice') ref.depth = t.slices.depth[item.index];
  return ref;
}

/** The item a URL names: same thread, same start (to the ns), same depth for call slices. */
export function itemFromUrl(model: TraceModel, ref: ItemUrlRef): ItemRef | null {
  const thread = findThread(model, ref.thread);
  if (thread < 0) return null;
  const table = itemTable(model, { kind: ref.kind, thread });
  if (!table) return null;
  const target = toRelativeNs(model.originNs, ref.startNs);
  // Binary search for the first start >= target - 1 ns (tables are sorted by start).
  let lo = 0;
  let hi = table.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (table.startNs[mid] < target - 1) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < table.count && table.startNs[i] <= target + 1; i++) {
    if (ref.kind !== 'slice' || model.threads[thread].slices.depth[i] === ref.depth)
      return { kind: ref.kind, thread, index: i };
  }
  return null;
}

export function viewToUrlState(view: ViewState, model: TraceModel, source: UrlSource | null): UrlState {
  const o = model.originNs;
  const state: UrlState = { source };
  state.view = { startNs: toAbsoluteNs(o, view.visibleRange.startNs), endNs: toAbsoluteNs(o, view.visibleRange.endNs) };
  if (view.selectedRange) {
    state.selection = {
      startNs: toAbsoluteNs(o, view.selectedRange.startNs),
      endNs: toAbsoluteNs(o, view.selectedRange.endNs),
    };
  }
  if (view.selection) {
    const item = itemToUrl(model, view.selection);
    if (item) {
      state.item = item;
      state.thread = item.thread;
    }
  }
  // A thread selected on its own (no item) is written too.
  const t = view.selectedThread !== null ? model.threads[view.selectedThread] : undefined;
  if (state.thread === undefined && t) state.thread = threadKey(t);
  if (view.collapsedPids.length > 0) state.collapsed = [...view.collapsedPids];
  if (view.threadFilter) state.filter = view.threadFilter;
  if (view.searchText) state.search = view.searchText;
  return state;
}

/** The view-store patch for a URL state; what cannot be found in this model is left at its default. */
export function urlStateToView(state: UrlState, model: TraceModel, bounds: ViewState['bounds']): Partial<ViewState> {
  const o = model.originNs;
  const patch: Partial<ViewState> = {
    visibleRange: { ...bounds },
    selectedRange: null,
    selection: null,
    selectedThread: null,
    collapsedPids: state.collapsed ? [...state.collapsed] : [],
    threadFilter: state.filter ?? '',
    searchText: state.search ?? '',
  };
  if (state.view) {
    const startNs = Math.max(bounds.startNs, toRelativeNs(o, state.view.startNs));
    const endNs = Math.min(bounds.endNs, toRelativeNs(o, state.view.endNs));
    if (endNs > startNs) patch.visibleRange = { startNs, endNs };
  }
  if (state.selection) {
    patch.selectedRange = {
      startNs: toRelativeNs(o, state.selection.startNs),
      endNs: toRelativeNs(o, state.selection.endNs),
    };
  }
  if (state.item) patch.selection = itemFromUrl(model, state.item);
  // The item implies its thread; otherwise the thread the link names, if this trace has it.
  if (patch.selection) patch.selectedThread = patch.selection.thread;
  else if (state.thread !== undefined) {
    const thread = findThread(model, state.thread);
    if (thread >= 0) patch.selectedThread = thread;
  }
  return patch;
}

export function originToUrlSource(origin: TraceOrigin | null): UrlSource | null {
  if (!origin || origin.kind === 'files') return null;
  return origin.kind === 'url' ? { kind: 'url', url: origin.url } : { kind: 'demo' };
}

function sameSource(a: UrlSource | null, b: UrlSource | null): boolean {
  if (!a || !b) return a === b;
  return a.kind === b.kind && (a.kind !== 'url' || (b.kind === 'url' && a.url === b.url));
}

function sameItem(a: ItemRef | null, b: ItemRef | null): boolean {
  if (a === b) return true;
  return !!a && !!b && a.kind === b.kind && a.thread === b.thread && a.index === b.index;
}

function near(a: ViewState['visibleRange'], b: ViewState['visibleRange'], tolNs: number): boolean {
  return Math.abs(a.startNs - b.startNs) <= tolNs && Math.abs(a.endNs - b.endNs) <= tolNs;
}

/** Zooming to the whole trace or to (around) the selected range or item is a step worth a history entry. */
export function isMeaningfulChange(prev: ViewState, next: ViewState, model: TraceModel): boolean {
  if (!sameItem(prev.selection, next.selection) || prev.selectedThread !== next.selectedThread) return true;
  if (prev.visibleRange === next.visibleRange) return false;
  const r = next.visibleRange;
  const width = r.endNs - r.startNs;
  const tol = Math.max(1, width * 0.12);
  if (near(r, next.bounds, tol) && !near(prev.visibleRange, next.bounds, tol)) return true;
  const targets: ViewState['visibleRange'][] = [];
  if (next.selectedRange) targets.push(next.selectedRange);
  if (next.selection) {
    const table = itemTable(model, next.selection);
    if (table) targets.push({ startNs: table.startNs[next.selection.index], endNs: table.endNs[next.selection.index] });
  }
  // zoomToRange pads by 5% each side: a range of about the target's size around it.
  return targets.some((t) => {
    const tw = Math.max(1, t.endNs - t.startNs);
    return (
      r.startNs <= t.startNs + tw * 0.01 &&
      r.endNs >= t.endNs - tw * 0.01 &&
      width <= tw * 1.3 + 2 &&
      Math.abs(prev.visibleRange.endNs - prev.visibleRange.startNs - width) > tw * 0.05
    );
  });
}

/** The current shareable link for the loaded trace, or null when it came from disk. */
export function currentLink(): string | null {
  const { model, origin } = useTraceStore.getState();
  const source = originToUrlSource(origin);
  if (!model || !source) return null;
  const query = formatUrlState(viewToUrlState(useViewStore.getState(), model, source));
  return `${window.location.origin}${window.location.pathname}${query}`;
}

/**
 * Apply the URL's view to a freshly loaded model. Called after the timeline has reset the view for the model
 * (a parent's effect runs after its children's).
 */
export function applyUrlToView(search: string, model: TraceModel): string[] {
  const parsed = parseUrlState(search);
  const bounds = { startNs: model.startNs, endNs: Math.max(model.endNs, model.startNs + 1) };
  const base: Partial<ViewState> = { ...initialViewState, bounds, visibleRange: { ...bounds } };
  applying = true;
  try {
    useViewStore.setState({ ...base, ...urlStateToView(parsed.state, model, bounds) });
  } finally {
    applying = false;
  }
  return parsed.warnings;
}

let applying = false;

/**
 * On a newly loaded model: restore the view the URL names when the URL names this trace; otherwise (a trace
 * opened by dropping, the demo button...) write the URL for the new trace, as a new history entry when the URL
 * named another trace.
 */
export function syncUrlWithLoadedModel(model: TraceModel): string[] {
  const parsed = parseUrlState(window.location.search);
  const loadedSource = originToUrlSource(useTraceStore.getState().origin);
  if (loadedSource && sameSource(parsed.state.source, loadedSource))
    return applyUrlToView(window.location.search, model);
  writeUrl(parsed.state.source !== null);
  return [];
}

function writeUrl(push: boolean): void {
  const { model, origin } = useTraceStore.getState();
  if (!model) return;
  const source = originToUrlSource(origin);
  // A trace from disk has no link: `?local` reopens the landing page rather than a stale trace.
  const query = source ? formatUrlState(viewToUrlState(useViewStore.getState(), model, source)) : '?local';
  if (query === window.location.search) return;
  const url = `${window.location.pathname}${query}${window.location.hash}`;
  if (push) window.history.pushState(null, '', url);
  else window.history.replaceState(null, '', url);
}

/** Keep URL and view in step while a trace is shown. Returns the unsubscribe function. */
export function startUrlSync(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pendingPush = false;
  const flush = () => {
    timer = null;
    writeUrl(pendingPush);
    pendingPush = false;
  };
  const unsubscribe = useViewStore.subscribe((next, prev) => {
    if (applying) return;
    const model = useTraceStore.getState().model;
    if (!model || useTraceStore.getState().status !== 'loaded') return;
    if (isMeaningfulChange(prev, next, model)) {
      // One history entry per user action: select + zoom arrive as two updates in the same task.
      pendingPush = true;
      if (timer) clearTimeout(timer);
      timer = setTimeout(flush, 0);
    } else if (!timer) {
      // Pan and wheel frames: rewrite the URL a few times a second, never add history entries.
      timer = setTimeout(flush, 150);
    }
  });
  const onPop = () => {
    const { model, origin } = useTraceStore.getState();
    const parsed = parseUrlState(window.location.search);
    const source = parsed.state.source;
    if (source && !sameSource(source, originToUrlSource(origin))) {
      void useTraceStore.getState().open(source.kind === 'url' ? { kind: 'url', url: source.url } : { kind: 'demo' });
      return;
    }
    if (model) applyUrlToView(window.location.search, model);
  };
  window.addEventListener('popstate', onPop);
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
    window.removeEventListener('popstate', onPop);
  };
}
