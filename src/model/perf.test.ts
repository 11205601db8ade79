/**
 * perf's CTF (`perf data convert --to-ctf`, fixtures/perf: real recordings made here, see its README) feeds the
 * same threads, states and syscalls as LTTng's kernel events. The decoding is first checked against babeltrace2's
 * (its text output, kept beside each fixture), then the model against what those events say.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openExperiment, type TraceEvent } from '../ctf';
import { eventClassesByName, fieldText } from '../ctf/decode/text-format';
import { readTraceFolder } from '../ctf/node-fs';
import { modelOfFolder } from '../fixtures/decode-folder';
import { Ev, eventKindOf } from './event-kinds';
import { modelFromEvents } from './packed-events';
import { ThreadState, type ThreadModel, type TraceModel } from './types';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/perf');

/** babeltrace2 --clock-seconds --no-delta, with its `[ [0] = a, [1] = b ]` arrays written `[a, b]` as ours. */
function babeltraceLines(name: string): string[] {
  const text = gunzipSync(readFileSync(join(fixtures, `${name}.babeltrace2.txt.gz`))).toString('utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) =>
      l
        .replace(/\[\d+\] = /g, '')
        .replace(/\[ /g, '[')
        .replace(/ \]/g, ']'),
    );
}

function ourLines(name: string): string[] {
  const exp = openExperiment(readTraceFolder(join(fixtures, name)));
  const classes = exp.traces.map((t) => eventClassesByName(t.schema));
  const out: string[] = [];
  exp.decode((e: TraceEvent) => {
    const abs = exp.absoluteNs(e.tsNs);
    const time = `${abs / 1000000000n}.${(abs % 1000000000n).toString().padStart(9, '0')}`;
    const fields = e.fields ? fieldText(e.fields, classes[e.trace].get(e.name)?.event.payload) : '{ }';
    out.push(`[${time}] ${e.name}: { cpu_id = ${e.cpu} }, ${fields}`);
  });
  return out;
}

function model(name: string): TraceModel {
  return modelOfFolder(join(fixtures, name));
}

function byName(m: TraceModel, name: string): ThreadModel[] {
  return m.threads.filter((t) => t.name === name);
}

function syscallNames(m: TraceModel, t: ThreadModel): string[] {
  const s = t.syscalls;
  return s ? Array.from(s.name.subarray(0, s.count), (i) => m.strings[i]) : [];
}

/** The generic decoder's TraceEvents through the packer: the same model as the column readers' must be. */
function genericModel(name: string): TraceModel {
  const exp = openExperiment(readTraceFolder(join(fixtures, name)));
  const opts = {
    sources: exp.traces.map((t) => ({ name: t.name, domain: t.domain, env: t.env })),
    originNs: exp.originNs,
  };
  return modelFromEvents(opts, (packer) =>
    exp.decode(
      (e) => packer.addEvent(e),
      (l) => packer.addLoss(l),
    ),
  );
}

