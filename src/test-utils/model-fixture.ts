/**
 * TraceModels built by hand for layout, render and e2e tests: a small scenario written as rows, and a
 * generator of N slices for the frame benchmark.
 */
import {
  type LossRange,
  type SliceTable,
  type StateTable,
  type SyscallTable,
  type ThreadModel,
  type TraceModel,
  SliceKind,
  ThreadState,
} from '../model/types';
import { prng as rng } from '../base/prng';

export interface SliceRow {
  name: string;
  kind: 'py' | 'c';
  startNs: number;
  endNs: number;
  depth: number;
  addr?: number;
  flags?: number;
}

class Strings {
  readonly list: string[] = [];
  private readonly ids = new Map<string, number>();
  id(s: string): number {
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.ids.set(s, i);
    }
    return i;
  }
}

/** A zeroed slice table of n rows. */
function emptySliceTable(n: number): SliceTable {
  return {
    count: n,
    startNs: new Float64Array(n),
    endNs: new Float64Array(n),
    selfNs: new Float64Array(n),
    depth: new Uint16Array(n),
    kind: new Uint8Array(n),
    name: new Int32Array(n),
    addr: new Float64Array(n),
    flags: new Uint8Array(n),
  };
}

/** Slice table from rows sorted by start (ties by depth); self time = duration minus direct children. */
export function sliceTable(rows: SliceRow[], strings: Strings): SliceTable {
  const n = rows.length;
  const t = emptySliceTable(n);
  const stack: number[] = [];
  rows.forEach((r, i) => {
    t.startNs[i] = r.startNs;
    t.endNs[i] = r.endNs;
    t.selfNs[i] = r.endNs - r.startNs;
    t.depth[i] = r.depth;
    t.kind[i] = r.kind === 'py' ? SliceKind.Python : SliceKind.C;
    t.name[i] = strings.id(r.name);
    t.addr[i] = r.kind === 'c' ? (r.addr ?? 0x401000 + i * 0x40) : NaN;
    t.flags[i] = r.flags ?? 0;
    stack.length = r.depth;
    if (r.depth > 0 && stack[r.depth - 1] !== undefined) t.selfNs[stack[r.depth - 1]] -= r.endNs - r.startNs;
    stack[r.depth] = i;
  });
  return t;
}

export function stateTable(rows: Array<[startNs: number, endNs: number, state: ThreadState, cpu: number]>): StateTable {
  const n = rows.length;
  const t: StateTable = { count: n, startNs: new Float64Array(n), endNs: new Float64Array(n), state: new Uint8Array(n), cpu: new Int16Array(n) };
  rows.forEach(([s, e, st, cpu], i) => {
    t.startNs[i] = s;
    t.endNs[i] = e;
    t.state[i] = st;
    t.cpu[i] = cpu;
  });
  return t;
}

export function syscallTable(rows: Array<[name: string, startNs: number, endNs: number, ret: number]>, strings: Strings): SyscallTable {
  const n = rows.length;
  const t: SyscallTable = { count: n, startNs: new Float64Array(n), endNs: new Float64Array(n), name: new Int32Array(n), ret: new Float64Array(n), flags: new Uint8Array(n) };
  rows.forEach(([name, s, e, ret], i) => {
    t.name[i] = strings.id(name);
    t.startNs[i] = s;
    t.endNs[i] = e;
    t.ret[i] = ret;
  });
  return t;
}

function maxDepth(t: SliceTable): number {
  let m = 0;
  for (let i = 0; i < t.count; i++) m = Math.max(m, t.depth[i]);
  return m;
}

/** 2026-11-25 22:05:13 UTC in ns since the epoch. */
export const FIXTURE_ORIGIN_NS = 1_795_644_313_000_000_000n;

/** The `write` syscall of the small fixture: 3 050 000 .. 3 095 250 ns, i.e. 45.25 µs, returns 12. */
export const SMALL_WRITE = { startNs: 3_050_000, endNs: 3_095_250, ret: 12 } as const;

