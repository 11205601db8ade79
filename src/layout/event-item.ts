/**
 * Where an event of the events table sits on the timeline: its thread (by the tid it carries, else the thread
 * the kernel shows running on its CPU up to that time) and the item of that thread's row at its time (the deepest
 * call slice, else the syscall, else the kernel state), for the table's row clicks.
 */
import { ThreadState, type TraceModel } from '../model/types';
import type { ItemRef } from './lanes/index';

/** Last index i with starts[i] <= t (`strict`: < t) in a sorted array of `count` entries, or -1. */
function lastAtOrBefore(starts: Float64Array, count: number, t: number, strict = false): number {
  let lo = 0;
  let hi = count - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (strict ? starts[mid] < t : starts[mid] <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function running(s: ThreadState): boolean {
  return s === ThreadState.RunUser || s === ThreadState.RunSyscall || s === ThreadState.Interrupted;
}

/** Thread index of an event with this tid (or none) on this CPU at `tsNs`; null when none is known. */
export function threadOfEvent(model: TraceModel, tid: number | null, cpu: number | null, tsNs: number): number | null {
  if (tid !== null) {
    const i = model.threads.findIndex((t) => t.tid === tid && t.cpuRow === undefined);
    if (i >= 0) return i;
  }
  if (cpu === null) return null;
  for (let i = 0; i < model.threads.length; i++) {
    const st = model.threads[i].states;
    if (!st) continue;
    // The thread running up to the event: a sched_switch belongs to the thread it switches out (as in Trace
    // Compass), so a run interval (start, end] holds the events of its end time.
    const k = lastAtOrBefore(st.startNs, st.count, tsNs, true);
    if (k >= 0 && st.endNs[k] >= tsNs && st.cpu[k] === cpu && running(st.state[k])) return i;
  }
  // User-space events without a thread: the CPU's own row.
  const row = model.threads.findIndex((t) => t.cpuRow === cpu);
  return row >= 0 ? row : null;
}

/** The item of thread `thread`'s row at `tsNs`: deepest call slice, else syscall, else kernel state; or null. */
export function itemAtTime(model: TraceModel, thread: number, tsNs: number): ItemRef | null {
  const t = model.threads[thread];
  const sl = t.slices;
  // Slices are sorted by start: scan back from the last one starting by tsNs for the deepest that covers it.
  let best = -1;
  for (let k = lastAtOrBefore(sl.startNs, sl.count, tsNs); k >= 0; k--) {
    if (sl.endNs[k] >= tsNs && (best < 0 || sl.depth[k] > sl.depth[best])) best = k;
    if (sl.depth[k] === 0 && sl.endNs[k] >= tsNs) break; // an outermost call covering tsNs: nothing older is deeper
  }
  if (best >= 0) return { kind: 'slice', thread, index: best };
  const sc = t.syscalls;
  if (sc) {
    const k = lastAtOrBefore(sc.startNs, sc.count, tsNs);
    if (k >= 0 && sc.endNs[k] >= tsNs) return { kind: 'syscall', thread, index: k };
  }
  const st = t.states;
  if (st) {
    const k = lastAtOrBefore(st.startNs, st.count, tsNs);
    if (k >= 0 && st.endNs[k] >= tsNs) return { kind: 'state', thread, index: k };
  }
  return null;
}