/** Typed arrays as plain lists, for a deep comparison with a readable diff. */
function plain(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return Array.from(v as Float64Array);
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

describe('perf CTF fixtures', () => {
  for (const name of ['task', 'system']) {
    it(`${name}: the column readers (perf's field names) give the generic decoder's model`, () => {
      const a = model(name);
      const b = genericModel(name);
      expect(plain(a.threads)).toEqual(plain(b.threads));
      expect(a.eventCount).toBe(b.eventCount);
    });

    it(`${name}: decodes to babeltrace2's events`, () => {
      const ref = babeltraceLines(name);
      const ours = ourLines(name);
      expect(ours.length).toBe(ref.length);
      // Same time: babeltrace2 may order differently.
      expect([...ours].sort()).toEqual([...ref].sort());
    });
  }
});

interface RefEvent {
  absNs: bigint;
  name: string;
  cpu: number;
  /** Integer payload fields. */
  ints: Map<string, number>;
}

function refEvents(name: string): RefEvent[] {
  return babeltraceLines(name).map((l) => {
    const m = /^\[(\d+)\.(\d{9})\] (\S+): \{ cpu_id = (\d+) \}, \{ (.*) \}$/.exec(l);
    if (!m) throw new Error(`unexpected babeltrace2 line: ${l}`);
    const ints = new Map<string, number>();
    for (const f of m[5].matchAll(/(\w+) = (-?\d+)(?=,|$)/g)) ints.set(f[1], Number(f[2]));
    return { absNs: BigInt(m[1]) * 1000000000n + BigInt(m[2]), name: m[3], cpu: Number(m[4]), ints };
  });
}

function stateAt(t: ThreadModel, ns: number): { state: ThreadState; cpu: number } | undefined {
  const s = t.states;
  if (!s) return undefined;
  for (let i = 0; i < s.count; i++)
    if (s.startNs[i] <= ns && ns < s.endNs[i]) return { state: s.state[i], cpu: s.cpu[i] };
  return undefined;
}

describe('perf CTF: the model', () => {
  it('task: every thread of the recorded command, with its syscalls named from their numbers (x86-64)', () => {
    const m = model('task');
    expect(m.hasKernel).toBe(true);
    const sh = byName(m, 'sh');
    const sleeps = byName(m, 'sleep');
    const ls = byName(m, 'ls');
    expect(sh).toHaveLength(1);
    expect(sleeps).toHaveLength(2);
    expect(ls).toHaveLength(1);
    expect(syscallNames(m, sh[0])).toEqual(expect.arrayContaining(['execve', 'vfork', 'wait4', 'mmap', 'openat']));
    for (const t of sleeps) expect(syscallNames(m, t)).toContain('clock_nanosleep');
    expect(syscallNames(m, ls[0])).toEqual(expect.arrayContaining(['execve', 'getdents64', 'write']));
    // One syscall per sys_enter the thread made (perf_tid), besides a forked child's copy of its parent's vfork.
    const entries = new Map<number, number>();
    for (const e of refEvents('task')) {
      if (e.name === 'raw_syscalls:sys_enter')
        entries.set(e.ints.get('perf_tid')!, (entries.get(e.ints.get('perf_tid')!) ?? 0) + 1);
    }
    expect(entries.size).toBeGreaterThan(3);
    for (const [tid, n] of entries) {
      const t = m.threads.find((x) => x.tid === tid)!;
      const s = t.syscalls!;
      const own = Array.from(s.flags.subarray(0, s.count)).filter((f) => (f & (4 | 2)) === 0).length;
      expect(own, `syscalls of ${tid}`).toBe(n);
    }
    // sh waits in wait4 for its children: blocked most of the time, and the syscall is long.
    const wait4 = sh[0].syscalls!;
    const longest = Math.max(
      ...Array.from(wait4.name.subarray(0, wait4.count), (n, i) =>
        m.strings[n] === 'wait4' ? wait4.endNs[i] - wait4.startNs[i] : 0,
      ),
    );
    expect(longest).toBeGreaterThan(5e6);
    expect(m.anomalies?.unattributedKernelEvents).toBe(0);
    // Events the model does not know (sched_process_wait/exit, softirq_raise...) tick on their perf_tid thread.
    const other = new Map<number, number>();
    for (const e of refEvents('task')) {
      const tid = e.ints.get('perf_tid')!;
      if (eventKindOf(e.name).kind === Ev.Other && tid > 0) other.set(tid, (other.get(tid) ?? 0) + 1);
    }
    expect(other.size).toBeGreaterThan(1);
    for (const [tid, n] of other)
      expect(m.threads.find((t) => t.tid === tid)!.otherEventsNs?.length, `ticks of ${tid}`).toBe(n);
  });

  it('system: after every sched_switch the next thread runs on that CPU and the previous one waits as prev_state says', () => {
    const m = model('system');
    const switches = refEvents('system').filter((e) => e.name === 'sched:sched_switch');
    expect(switches.length).toBeGreaterThan(20);
    expect(new Set(switches.map((e) => e.cpu)).size).toBe(2);
    let checked = 0;
    for (const e of switches) {
      const ns = Number(e.absNs - m.originNs);
      if (ns >= m.endNs) continue; // the trace ends there: no interval after it
      const next = e.ints.get('next_pid')!;
      const prev = e.ints.get('prev_pid')!;
      if (next > 0) {
        const st = stateAt(
          m.threads.find((t) => t.tid === next)!,
          ns,
        );
        expect(st?.state, `tid ${next} at ${ns}`).toBeOneOf([
          ThreadState.RunUser,
          ThreadState.RunSyscall,
          ThreadState.Interrupted,
        ]);
        expect(st?.cpu).toBe(e.cpu);
        checked++;
      }
      if (prev > 0) {
        const st = stateAt(
          m.threads.find((t) => t.tid === prev)!,
          ns,
        );
        const prevState = e.ints.get('prev_state')!;
        // Unless the thread is switched back in at the same instant.
        if (st && st.cpu !== e.cpu) continue;
        if (st === undefined) continue;
        if (prevState === 0 || prevState === 0x100)
          expect([ThreadState.WaitCpu, ThreadState.RunUser]).toContain(st.state);
        else if (prevState === 1 || prevState === 2)
          expect([ThreadState.WaitBlocked, ThreadState.RunUser]).toContain(st.state);
      }
    }
    expect(checked).toBeGreaterThan(20);
    // Names come from the comm fields.
    expect(m.threads.some((t) => t.name === 'sleep')).toBe(true);
  });
});

describe('CPU run table from perf (system-wide recording)', () => {
  it("gives each CPU the sequence of threads babeltrace2's sched:sched_switch names (next_pid)", () => {
    const expected = new Map<number, number[]>();
    const lines = babeltraceLines('system');
    const timeOf = (l: string) => l.slice(1, l.indexOf(']'));
    // A switch at the trace's last instant starts a run of no duration: the table has no interval for it.
    const last = lines.map(timeOf).sort().at(-1);
    for (const l of lines) {
      const m = / sched:sched_switch: \{ cpu_id = (\d+) \}.* next_pid = (\d+),/.exec(l);
      if (!m || timeOf(l) === last) continue;
      const seq = expected.get(Number(m[1])) ?? [];
      seq.push(Number(m[2]));
      expected.set(Number(m[1]), seq);
    }
    expect(expected.size).toBeGreaterThan(0);
    const collapse = (xs: number[]) => xs.filter((x, i) => i === 0 || x !== xs[i - 1]);
    const m = model('system');
    expect(m.cpus.map((c) => c.cpu)).toEqual([...expected.keys()].sort((a, b) => a - b));
    for (const c of m.cpus) {
      const tids = Array.from(c.tid.subarray(0, c.count)).filter((t) => t >= 0);
      expect(collapse(tids), `CPU ${c.cpu}`).toEqual(collapse(expected.get(c.cpu)!));
    }
  });
});
