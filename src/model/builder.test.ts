/**
 * Tricky cases of the model, on small hand-written event sequences. Each line of a fixture is one event:
 *   <tsNs> <cpu> <name> [key=value ...]     keys vtid= vpid= procname= go to the context, others to the payload
 * Values that parse as numbers are numbers; `0x...` values are numbers too (addresses).
 */
import { describe, expect, it } from 'vitest';
import type { FieldStruct, FieldValue, LossRecord, TraceEvent } from '../ctf/event';
import type { ModelSourceInfo } from './builder';
import { modelFromEvents, type EventPacker } from './packed-events';
import { modelDigest } from '../fixtures/model-digest';
import { SliceFlag, SliceKind, SyscallFlag, ThreadState, type ThreadModel, type TraceModel } from './types';

const CTX_KEYS = new Set(['vtid', 'vpid', 'procname']);

function parseValue(v: string): FieldValue {
  if (/^0x[0-9a-f]+$/i.test(v)) return parseInt(v, 16);
  if (/^-?\d+$/.test(v)) return Number(v);
  return v;
}

function parseFixture(text: string, ustTrace: number, kernelTrace: number): TraceEvent[] {
  const events: TraceEvent[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [ts, cpu, name, ...kv] = line.split(/\s+/);
    const fields: FieldStruct = {};
    const ctx: FieldStruct = {};
    for (const pair of kv) {
      const eq = pair.indexOf('=');
      const key = pair.slice(0, eq);
      (CTX_KEYS.has(key) ? ctx : fields)[key] = parseValue(pair.slice(eq + 1));
    }
    const ust = name.includes(':');
    events.push({
      name,
      tsNs: Number(ts),
      cpu: cpu === '-' ? null : Number(cpu),
      ctx: Object.keys(ctx).length > 0 ? ctx : null,
      ectx: null,
      fields,
      trace: ust ? ustTrace : kernelTrace,
      stream: 0,
    });
  }
  return events;
}

interface Build {
  kernel?: boolean;
  ust?: boolean;
  kernelRelease?: string;
  losses?: LossRecord[];
  symbolFiles?: Map<string, string>;
}

function build(text: string, opts: Build = { ust: true }): TraceModel {
  const sources: ModelSourceInfo[] = [];
  const kernel = opts.kernel
    ? sources.push({
        name: 'kernel',
        domain: 'kernel',
        env: opts.kernelRelease ? { kernel_release: opts.kernelRelease } : {},
      }) - 1
    : -1;
  const ust = opts.ust !== false ? sources.push({ name: 'ust', domain: 'ust' }) - 1 : -1;
  const events = parseFixture(text, ust, kernel);
  const feed = (b: EventPacker): void => {
    const losses = [...(opts.losses ?? [])];
    for (const e of events) {
      while (losses.length > 0 && losses[0].beginNs <= e.tsNs) b.addLoss(losses.shift()!);
      b.addEvent(e);
    }
    for (const l of losses) b.addLoss(l);
  };
  const builderOpts = { sources, originNs: 0n, symbolFiles: opts.symbolFiles };
  const model = modelFromEvents(builderOpts, feed);
  // Every case also built by thread partitions (a fork's parent and child, a switch's two threads apart).
  for (const k of [2, 3])
    expect(modelDigest(modelFromEvents(builderOpts, feed, k)), `${k} partitions`).toEqual(modelDigest(model));
  return model;
}

function thread(m: TraceModel, tid: number): ThreadModel {
  const t = m.threads.filter((x) => x.tid === tid);
  expect(t.length, `rows of tid ${tid}`).toBeGreaterThan(0);
  return t[t.length - 1];
}

/** Slices as readable rows. */
function slices(
  m: TraceModel,
  t: ThreadModel,
): { name: string; start: number; end: number; depth: number; self: number; flags: number; kind: number }[] {
  const s = t.slices;
  return Array.from({ length: s.count }, (_, i) => ({
    name: m.strings[s.name[i]],
    start: s.startNs[i],
    end: s.endNs[i],
    depth: s.depth[i],
    self: s.selfNs[i],
    flags: s.flags[i],
    kind: s.kind[i],
  }));
}

