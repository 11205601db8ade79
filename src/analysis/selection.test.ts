import { describe, expect, it } from 'vitest';
import { modelOfFolder } from '../../scripts/analyze';
import { SyscallFlag, ThreadState, type TraceModel } from '../model/types';
import { buildDemoArchive } from '../synth/demo';
import { referenceRecords, tracePath } from '../fixtures/corpus';
import { smallModel } from '../fixtures/model-fixture';
import { decodeFiles } from '../worker-api/decode-service';
import { unpackInputs } from '../worker-api/unpack-service';
import { CpuUse, detailSyscall, detailUse } from './cpu-use';
import { analyzeSelection, FLAME_KIND_GROUP, type FlameTree, type SelectionAnalysis } from './selection';
import { binOf, logHistogram, percentileSorted } from './stats';

const all = (m: TraceModel, perThread = false): SelectionAnalysis =>
  analyzeSelection(m, { startNs: m.startNs, endNs: m.endNs, threads: null, perThread });

function demoModel(): TraceModel {
  const unpacked = unpackInputs([{ path: 'article.tar.gz', data: buildDemoArchive().archive }]);
  if (!unpacked.ok) throw new Error(unpacked.failure.message);
  const decoded = decodeFiles(unpacked.value);
  if (!decoded.ok) throw new Error(decoded.failure.message);
  return decoded.value.model;
}

/** Labels from the root to node i ("all" excluded). */
function pathOf(f: FlameTree, i: number): string[] {
  const p: string[] = [];
  for (let n = i; n > 0; n = f.parent[n]) p.unshift(f.labels[f.label[n]]);
  return p;
}

describe('stats', () => {
  it('nearest-rank percentiles name a real value', () => {
    const v = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentileSorted(v, 50)).toBe(50);
    expect(percentileSorted(v, 95)).toBe(95);
    expect(percentileSorted(v, 99)).toBe(99);
    expect(percentileSorted(v, 100)).toBe(100);
    expect(percentileSorted(Float64Array.of(7), 99)).toBe(7);
  });

  it('log histogram: every value in one bin, bins equal in log width', () => {
    const d = [1_000, 2_000, 10_000, 100_000, 1_000_000];
    const h = logHistogram(d, 4);
    expect(Array.from(h.counts).reduce((a, b) => a + b, 0)).toBe(5);
    expect(h.edgesNs[0]).toBe(1_000);
    expect(h.edgesNs[4]).toBe(1_000_000);
    expect(h.edgesNs[1] / h.edgesNs[0]).toBeCloseTo(h.edgesNs[4] / h.edgesNs[3], 6);
    expect(binOf(h, 1_000_000)).toBe(3);
    expect(binOf(h, 1_000)).toBe(0);
    expect(Array.from(h.counts)).toEqual([2, 1, 1, 1]);
  });
});

