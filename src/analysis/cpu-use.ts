/**
 * Where a thread's time went, from its kernel states and syscalls: each instant of a thread is one CPU-use
 * category (running user code, in a syscall, blocked, waiting for a CPU, interrupted, other) and, when it lies
 * inside a syscall, that syscall's name. A frame's off-CPU split is the sum of these over its time on the stack,
 * so "read_config: 82% blocked in read" falls out of the two tables the model already has.
 *
 *   states    [user ][syscall][ blocked        ][wait cpu][syscall]
 *   syscalls         [read .......................................]
 *   refined   [user ][sys/read][blocked/read    ][cpu/read][sys/read]
 */
import { ThreadState, type ThreadModel } from '../model/types';

export const enum CpuUse {
  User = 0,
  Syscall = 1,
  Blocked = 2,
  WaitCpu = 3,
  Interrupted = 4,
  /** Unknown or unrecorded states, and any time the kernel trace does not cover. */
  Other = 5,
}

export const CPU_USE_COUNT = 6;
export const CPU_USE_NAMES: readonly string[] = [
  'running user',
  'syscall',
  'blocked',
  'waiting for CPU',
  'interrupted',
  'other',
];

/** Detail keys pack a category with the syscall name it happened in: category + 8 * (nameIndex + 1); 0..7 = none. */
export const detailKey = (use: CpuUse, syscallName: number): number => use + 8 * (syscallName + 1);
export const detailUse = (key: number): CpuUse => (key & 7) as CpuUse;
/** IndexIntoStrings of the syscall, -1 when the time was outside any syscall. */
export const detailSyscall = (key: number): number => (key >>> 3) - 1;

export function cpuUseOf(state: number): CpuUse {
  switch (state) {
    case ThreadState.RunUser:
      return CpuUse.User;
    case ThreadState.RunSyscall:
      return CpuUse.Syscall;
    case ThreadState.WaitBlocked:
      return CpuUse.Blocked;
    case ThreadState.WaitCpu:
      return CpuUse.WaitCpu;
    case ThreadState.Interrupted:
      return CpuUse.Interrupted;
    default:
      return CpuUse.Other;
  }
}

/** One thread's time in [startNs, endNs) cut at every state and syscall boundary, each piece with its detail key. */
export interface RefinedIntervals {
  count: number;
  startNs: Float64Array;
  endNs: Float64Array;
  key: Int32Array;
}

/** First index i in [0, n) with arr[i] > x (arr ascending), n if none. */
export function upperBound(arr: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Null when the thread has no kernel states (no kernel trace, or a per-CPU row). */
export function refineThreadTime(t: ThreadModel, startNs: number, endNs: number): RefinedIntervals | null {
  const st = t.states;
  if (!st || st.count === 0) return null;
  const sc = t.syscalls;
  const nSys = sc ? sc.count : 0;
  let cap = 64;
  let outStart = new Float64Array(cap);
  let outEnd = new Float64Array(cap);
  let outKey = new Int32Array(cap);
  let n = 0;
  const push = (s: number, e: number, key: number) => {
    if (e <= s) return;
    if (n > 0 && outKey[n - 1] === key && outEnd[n - 1] === s) {
      outEnd[n - 1] = e;
      return;
    }
    if (n === cap) {
      cap *= 2;
      const ns = new Float64Array(cap);
      ns.set(outStart);
      outStart = ns;
      const ne = new Float64Array(cap);
      ne.set(outEnd);
      outEnd = ne;
      const nk = new Int32Array(cap);
      nk.set(outKey);
      outKey = nk;
    }
    outStart[n] = s;
    outEnd[n] = e;
    outKey[n] = key;
    n++;
  };
  // States and syscalls are each sorted and do not overlap, so one forward pointer into the syscalls serves.
  let j = sc ? upperBound(sc.endNs, nSys, startNs) : 0;
  for (let i = upperBound(st.endNs, st.count, startNs); i < st.count && st.startNs[i] < endNs; i++) {
    const use = cpuUseOf(st.state[i]);
    const e = Math.min(endNs, st.endNs[i]);
    let cursor = Math.max(startNs, st.startNs[i]);
    while (cursor < e) {
      while (j < nSys && sc!.endNs[j] <= cursor) j++;
      if (j < nSys && sc!.startNs[j] <= cursor) {
        const segEnd = Math.min(e, sc!.endNs[j]);
        push(cursor, segEnd, detailKey(use, sc!.name[j]));
        cursor = segEnd;
      } else {
        const segEnd = j < nSys ? Math.min(e, sc!.startNs[j]) : e;
        push(cursor, segEnd, use);
        cursor = segEnd;
      }
    }
  }
  return { count: n, startNs: outStart, endNs: outEnd, key: outKey };
}

/** The split of one stretch of a thread's time, reused from call to call (no allocation per slice). */
export class SplitScratch {
  readonly catNs = new Float64Array(CPU_USE_COUNT);
  /** Detail keys met (time inside a syscall) and their ns; a key may repeat. */
  keys: number[] = [];
  ns: number[] = [];
  /** Where the last measure started (in `last`), for the next one in start order. */
  private last: RefinedIntervals | null = null;
  private lastStartNs = 0;
  private cursor = 0;

  /** The thread's time in [s, e): ns per category, and per detail key inside syscalls. Uncovered time is Other. */
  measure(r: RefinedIntervals, s: number, e: number): void {
    const cat = this.catNs;
    cat.fill(0);
    this.keys.length = 0;
    this.ns.length = 0;
    let covered = 0;
    // Callers go through slices in start order: walk forward from the last start instead of searching again.
    let i = this.last === r && this.lastStartNs <= s ? this.cursor : 0;
    if (i === 0 || r.endNs[i] <= s) {
      const far = i + 16 < r.count && r.endNs[i + 16] <= s;
      if (far) i = upperBound(r.endNs, r.count, s);
      else while (i < r.count && r.endNs[i] <= s) i++;
    }
    this.last = r;
    this.lastStartNs = s;
    this.cursor = i;
    for (; i < r.count && r.startNs[i] < e; i++) {
      const d = Math.min(e, r.endNs[i]) - Math.max(s, r.startNs[i]);
      if (d <= 0) continue;
      const key = r.key[i];
      cat[key & 7] += d;
      covered += d;
      if (key >= 8) {
        this.keys.push(key);
        this.ns.push(d);
      }
    }
    if (e - s > covered) cat[CpuUse.Other] += e - s - covered;
  }

  /**
   * Adds the measured split to `entity`: `catNs` holds CPU_USE_COUNT ns per entity, `detail` maps
   * entity * keySpace + key to ns, and `detailKeys` lists each entity's keys (so results need not scan the map).
   */
  addTo(
    entity: number,
    catNs: Float64Array,
    detail: Map<number, number>,
    detailKeys: Map<number, number[]>,
    keySpace: number,
  ): void {
    const base = entity * CPU_USE_COUNT;
    for (let k = 0; k < CPU_USE_COUNT; k++) catNs[base + k] += this.catNs[k];
    for (let j = 0; j < this.keys.length; j++) {
      const key = this.keys[j];
      const dk = entity * keySpace + key;
      const had = detail.get(dk);
      if (had === undefined) {
        const keys = detailKeys.get(entity);
        if (keys) keys.push(key);
        else detailKeys.set(entity, [key]);
      }
      detail.set(dk, (had ?? 0) + this.ns[j]);
    }
  }
}