function states(t: ThreadModel): [number, number, ThreadState][] {
  const s = t.states!;
  return Array.from({ length: s.count }, (_, i) => [s.startNs[i], s.endNs[i], s.state[i] as ThreadState]);
}

describe('call stacks', () => {
  it('nests Python and C frames and computes self time', () => {
    const m = build(`
      100 0 python:call vtid=7 vpid=7 co_name=main
      110 0 python:call vtid=7 co_name=work
      120 0 python:c_call vtid=7 co_name=len
      125 0 python:c_return vtid=7
      150 0 python:return vtid=7
      200 0 python:return vtid=7
    `);
    const t = thread(m, 7);
    expect(slices(m, t)).toEqual([
      { name: 'main', start: 100, end: 200, depth: 0, self: 60, flags: 0, kind: SliceKind.Python },
      { name: 'work', start: 110, end: 150, depth: 1, self: 35, flags: 0, kind: SliceKind.Python },
      { name: 'len', start: 120, end: 125, depth: 2, self: 5, flags: 0, kind: SliceKind.PythonBuiltin },
    ]);
    expect(t.maxDepth).toBe(3);
    expect(t.pid).toBe(7);
  });

  it('closes an unfinished call at the trace end, flagged', () => {
    const m = build(`
      100 0 python:call vtid=7 co_name=main
      110 0 python:call vtid=7 co_name=done
      120 0 python:return vtid=7
      300 0 python:call vtid=8 co_name=other
    `);
    const main = slices(m, thread(m, 7))[0];
    expect(main).toMatchObject({ name: 'main', start: 100, end: 300, flags: SliceFlag.Unfinished, self: 190 });
    expect(slices(m, thread(m, 7))[1].flags).toBe(0);
  });

  it('turns a return with an empty stack into a flagged frame from the thread start', () => {
    const m = build(`
      100 0 python:call vtid=7 co_name=a
      110 0 python:return vtid=7
      150 0 python:return vtid=7
      160 0 python:call vtid=7 co_name=b
      170 0 python:return vtid=7
    `);
    const s = slices(m, thread(m, 7));
    // The unmatched return's frame starts after the last top-level frame ended, so it overlaps nothing.
    expect(s.map((x) => [x.name, x.start, x.end, x.depth, x.flags])).toEqual([
      ['a', 100, 110, 0, 0],
      ['(unknown)', 110, 150, 0, SliceFlag.UnmatchedReturn],
      ['b', 160, 170, 0, 0],
    ]);
    expect(m.anomalies!.unmatchedReturns).toBe(1);
  });

  it('ignores c_return without c_call (python-profile-ust emits those)', () => {
    const m = build(`
      100 0 python:call vtid=7 co_name=f
      110 0 python:c_return vtid=7
      120 0 python:c_return vtid=7
      130 0 python:return vtid=7
    `);
    expect(slices(m, thread(m, 7)).map((x) => [x.name, x.start, x.end, x.flags])).toEqual([['f', 100, 130, 0]]);
    expect(m.anomalies!.ignoredCReturns).toBe(2);
    expect(m.anomalies!.unmatchedReturns).toBe(0);
  });

  it('closes a c_call left open by an exception when its Python caller returns', () => {
    const m = build(`
      100 0 python:call vtid=7 co_name=f
      110 0 python:c_call vtid=7 co_name=int
      130 0 python:return vtid=7
    `);
    expect(slices(m, thread(m, 7)).map((x) => [x.name, x.end, x.flags])).toEqual([
      ['f', 130, 0],
      ['int', 130, SliceFlag.Mismatched],
    ]);
  });

  it('pops a cyg-profile exit whose addr differs, flagged', () => {
    const m = build(`
      100 1 lttng_ust_cyg_profile:func_entry vtid=3 addr=0x400100 call_site=0x400000
      110 1 lttng_ust_cyg_profile:func_entry vtid=3 addr=0x400200 call_site=0x400110
      120 1 lttng_ust_cyg_profile:func_exit vtid=3 addr=0x400999 call_site=0x400110
      130 1 lttng_ust_cyg_profile:func_exit vtid=3 addr=0x400100 call_site=0x400000
    `);
    const s = slices(m, thread(m, 3));
    expect(s.map((x) => [x.name, x.start, x.end, x.depth, x.flags])).toEqual([
      ['0x400100', 100, 130, 0, 0],
      ['0x400200', 110, 120, 1, SliceFlag.Mismatched],
    ]);
    expect(thread(m, 3).slices.addr[1]).toBe(0x400200);
  });

  it('interleaves Python and cyg-profile C frames in one stack', () => {
    const m = build(`
      100 0 python:call vtid=7 co_name=f
      110 0 lttng_ust_cyg_profile_fast:func_entry vtid=7 addr=0x1000
      120 0 lttng_ust_cyg_profile_fast:func_exit vtid=7
      130 0 python:return vtid=7
    `);
    expect(slices(m, thread(m, 7)).map((x) => [x.name, x.depth, x.kind])).toEqual([
      ['f', 0, SliceKind.Python],
      ['0x1000', 1, SliceKind.C],
    ]);
  });

  it('marks frames open across a loss on their CPU and restarts from an empty stack', () => {
    const loss: LossRecord = {
      kind: 'discarded-events',
      count: 12,
      beginNs: 140,
      endNs: 160,
      trace: 0,
      stream: 0,
      cpu: 0,
    };
    const m = build(
      `
      100 0 python:call vtid=7 co_name=outer
      110 0 python:call vtid=7 co_name=inner
      120 1 python:call vtid=8 co_name=elsewhere
      170 0 python:return vtid=7
      180 1 python:return vtid=8
    `,
      { ust: true, losses: [loss] },
    );
    const s7 = slices(m, thread(m, 7));
    expect(s7.map((x) => [x.name, x.start, x.end, x.flags])).toEqual([
      ['outer', 100, 140, SliceFlag.BrokenByLoss],
      ['inner', 110, 140, SliceFlag.BrokenByLoss],
      ['(unknown)', 160, 170, SliceFlag.UnmatchedReturn],
    ]);
    // Thread 8 wrote to CPU 1's stream: not touched.
    expect(slices(m, thread(m, 8))).toMatchObject([{ name: 'elsewhere', start: 120, end: 180, flags: 0 }]);
    expect(m.losses).toEqual([{ kind: 'discarded-events', count: 12, beginNs: 140, endNs: 160, cpu: 0, trace: 'ust' }]);
  });

  it('attributes user-space events without vtid to the thread the kernel runs on that CPU, else to a CPU row', () => {
    const k = build(
      `
      100 2 sched_switch prev_comm=swapper/2 prev_tid=0 prev_prio=20 prev_state=0 next_comm=app next_tid=42 next_prio=20
      110 2 lttng_ust_cyg_profile_fast:func_entry addr=0x10
      120 2 lttng_ust_cyg_profile_fast:func_exit
    `,
      { kernel: true, ust: true },
    );
    expect(thread(k, 42).slices.count).toBe(1);
    expect(k.threads.some((t) => t.cpuRow !== undefined)).toBe(false);

    const u = build(`
      110 2 lttng_ust_cyg_profile_fast:func_entry addr=0x10
      120 2 lttng_ust_cyg_profile_fast:func_exit
    `);
    const row = u.threads.find((t) => t.cpuRow === 2)!;
    expect(row.name).toBe('CPU 2');
    expect(row.slices.count).toBe(1);
    expect(row.states).toBeUndefined();
  });
});