describe('off-CPU split on a model built so that the answer is known', () => {
  it('the fixture: write blocks inside the syscall lane', () => {
    const m = smallModel({ kernel: true });
    const a = all(m);
    expect(a.hasKernel).toBe(true);
    for (const f of a.functions) {
      const split = f.split!;
      // The split covers exactly the function's time in range.
      expect(split.catNs.reduce((x, y) => x + y, 0)).toBeCloseTo(f.totalNs, 3);
    }
  });

  it('read_config: 80% of 40 ms blocked in read, 5 ms in read running, 3 ms user, 0 waiting', () => {
    // read_config [0, 40 ms] on one thread; states: user 0-2, syscall 2-5 (read), blocked 5-37 (read),
    // waitcpu 37-39 (read), syscall 39-40 (read)... read spans 2-40; user 0-2.
    const strings = ['main', 'read_config', 'parse', 'read'];
    const ms = 1e6;
    const slices = {
      count: 3,
      startNs: Float64Array.of(0, 0, 40 * ms),
      endNs: Float64Array.of(50 * ms, 40 * ms, 50 * ms),
      selfNs: Float64Array.of(0, 40 * ms, 10 * ms),
      depth: Uint16Array.of(0, 1, 1),
      kind: Uint8Array.of(0, 0, 0),
      name: Int32Array.of(0, 1, 2),
      addr: Float64Array.of(NaN, NaN, NaN),
      flags: new Uint8Array(3),
    };
    const st: Array<[number, number, ThreadState]> = [
      [0, 2, ThreadState.RunUser],
      [2, 5, ThreadState.RunSyscall],
      [5, 37, ThreadState.WaitBlocked],
      [37, 39, ThreadState.WaitCpu],
      [39, 40, ThreadState.RunSyscall],
      [40, 50, ThreadState.RunUser],
    ];
    const m: TraceModel = {
      originNs: 0n,
      startNs: 0,
      endNs: 50 * ms,
      strings,
      threads: [
        {
          tid: 1,
          pid: 1,
          name: 'python3',
          slices,
          maxDepth: 2,
          eventCount: 10,
          states: {
            count: st.length,
            startNs: Float64Array.from(st, (r) => r[0] * ms),
            endNs: Float64Array.from(st, (r) => r[1] * ms),
            state: Uint8Array.from(st, (r) => r[2]),
            cpu: new Int16Array(st.length),
          },
          syscalls: {
            count: 1,
            startNs: Float64Array.of(2 * ms),
            endNs: Float64Array.of(40 * ms),
            name: Int32Array.of(3),
            ret: Float64Array.of(100),
            flags: new Uint8Array(1),
          },
        },
      ],
      processes: [{ pid: 1, name: 'python3', threads: [0] }],
      losses: [],
      cpus: [],
      hasKernel: true,
      sources: [],
      eventCount: 10,
    };
    const a = all(m);
    const rc = a.functions.find((f) => f.name === 'read_config')!;
    expect(rc.totalNs).toBe(40 * ms);
    const s = rc.split!;
    expect(s.catNs[CpuUse.User]).toBe(2 * ms);
    expect(s.catNs[CpuUse.Syscall]).toBe(4 * ms);
    expect(s.catNs[CpuUse.Blocked]).toBe(32 * ms);
    expect(s.catNs[CpuUse.WaitCpu]).toBe(2 * ms);
    expect(s.catNs[CpuUse.Other]).toBe(0);
    // The largest detail: blocked inside read.
    const [key, ns] = s.details[0];
    expect(detailUse(key)).toBe(CpuUse.Blocked);
    expect(m.strings[detailSyscall(key)]).toBe('read');
    expect(ns / rc.totalNs).toBe(0.8);
    expect(a.syscallNames[detailSyscall(key)]).toBe('read');
    // The flame graph holds the same split on main -> read_config.
    const f = a.flame;
    const node = Array.from({ length: f.count }, (_, i) => i).find(
      (i) => pathOf(f, i).join('>') === 'main>read_config',
    )!;
    expect(f.catNs[node * 6 + CpuUse.Blocked]).toBe(32 * ms);
    expect(f.totalNs[node]).toBe(40 * ms);
    // main: self 0, total 50 ms; parse all user.
    const main = a.functions.find((x) => x.name === 'main')!;
    expect(main.selfNs).toBe(0);
    expect(main.split!.catNs[CpuUse.User]).toBe(12 * ms);

    // A range inside the blocked part: everything there is blocked in read, clipped to the range.
    const part = analyzeSelection(m, { startNs: 10 * ms, endNs: 20 * ms, threads: [0], perThread: false });
    const rc2 = part.functions.find((x) => x.name === 'read_config')!;
    expect(rc2.totalNs).toBe(10 * ms);
    expect(rc2.split!.catNs[CpuUse.Blocked]).toBe(10 * ms);
    // Whole-call durations: the call is still 40 ms long.
    expect(rc2.maxNs).toBe(40 * ms);
    expect(part.functions.find((x) => x.name === 'parse')).toBeUndefined();
    expect(part.states[0].stateNs[ThreadState.WaitBlocked]).toBe(10 * ms);
    expect(part.syscalls[0]).toMatchObject({ name: 'read', count: 1, totalNs: 10 * ms, maxNs: 38 * ms });
  });
});

