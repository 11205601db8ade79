/**
 * Where the arrow keys start when only a thread is selected: its first item in the visible time range. Pure
 * functions over the model's tables (sorted by start), testable in Node.
 */
import { laneOf, type WalkDirection } from '../../layout/lanes/index';
import type { TimeRange } from '../../layout/view-math';
import type { ThreadModel, TraceModel } from '../../model/types';
import type { ItemRef } from '../../store/view-store';

/** First index whose start is >= ns. */
function lowerBound(startNs: Float64Array, count: number, ns: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (startNs[mid] < ns) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First item of a table of non-overlapping intervals (syscalls, states) that is in view, or -1. */
export function firstIntervalInView(
  table: { count: number; startNs: Float64Array; endNs: Float64Array },
  v: TimeRange,
): number {
  const lo = lowerBound(table.startNs, table.count, v.startNs);
  if (lo > 0 && table.endNs[lo - 1] > v.startNs) return lo - 1;
  return lo < table.count && table.startNs[lo] < v.endNs ? lo : -1;
}

/**
 * First call slice in view: the outermost call running at the left edge, else the first call starting in
 * view (outermost too: an enclosing call would have been running at the edge).
 */
export function firstSliceInView(t: ThreadModel, v: TimeRange): number {
  const s = t.slices;
  const lo = lowerBound(s.startNs, s.count, v.startNs);
  // The nearest outermost call that started before the edge is the only one that can span it.
  for (let i = lo - 1; i >= 0; i--) {
    if (s.depth[i] !== 0) continue;
    if (s.endNs[i] > v.startNs) return i;
    break;
  }
  return lo < s.count && s.startNs[lo] < v.endNs ? lo : -1;
}

/** The item the arrow keys select first on a thread: a call slice, else a syscall, else a state in view. */
export function firstItemInView(t: ThreadModel, thread: number, v: TimeRange): ItemRef | null {
  const slice = firstSliceInView(t, v);
  if (slice >= 0) return { kind: 'slice', thread, index: slice };
  const syscall = t.syscalls ? firstIntervalInView(t.syscalls, v) : -1;
  if (syscall >= 0) return { kind: 'syscall', thread, index: syscall };
  const state = t.states ? firstIntervalInView(t.states, v) : -1;
  return state >= 0 ? { kind: 'state', thread, index: state } : null;
}

/** The item an arrow key moves to from `sel` (its lane decides), or null at an end. */
export function walkItem(model: TraceModel, sel: ItemRef, direction: WalkDirection): ItemRef | null {
  const next = laneOf(sel.kind).step(model, sel.thread, sel.index, direction);
  return next < 0 ? null : { ...sel, index: next };
}