describe('Python frames', () => {
  it('keeps where each function is defined (co_filename, co_firstlineno or lineno) and tells built-ins apart', () => {
    const m = build(`
      100 0 python:call vtid=7 vpid=7 co_name=main co_filename=/app/run.py co_firstlineno=3
      110 0 python:call vtid=7 co_name=Parser.feed co_filename=/app/pkg/parser.py co_firstlineno=41
      120 0 python:c_call vtid=7 co_name=len
      125 0 python:c_return vtid=7
      130 0 python:return vtid=7
      140 0 python:call vtid=7 co_name=Parser.feed co_filename=/other/parser.py co_firstlineno=9
      150 0 python:return vtid=7
      160 0 python:call vtid=7 co_name=old co_filename=/app/legacy.py lineno=77
      170 0 python:return vtid=7
      200 0 python:return vtid=7
    `);
    const sources = new Map(m.pythonSources!.map((s) => [m.strings[s.name], s]));
    expect(sources.get('main')).toMatchObject({ file: '/app/run.py', line: 3 });
    expect(sources.get('Parser.feed')).toMatchObject({ file: '/app/pkg/parser.py', line: 41, conflicting: true });
    expect(sources.get('old')).toMatchObject({ file: '/app/legacy.py', line: 77 });
    expect(sources.has('len')).toBe(false);
    const kinds = slices(m, thread(m, 7)).map((s) => [s.name, s.kind]);
    expect(kinds).toContainEqual(['len', SliceKind.PythonBuiltin]);
    expect(kinds).toContainEqual(['main', SliceKind.Python]);
  });

  it('traces without co_filename have no Python sources', () => {
    const m = build(`
      100 0 python:call vtid=7 vpid=7 co_name=main
      200 0 python:return vtid=7
    `);
    expect(m.pythonSources).toBeUndefined();
  });
});