/**
 * A Python program (pid 4242): `main` runs foo -> bar -> baz, whose C side calls write(2); a `worker`
 * thread computes and blocks on futex; a quieter `bash` process. With `kernel: false`, the states and
 * syscalls are left out, as in a user-space-only trace.
 */
export function smallModel(opts: { kernel?: boolean } = {}): TraceModel {
  const kernel = opts.kernel ?? true;
  const S = new Strings();
  const main = sliceTable(
    [
      { name: '<module>', kind: 'py', startNs: 200_000, endNs: 9_600_000, depth: 0 },
      { name: 'foo', kind: 'py', startNs: 1_000_000, endNs: 9_000_000, depth: 1 },
      { name: 'bar', kind: 'py', startNs: 1_500_000, endNs: 8_000_000, depth: 2 },
      { name: 'PyObject_Call', kind: 'c', startNs: 2_000_000, endNs: 7_000_000, depth: 3, addr: 0x55d0c0a01230 },
      { name: 'baz', kind: 'py', startNs: 2_500_000, endNs: 6_500_000, depth: 4 },
      { name: 'format_record', kind: 'py', startNs: 2_600_000, endNs: 2_950_000, depth: 5 },
      { name: '_io_FileIO_write', kind: 'c', startNs: 3_000_000, endNs: 3_200_000, depth: 5, addr: 0x55d0c0b04560 },
      { name: '__libc_write', kind: 'c', startNs: 3_020_000, endNs: 3_150_000, depth: 6, addr: 0x7f3a1c0e7890 },
      { name: 'compute', kind: 'py', startNs: 3_400_000, endNs: 6_300_000, depth: 5 },
      { name: 'sum_squares', kind: 'c', startNs: 3_500_000, endNs: 3_900_000, depth: 6, addr: 0x7f3a1d001000 },
      { name: 'sum_squares', kind: 'c', startNs: 5_300_000, endNs: 6_100_000, depth: 6, addr: 0x7f3a1d001000 },
      { name: 'cleanup', kind: 'py', startNs: 8_200_000, endNs: 8_800_000, depth: 2 },
    ],
    S,
  );
  const worker = sliceTable(
    [
      { name: 'worker_loop', kind: 'py', startNs: 500_000, endNs: 9_800_000, depth: 0 },
      { name: 'handle', kind: 'py', startNs: 700_000, endNs: 2_700_000, depth: 1 },
      { name: 'json_dumps', kind: 'c', startNs: 900_000, endNs: 1_900_000, depth: 2, addr: 0x7f3a1e002200 },
      { name: 'wait_for_work', kind: 'py', startNs: 3_000_000, endNs: 7_500_000, depth: 1 },
      { name: 'handle', kind: 'py', startNs: 7_600_000, endNs: 9_400_000, depth: 1 },
      { name: 'json_dumps', kind: 'c', startNs: 7_800_000, endNs: 8_600_000, depth: 2, addr: 0x7f3a1e002200 },
    ],
    S,
  );
  const bash = sliceTable([], S);
  const threads: ThreadModel[] = [
    {
      tid: 4242,
      pid: 4242,
      name: 'python3',
      slices: main,
      maxDepth: maxDepth(main),
      eventCount: 420,
      ...(kernel && {
        states: stateTable([
          [0, 3_050_000, ThreadState.RunUser, 1],
          [3_050_000, 3_095_250, ThreadState.RunSyscall, 1],
          [3_095_250, 4_000_000, ThreadState.RunUser, 1],
          [4_000_000, 4_150_000, ThreadState.Interrupted, 1],
          [4_150_000, 5_000_000, ThreadState.RunUser, 1],
          [5_000_000, 5_200_000, ThreadState.WaitCpu, 1],
          [5_200_000, 8_300_000, ThreadState.RunUser, 0],
          [8_300_000, 8_700_000, ThreadState.WaitBlocked, -1],
          [8_700_000, 10_000_000, ThreadState.RunUser, 0],
        ]),
        syscalls: syscallTable(
          [
            ['write', SMALL_WRITE.startNs, SMALL_WRITE.endNs, SMALL_WRITE.ret],
            ['read', 8_300_000, 8_700_000, 4096],
          ],
          S,
        ),
      }),
    },
    {
      tid: 4243,
      pid: 4242,
      name: 'worker',
      slices: worker,
      maxDepth: maxDepth(worker),
      eventCount: 180,
      ...(kernel && {
        states: stateTable([
          [0, 3_000_000, ThreadState.RunUser, 2],
          [3_000_000, 3_010_000, ThreadState.RunSyscall, 2],
          [3_010_000, 7_500_000, ThreadState.WaitBlocked, -1],
          [7_500_000, 7_600_000, ThreadState.WaitCpu, 3],
          [7_600_000, 10_000_000, ThreadState.RunUser, 3],
        ]),
        syscalls: syscallTable([['futex', 3_000_000, 7_500_000, 0]], S),
      }),
    },
    {
      tid: 977,
      pid: 977,
      name: 'bash',
      slices: bash,
      maxDepth: 0,
      eventCount: 12,
      ...(kernel && {
        states: stateTable([
          [0, 6_000_000, ThreadState.WaitBlocked, -1],
          [6_000_000, 6_400_000, ThreadState.RunUser, 0],
          [6_400_000, 10_000_000, ThreadState.WaitBlocked, -1],
        ]),
        syscalls: syscallTable([['wait4', 6_300_000, 6_400_000, 0]], S),
      }),
    },
  ];
  const losses: LossRange[] = kernel
    ? [{ kind: 'discarded-events', count: 12, beginNs: 7_000_000, endNs: 7_400_000, cpu: 1, trace: 'kernel' }]
    : [];
  return {
    originNs: FIXTURE_ORIGIN_NS,
    startNs: 0,
    endNs: 10_000_000,
    strings: S.list,
    threads,
    processes: [
      { pid: 4242, name: 'python3', threads: [0, 1] },
      { pid: 977, name: 'bash', threads: [2] },
    ],
    losses,
    hasKernel: kernel,
    sources: kernel
      ? [
          { name: 'kernel', domain: 'kernel', eventCount: 500 },
          { name: 'ust/uid/1000/64-bit', domain: 'ust', eventCount: 112 },
        ]
      : [{ name: 'ust/uid/1000/64-bit', domain: 'ust', eventCount: 612 }],
    eventCount: 612,
  };
}