describe('the article demo', () => {
  const m = demoModel();
  const mainIdx = m.threads.findIndex((t) => t.tid === 4242);

  it('flame graph: foo -> bar -> baz, with the C frames of foo2 under it and print under baz', () => {
    const f = all(m).flame;
    const paths = Array.from({ length: f.count }, (_, i) => pathOf(f, i).join(' > '));
    expect(paths.some((p) => /foo > bar > baz$/.test(p))).toBe(true);
    expect(paths.some((p) => /foo > bar > baz > print$/.test(p))).toBe(true);
    // foo2's instrumented C functions (Cython wrapper and implementation) below the Python frames.
    expect(
      paths.some((p) =>
        /__pyx_pw_4foo2_1foo > __pyx_pf_4foo2_foo > foo > __pyx_pw_4foo2_3bar > __pyx_pf_4foo2_bar > bar > __pyx_pw_4foo2_5baz > __pyx_pf_4foo2_baz > baz > print$/.test(
          p,
        ),
      ),
    ).toBe(true);
    // Every node's total is at least the sum of its children's; the root sums its children.
    for (let i = 0; i < f.count; i++) {
      let kids = 0;
      for (let c = i + 1; c < f.count; c++) if (f.parent[c] === i) kids += f.totalNs[c];
      expect(f.totalNs[i]).toBeGreaterThanOrEqual(kids - 1e-6);
      if (f.kind[i] !== FLAME_KIND_GROUP) expect(f.selfNs[i]).toBeCloseTo(f.totalNs[i] - kids, 3);
    }
  });

  it('per-thread flame graph: one root per thread with calls', () => {
    const f = all(m, true).flame;
    const threadsWithCalls = m.threads.filter((t) => t.slices.count > 0).length;
    const tops = Array.from({ length: f.count }, (_, i) => i).filter((i) => f.parent[i] === 0);
    expect(tops.length).toBe(threadsWithCalls);
    expect(tops.map((i) => f.labels[f.label[i]])).toContain('python3 4242');
  });

  it('sleep blocks: its time is blocked in clock_nanosleep', () => {
    const a = all(m);
    const sleep = a.functions.find((x) => x.name === 'sleep')!;
    const s = sleep.split!;
    const blockedShare = s.catNs[CpuUse.Blocked] / sleep.totalNs;
    expect(blockedShare).toBeGreaterThan(0.9);
    expect(detailUse(s.details[0][0])).toBe(CpuUse.Blocked);
    expect(a.syscallNames[detailSyscall(s.details[0][0])]).toBe('clock_nanosleep');
  });

  it('function call counts match the slice table; go-to-max names the longest call', () => {
    const a = analyzeSelection(m, { startNs: m.startNs, endNs: m.endNs, threads: [mainIdx], perThread: false });
    const s = m.threads[mainIdx].slices;
    const counts = new Map<string, number>();
    for (let i = 0; i < s.count; i++) counts.set(m.strings[s.name[i]], (counts.get(m.strings[s.name[i]]) ?? 0) + 1);
    for (const f of a.functions) {
      expect(f.calls).toBe(counts.get(f.name));
      const t = m.threads[f.max.thread].slices;
      expect(t.endNs[f.max.index] - t.startNs[f.max.index]).toBe(f.maxNs);
    }
    expect(a.functions.reduce((x, f) => x + f.calls, 0)).toBe(s.count);
  });

  it('the range around the write in print: one write row, its duration', () => {
    const sc = m.threads[mainIdx].syscalls!;
    const w = Array.from({ length: sc.count }, (_, i) => i).find((i) => m.strings[sc.name[i]] === 'write')!;
    const a = analyzeSelection(m, {
      startNs: sc.startNs[w] - 100,
      endNs: sc.endNs[w] + 100,
      threads: null,
      perThread: false,
    });
    const row = a.syscalls.find((r) => r.name === 'write')!;
    expect(row.count).toBe(1);
    expect(row.maxNs).toBe(sc.endNs[w] - sc.startNs[w]);
    expect(a.syscallList.count).toBe(a.syscalls.reduce((x, r) => x + r.count, 0));
  });

  it('states: shares of the range add up to the thread time covered', () => {
    const a = all(m);
    const main = a.states.find((s) => s.thread === mainIdx)!;
    const st = m.threads[mainIdx].states!;
    let covered = 0;
    for (let i = 0; i < st.count; i++) covered += st.endNs[i] - st.startNs[i];
    expect(main.stateNs.reduce((x, y) => x + y, 0)).toBeCloseTo(covered, 3);
  });
});