describe('symbols', () => {
  const dump = `
    10 0 lttng_ust_statedump:start vpid=50 vtid=50
    11 0 lttng_ust_statedump:bin_info vpid=50 vtid=50 baddr=0x7f0000000000 memsz=0x10000 path=/usr/lib/libfoo.so is_pic=1 has_build_id=0 has_debug_link=0
    12 0 lttng_ust_statedump:bin_info vpid=50 vtid=50 baddr=0x400000 memsz=0x10000 path=/usr/bin/app is_pic=0 has_build_id=0 has_debug_link=0
    100 0 lttng_ust_cyg_profile:func_entry vpid=50 vtid=51 addr=0x7f0000000120 call_site=0x0
    110 0 lttng_ust_cyg_profile:func_exit vpid=50 vtid=51 addr=0x7f0000000120 call_site=0x0
    120 0 lttng_ust_cyg_profile:func_entry vpid=50 vtid=51 addr=0x401000 call_site=0x0
    130 0 lttng_ust_cyg_profile:func_exit vpid=50 vtid=51 addr=0x401000 call_site=0x0
    140 0 lttng_ust_cyg_profile:func_entry vpid=50 vtid=51 addr=0x900000 call_site=0x0
    150 0 lttng_ust_cyg_profile:func_exit vpid=50 vtid=51 addr=0x900000 call_site=0x0
  `;

  it('names C frames binary+offset from the statedump, or the raw address outside any mapping', () => {
    const m = build(dump);
    expect(slices(m, thread(m, 51)).map((x) => x.name)).toEqual(['libfoo.so+0x120', 'app+0x1000', '0x900000']);
  });

  it('uses nm-style mapping files: absolute for executables, by offset for a library named like the file', () => {
    const symbolFiles = new Map([
      ['app.nm', '0000000000401000 T main\n0000000000401800 t helper\n0000000000402000 D data\n'],
      ['libfoo.so.nm', '0000000000000100 T foo_init\n0000000000000200 T foo_run\n'],
    ]);
    const m = build(dump, { ust: true, symbolFiles });
    expect(slices(m, thread(m, 51)).map((x) => x.name)).toEqual(['foo_init', 'main', '0x900000']);
    // Each listed name keeps its binary (the Functions table's File / binary column).
    const binOf = new Map(m.symbols!.named!.map((n) => [m.strings[n.label], m.symbols!.binaries[n.binary].path]));
    expect(binOf).toEqual(
      new Map([
        ['foo_init', '/usr/lib/libfoo.so'],
        ['main', '/usr/bin/app'],
      ]),
    );
  });

  it('leaves out the binary of a name listed in two binaries (slices carry only the name)', () => {
    const symbolFiles = new Map([
      ['app.nm', '0000000000401000 T init\n'],
      ['libfoo.so.nm', '0000000000000120 T init\n'],
    ]);
    const m = build(dump, { ust: true, symbolFiles });
    expect(slices(m, thread(m, 51)).map((x) => x.name)).toEqual(['init', 'init', '0x900000']);
    expect(m.symbols!.named).toEqual([]);
  });

  it('forgets a library at dlclose', () => {
    const m = build(`
      10 0 lttng_ust_dl:dlopen vpid=5 vtid=5 baddr=0x10000 memsz=0x1000 path=/lib/libx.so flags=1 has_build_id=0 has_debug_link=0
      20 0 lttng_ust_cyg_profile_fast:func_entry vpid=5 vtid=5 addr=0x10040
      30 0 lttng_ust_cyg_profile_fast:func_exit vpid=5 vtid=5
      40 0 lttng_ust_dl:dlclose vpid=5 vtid=5 baddr=0x10000
      50 0 lttng_ust_cyg_profile_fast:func_entry vpid=5 vtid=5 addr=0x10040
      60 0 lttng_ust_cyg_profile_fast:func_exit vpid=5 vtid=5
    `);
    expect(slices(m, thread(m, 5)).map((x) => x.name)).toEqual(['libx.so+0x40', '0x10040']);
  });
});