/**
 * A model with `slices` call slices spread over `threads` threads, plus kernel states and syscalls, for the
 * frame benchmark. Each thread is a sequence of call trees: top-level calls of 1..5 ms whose children split
 * their time (a few long shallow calls, many short deep ones, as in real programs); about 3.5 s of trace
 * per million slices.
 */
export function generatedModel(opts: { slices: number; threads?: number; processes?: number; maxDepth?: number; seed?: number }): TraceModel {
  const nThreads = opts.threads ?? 4;
  const nProcs = Math.max(1, Math.min(opts.processes ?? 1, nThreads));
  const maxD = opts.maxDepth ?? 12;
  const rand = rng(opts.seed ?? 1);
  const names = ['main', 'run', 'step', 'update', 'render', 'parse', 'PyObject_Call', 'memcpy', 'malloc', 'dict_lookup', 'compute', 'encode', 'flush', 'hash'];
  const strings = [...names, 'write', 'read', 'futex', 'poll'];
  const threads: ThreadModel[] = [];
  let endAll = 0;
  for (let th = 0; th < nThreads; th++) {
    const n = Math.floor(opts.slices / nThreads) + (th < opts.slices % nThreads ? 1 : 0);
    const t = emptySliceTable(n);
    let made = 0;
    let deepest = 0;
    // Pre-order emission keeps the table sorted by start, parents before children.
    const call = (d: number, start: number, dur: number): void => {
      if (made >= n) return;
      const i = made++;
      t.startNs[i] = start;
      t.endNs[i] = start + dur;
      t.depth[i] = d;
      const ni = Math.floor(rand() * names.length);
      t.name[i] = ni;
      const isC = names[ni] === 'PyObject_Call' || names[ni] === 'memcpy' || names[ni] === 'malloc' || rand() < 0.2;
      t.kind[i] = isC ? SliceKind.C : SliceKind.Python;
      t.addr[i] = isC ? 0x400000 + ni * 0x100 : NaN;
      if (d > deepest) deepest = d;
      let childNs = 0;
      const kids = d >= maxD || dur < 200 ? 0 : d < 2 ? 2 + Math.floor(rand() * 4) : rand() < 0.62 ? 1 + Math.floor(rand() * 3) : 0;
      if (kids > 0) {
        // Children take 60..95% of the parent, in `kids` slots with gaps between them.
        const slot = dur / kids;
        for (let k = 0; k < kids && made < n; k++) {
          const cd = Math.max(20, Math.floor(slot * (0.6 + 0.35 * rand())));
          const cs = start + k * slot + Math.floor((slot - cd) * rand());
          const before = made;
          call(d + 1, cs, cd);
          if (made > before) childNs += cd;
        }
      }
      t.selfNs[i] = dur - childNs;
    };
    let now = 1000;
    while (made < n) {
      const dur = 1_000_000 + Math.floor(rand() * 4_000_000);
      call(0, now, dur);
      now += dur + 10_000 + Math.floor(rand() * 200_000);
    }
    endAll = Math.max(endAll, now);
    // Kernel side: a state interval every ~40 slices, a syscall every ~100.
    const nStates = Math.max(1, Math.floor(n / 40));
    const st: StateTable = { count: nStates, startNs: new Float64Array(nStates), endNs: new Float64Array(nStates), state: new Uint8Array(nStates), cpu: new Int16Array(nStates) };
    const cycle = [ThreadState.RunUser, ThreadState.RunSyscall, ThreadState.RunUser, ThreadState.WaitBlocked, ThreadState.RunUser, ThreadState.WaitCpu];
    let ts = 0;
    for (let i = 0; i < nStates; i++) {
      const len = (now / nStates) * (0.3 + 1.4 * rand());
      st.startNs[i] = ts;
      ts = i === nStates - 1 ? Math.max(now, ts + 1) : Math.min(now, ts + len);
      st.endNs[i] = ts;
      st.state[i] = cycle[Math.floor(rand() * cycle.length)];
      st.cpu[i] = st.state[i] === ThreadState.WaitBlocked ? -1 : th % 4;
    }
    const nSys = Math.max(1, Math.floor(n / 100));
    const sys: SyscallTable = { count: nSys, startNs: new Float64Array(nSys), endNs: new Float64Array(nSys), name: new Int32Array(nSys), ret: new Float64Array(nSys), flags: new Uint8Array(nSys) };
    const sysStep = now / nSys;
    for (let i = 0; i < nSys; i++) {
      sys.startNs[i] = i * sysStep + sysStep * 0.2;
      sys.endNs[i] = sys.startNs[i] + sysStep * (0.05 + 0.3 * rand());
      sys.name[i] = names.length + (i % 4);
      sys.ret[i] = i % 4 === 2 ? 0 : 64;
    }
    const pid = 1000 + (th % nProcs);
    const name = th < nProcs ? (th === 0 ? 'python3' : `proc-${th}`) : `worker-${th}`;
    threads.push({ tid: 1000 + th, pid, name, slices: t, maxDepth: deepest, states: st, syscalls: sys, eventCount: n * 2 });
  }
  return {
    originNs: FIXTURE_ORIGIN_NS,
    startNs: 0,
    endNs: endAll,
    strings,
    threads,
    processes: Array.from({ length: nProcs }, (_, p) => ({
      pid: 1000 + p,
      name: p === 0 ? 'python3' : `proc-${p}`,
      threads: Array.from({ length: Math.ceil((nThreads - p) / nProcs) }, (_, k) => p + k * nProcs),
    })),
    losses: [],
    hasKernel: true,
    sources: [{ name: 'generated', domain: 'other', eventCount: opts.slices * 2 }],
    eventCount: opts.slices * 2,
  };
}