describe('corpus traces against counts from the reference decodings', () => {
  it('tc-many-threads: syscall counts, min and max per name', () => {
    const m = modelOfFolder(tracePath('tc-many-threads'), new Map());
    const a = all(m);
    // Independent pairing: the current thread of each CPU from sched_switch, entry/exit per thread.
    const cur = new Map<number, number>();
    const open = new Map<number, { name: string; t: bigint }>();
    const entries = new Map<string, number>();
    const durs = new Map<string, number[]>();
    for (const r of referenceRecords('tc-many-threads')) {
      if (r.k !== 'event' || r.t === null || r.cpu === null) continue;
      const f = r.fields as Record<string, number>;
      if (r.name === 'sched_switch') cur.set(r.cpu, f.next_tid);
      const tid = cur.get(r.cpu);
      if (tid === undefined) continue;
      if (r.name.startsWith('syscall_entry_')) {
        const name = r.name.slice('syscall_entry_'.length);
        entries.set(name, (entries.get(name) ?? 0) + 1);
        open.set(tid, { name, t: BigInt(r.t) });
      } else if (r.name.startsWith('syscall_exit_')) {
        const o = open.get(tid);
        open.delete(tid);
        if (o && o.name === r.name.slice('syscall_exit_'.length)) {
          const l = durs.get(o.name) ?? [];
          l.push(Number(BigInt(r.t) - o.t));
          durs.set(o.name, l);
        }
      }
    }
    expect(entries.size).toBeGreaterThan(5);
    const list = a.syscallList;
    const withEntry = new Map<string, number>();
    const flagged = new Set<string>();
    for (let i = 0; i < list.count; i++) {
      const name = a.syscalls[list.row[i]].name;
      const flags = m.threads[list.thread[i]].syscalls!.flags[list.index[i]];
      if (!(flags & (SyscallFlag.NoEntry | SyscallFlag.Inherited))) withEntry.set(name, (withEntry.get(name) ?? 0) + 1);
      if (flags !== 0) flagged.add(name);
    }
    expect(Object.fromEntries(withEntry)).toEqual(Object.fromEntries(entries));
    let compared = 0;
    for (const row of a.syscalls) {
      if (flagged.has(row.name)) continue;
      const d = durs.get(row.name)!;
      expect(row.count).toBe(d.length);
      expect(row.minNs).toBe(Math.min(...d));
      expect(row.maxNs).toBe(Math.max(...d));
      compared++;
    }
    expect(compared).toBeGreaterThan(5);
  });

  it('tc-cyg-profile-glxgears-cyg-profile: call counts per function', () => {
    const m = modelOfFolder(tracePath('tc-cyg-profile-glxgears-cyg-profile'), new Map());
    const a = all(m);
    const entries = new Map<number, number>();
    for (const r of referenceRecords('tc-cyg-profile-glxgears-cyg-profile')) {
      if (r.k !== 'event' || !r.name.endsWith(':func_entry')) continue;
      const addr = (r.fields as { addr: number }).addr;
      entries.set(addr, (entries.get(addr) ?? 0) + 1);
    }
    // Without symbols, a C frame is named by its address.
    const byName = new Map(a.functions.map((f) => [f.name, f.calls]));
    let matched = 0;
    for (const [addr, n] of entries) {
      const calls = byName.get(`0x${addr.toString(16)}`);
      expect(calls, `0x${addr.toString(16)}`).toBe(n);
      matched++;
    }
    expect(matched).toBeGreaterThan(10);
    expect(a.functions.every((f) => f.kind === 'C')).toBe(true);
  });
});

describe('distribution', () => {
  it('percentiles by selection equal those of the sorted array', async () => {
    const { distribution } = await import('./stats');
    const { prng } = await import('../base/prng');
    const rand = prng(7);
    for (const n of [1, 2, 3, 10, 99, 100, 1001, 20000]) {
      const v = Float64Array.from({ length: n }, () => Math.floor(rand() * 1000));
      const sorted = v.slice().sort();
      const d = distribution(v.slice());
      expect(d).toEqual({
        minNs: sorted[0],
        meanNs: sorted.reduce((a, b) => a + b, 0) / n,
        medianNs: percentileSorted(sorted, 50),
        p95Ns: percentileSorted(sorted, 95),
        p99Ns: percentileSorted(sorted, 99),
        maxNs: sorted[n - 1],
      });
    }
  });
});