describe('kernel thread states and syscalls', () => {
  const sw = (ts: number, cpu: number, prev: number, prevState: number, next: number): string =>
    `${ts} ${cpu} sched_switch prev_comm=t${prev} prev_tid=${prev} prev_prio=20 prev_state=${prevState} next_comm=t${next} next_tid=${next} next_prio=20`;

  it('tells preemption from blocking with the >= 4.14 prev_state encoding', () => {
    const text = [
      sw(100, 0, 0, 0, 10),
      sw(200, 0, 10, 0x100, 11),
      sw(300, 0, 11, 1, 10),
      sw(400, 0, 10, 2, 0),
      '500 1 sched_waking comm=t10 tid=10 prio=20 target_cpu=1',
    ].join('\n');
    const m = build(text, { kernel: true, ust: false, kernelRelease: '5.15.0-91-generic' });
    expect(states(thread(m, 10))).toEqual([
      [100, 200, ThreadState.RunUser],
      [200, 300, ThreadState.WaitCpu],
      [300, 400, ThreadState.RunUser],
      [400, 500, ThreadState.WaitBlocked],
    ]);
    expect(states(thread(m, 11))).toEqual([
      [200, 300, ThreadState.RunUser],
      [300, 500, ThreadState.WaitBlocked],
    ]);
  });

  it('reads the older prev_state encoding (TASK_RUNNING | TASK_STATE_MAX = preempted)', () => {
    const text = [sw(100, 0, 0, 0, 10), sw(200, 0, 10, 2048, 11), sw(300, 0, 11, 1, 10), sw(400, 0, 10, 64, 0)].join(
      '\n',
    );
    const m = build(text, { kernel: true, ust: false, kernelRelease: '4.4.3-1-ARCH' });
    // 64 is TASK_DEAD before 4.14: the thread's states end there.
    expect(states(thread(m, 10))).toEqual([
      [100, 200, ThreadState.RunUser],
      [200, 300, ThreadState.WaitCpu],
      [300, 400, ThreadState.RunUser],
    ]);
    expect(states(thread(m, 11))).toEqual([
      [200, 300, ThreadState.RunUser],
      [300, 400, ThreadState.WaitBlocked],
    ]);
  });

  it('recognises the older encoding without kernel_release when a value is beyond the >= 4.14 range', () => {
    const text = [sw(100, 0, 0, 0, 10), sw(200, 0, 10, 1024, 11), sw(300, 0, 11, 0x100, 12), sw(400, 0, 12, 1, 0)].join(
      '\n',
    );
    const m = build(text, { kernel: true, ust: false });
    expect(states(thread(m, 10))).toEqual([
      [100, 200, ThreadState.RunUser],
      [200, 400, ThreadState.WaitCpu],
    ]);
    // Without a release, 0x100 reads as the >= 4.14 preemption value.
    expect(states(thread(m, 11))).toEqual([
      [200, 300, ThreadState.RunUser],
      [300, 400, ThreadState.WaitCpu],
    ]);
  });

  it('shows an irq inside a syscall as Interrupted, then back to the syscall', () => {
    const m = build(
      `
      ${sw(100, 0, 0, 0, 10)}
      110 0 syscall_entry_read fd=3 count=10
      120 0 irq_handler_entry irq=19 name=eth0
      125 0 irq_softirq_entry vec=3
      128 0 irq_handler_exit irq=19 ret=1
      130 0 irq_softirq_exit vec=3
      150 0 syscall_exit_read ret=10
      ${sw(200, 0, 10, 1, 0)}
    `,
      { kernel: true, ust: false, kernelRelease: '6.1.0' },
    );
    const t = thread(m, 10);
    expect(states(t)).toEqual([
      [100, 110, ThreadState.RunUser],
      [110, 120, ThreadState.RunSyscall],
      [120, 130, ThreadState.Interrupted],
      [130, 150, ThreadState.RunSyscall],
      [150, 200, ThreadState.RunUser],
    ]);
    const sc = t.syscalls!;
    expect(sc.count).toBe(1);
    expect([m.strings[sc.name[0]], sc.startNs[0], sc.endNs[0], sc.ret[0], sc.flags[0]]).toEqual([
      'read',
      110,
      150,
      10,
      0,
    ]);
    // swapper (tid 0) is not a thread row.
    expect(m.threads.map((x) => x.tid)).toEqual([10]);
  });

  it('reads old (sys_*, exit_syscall) and compat syscall names, and exits without entries', () => {
    const m = build(
      `
      ${sw(100, 0, 0, 0, 10)}
      105 0 exit_syscall ret=0
      110 0 sys_open filename=/etc/passwd flags=0 mode=0
      120 0 exit_syscall ret=3
      130 0 compat_syscall_entry_ioctl fd=3 cmd=1 arg=0
      140 0 compat_syscall_exit_ioctl ret=-25
      150 0 syscall_entry_close fd=3
    `,
      { kernel: true, ust: false },
    );
    const sc = thread(m, 10).syscalls!;
    const rows = Array.from({ length: sc.count }, (_, i) => [
      m.strings[sc.name[i]],
      sc.startNs[i],
      sc.endNs[i],
      sc.ret[i],
      sc.flags[i],
    ]);
    expect(rows).toEqual([
      ['(unknown)', 100, 105, 0, SyscallFlag.NoEntry],
      ['open', 110, 120, 3, 0],
      ['ioctl', 130, 140, -25, 0],
      ['close', 150, 150, NaN, SyscallFlag.Unfinished],
    ]);
  });

  it('starts a forked child inside its parent clone, names it, and ends it at free', () => {
    const m = build(
      `
      ${sw(100, 0, 0, 0, 10)}
      110 0 syscall_entry_clone clone_flags=0
      120 0 sched_process_fork parent_comm=t10 parent_tid=10 parent_pid=10 child_comm=t10 child_tid=11 child_pid=10
      130 0 syscall_exit_clone ret=11
      140 1 sched_wakeup_new comm=t10 tid=11 prio=20 target_cpu=1
      150 1 sched_switch prev_comm=swapper/1 prev_tid=0 prev_prio=20 prev_state=0 next_comm=t10 next_tid=11 next_prio=20
      160 1 syscall_exit_clone ret=0
      165 1 sched_process_exec filename=/usr/bin/worker tid=11 old_tid=11
      170 1 sched_switch prev_comm=worker prev_tid=11 prev_prio=20 prev_state=16 next_comm=swapper/1 next_tid=0 next_prio=20
      180 1 sched_process_free comm=worker tid=11 prio=20
      190 0 syscall_entry_getpid
    `,
      { kernel: true, ust: false, kernelRelease: '5.4' },
    );
    const c = thread(m, 11);
    expect(c.pid).toBe(10);
    expect(c.name).toBe('worker');
    expect(states(c)).toEqual([
      [120, 140, ThreadState.WaitFork],
      [140, 150, ThreadState.WaitCpu],
      [150, 160, ThreadState.RunSyscall],
      [160, 170, ThreadState.RunUser],
    ]);
    const sc = c.syscalls!;
    expect([m.strings[sc.name[0]], sc.startNs[0], sc.endNs[0], sc.flags[0]]).toEqual([
      'clone',
      120,
      160,
      SyscallFlag.Inherited,
    ]);
    const h = c.nameHistory!;
    expect(Array.from(h.name, (n) => m.strings[n])).toEqual(['t10', 'worker']);
    expect(Array.from(h.startNs)).toEqual([120, 165]);
    expect(m.processes).toEqual([{ pid: 10, name: 't10', threads: [0, 1] }]);
  });
});
