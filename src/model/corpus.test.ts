/**
 * The model on real corpus traces (fed from babeltrace2's reference decodings), compared with figures counted
 * here directly from the reference records, in a few lines each, without the model's code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusDir, referenceRecords, type ReferenceRecord } from '../fixtures/corpus';
import { referenceTraceFromRecords } from '../fixtures/reference-events';
import { modelFromEvents } from './packed-events';
import { SliceFlag, SyscallFlag, type TraceModel } from './types';

type RefEvent = Extract<ReferenceRecord, { k: 'event' }>;
type Fields = Record<string, number | string>;

function buildModel(
  records: ReferenceRecord[],
  env?: Record<string, string>,
  symbolFiles?: Map<string, string>,
): TraceModel {
  const ref = referenceTraceFromRecords(records, env);
  return modelFromEvents({ sources: ref.sources, originNs: ref.originNs, symbolFiles }, (b) => {
    for (const e of ref.events) b.addEvent(e);
    for (const l of ref.losses) b.addLoss(l);
  });
}

const events = (records: ReferenceRecord[]): RefEvent[] => records.filter((r): r is RefEvent => r.k === 'event');

describe('tc-many-threads (kernel)', () => {
  let records: RefEvent[];
  let model: TraceModel;
  let origin: bigint;
  beforeAll(() => {
    const all = referenceRecords('tc-many-threads');
    records = events(all);
    origin = BigInt(records[0].t!);
    model = buildModel(all, { kernel_release: '4.4.3-1-ARCH' });
  });

  it('has the syscall counts and durations of each thread', () => {
    // Independent: the CPU's current thread comes from sched_switch; an entry opens, the next exit closes.
    const current = new Map<number, number>();
    const open = new Map<number, { name: string; t: bigint }>();
    const expected = new Map<string, { count: number; min: number; max: number; total: number }>();
    for (const r of records) {
      const f = r.fields as Fields;
      if (r.name === 'sched_switch') current.set(r.cpu!, f.next_tid as number);
      else if (r.name === 'sched_process_fork') open.delete(f.child_tid as number);
      else if (r.name.startsWith('syscall_entry_')) {
        const tid = current.get(r.cpu!);
        if (tid) open.set(tid, { name: r.name.slice('syscall_entry_'.length), t: BigInt(r.t!) });
      } else if (r.name.startsWith('syscall_exit_')) {
        const tid = current.get(r.cpu!);
        const o = tid ? open.get(tid) : undefined;
        if (!tid || !o) continue;
        open.delete(tid);
        const d = Number(BigInt(r.t!) - o.t);
        const key = `${tid} ${o.name}`;
        const s = expected.get(key) ?? { count: 0, min: Infinity, max: -Infinity, total: 0 };
        s.count++;
        s.min = Math.min(s.min, d);
        s.max = Math.max(s.max, d);
        s.total += d;
        expected.set(key, s);
      }
    }
    const got = new Map<string, { count: number; min: number; max: number; total: number }>();
    for (const t of model.threads) {
      const sc = t.syscalls!;
      for (let i = 0; i < sc.count; i++) {
        if (sc.flags[i] !== 0) continue; // unfinished, without entry, or inherited at fork: not entry/exit pairs
        const key = `${t.tid} ${model.strings[sc.name[i]]}`;
        const d = sc.endNs[i] - sc.startNs[i];
        const s = got.get(key) ?? { count: 0, min: Infinity, max: -Infinity, total: 0 };
        s.count++;
        s.min = Math.min(s.min, d);
        s.max = Math.max(s.max, d);
        s.total += d;
        got.set(key, s);
      }
    }
    expect(expected.size).toBeGreaterThan(1000);
    expect(got.size).toBe(expected.size);
    const problems: string[] = [];
    for (const [key, e] of expected) {
      const g = got.get(key);
      if (!g) problems.push(`${key}: missing`);
      else if (g.count !== e.count || g.min !== e.min || g.max !== e.max || Math.abs(g.total - e.total) > 1e-3) {
        problems.push(`${key}: got ${JSON.stringify(g)} want ${JSON.stringify(e)}`);
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('gives each forked child its parent clone, left through its own syscall_exit_clone', () => {
    const forks = records.filter((r) => r.name === 'sched_process_fork').length;
    let inherited = 0;
    for (const t of model.threads) {
      const sc = t.syscalls!;
      for (let i = 0; i < sc.count; i++) if (sc.flags[i] & SyscallFlag.Inherited) inherited++;
    }
    expect(forks).toBe(8003);
    expect(inherited).toBe(forks);
  });

  it('names threads as the kernel last named them', () => {
    // Independent: the last comm seen for each tid in sched_switch / wakeups / fork / exec.
    const last = new Map<number, string>();
    for (const r of records) {
      const f = r.fields as Fields;
      if (r.name === 'sched_switch') {
        last.set(f.prev_tid as number, f.prev_comm as string);
        last.set(f.next_tid as number, f.next_comm as string);
      } else if (r.name === 'sched_waking' || r.name === 'sched_wakeup' || r.name === 'sched_wakeup_new') {
        last.set(f.tid as number, f.comm as string);
      } else if (r.name === 'sched_process_fork') {
        last.set(f.child_tid as number, f.child_comm as string);
      } else if (r.name === 'sched_process_exec') {
        last.set(f.tid as number, (f.filename as string).split('/').pop()!);
      } else if (r.name === 'lttng_statedump_process_state' && !last.has(f.tid as number)) {
        last.set(f.tid as number, f.name as string);
      }
    }
    last.delete(0);
    const lastRow = new Map<number, string>();
    for (const t of model.threads) lastRow.set(t.tid, t.name);
    expect(lastRow.size).toBe(last.size);
    for (const [tid, name] of last) expect(lastRow.get(tid), `tid ${tid}`).toBe(name);
    // swapper/N (tid 0) is no thread row.
    expect(model.threads.some((t) => t.tid === 0)).toBe(false);
  });

  it('covers each thread lifetime with states, without gaps or overlaps', () => {
    const traceEnd = Number(BigInt(records[records.length - 1].t!) - origin);
    // Independent: when each tid was last switched out, and whether it exited.
    const lastOut = new Map<number, number>();
    const exited = new Set<number>();
    for (const r of records) {
      const f = r.fields as Fields;
      if (r.name === 'sched_switch') lastOut.set(f.prev_tid as number, Number(BigInt(r.t!) - origin));
      if (r.name === 'sched_process_exit') exited.add(f.tid as number);
    }
    const lastRowOf = new Map(model.threads.map((t) => [t.tid, t]));
    const problems: string[] = [];
    let checkedExited = 0;
    let checkedAlive = 0;
    for (const t of model.threads) {
      const s = t.states!;
      if (s.count === 0) continue;
      let total = 0;
      for (let i = 0; i < s.count; i++) {
        if (!(s.endNs[i] > s.startNs[i])) problems.push(`tid ${t.tid}: empty interval ${i}`);
        if (i > 0 && s.startNs[i] !== s.endNs[i - 1]) problems.push(`tid ${t.tid}: gap before ${i}`);
        total += s.endNs[i] - s.startNs[i];
      }
      const end = s.endNs[s.count - 1];
      if (Math.abs(total - (end - s.startNs[0])) > 1) problems.push(`tid ${t.tid}: total ${total} != lifetime`);
      if (lastRowOf.get(t.tid) !== t) continue;
      if (exited.has(t.tid)) {
        // A thread that exited ends when it was last switched out (prev_state says dead).
        if (end !== lastOut.get(t.tid)) problems.push(`tid ${t.tid}: exited, ends at ${end} not ${lastOut.get(t.tid)}`);
        checkedExited++;
      } else {
        if (end !== traceEnd) problems.push(`tid ${t.tid}: alive, ends at ${end} not ${traceEnd}`);
        checkedAlive++;
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(checkedExited).toBeGreaterThan(1000);
    expect(checkedAlive).toBeGreaterThan(100);
    expect(model.endNs).toBe(traceEnd);
  });
});

describe.each([
  ['tc-cyg-profile-glxgears-cyg-profile', 2490],
  ['tc-cyg-profile-glxgears-cyg-profile-fast', 2582],
])('%s (cyg-profile)', (name, entryCount) => {
  let records: RefEvent[];
  let model: TraceModel;
  let symbols: Map<number, string>;
  beforeAll(() => {
    const all = referenceRecords(name);
    records = events(all);
    const mapping = readFileSync(join(corpusDir(), 'traces', 'cyg-profile-mapping.txt'), 'utf8');
    model = buildModel(all, undefined, new Map([['cyg-profile-mapping.txt', mapping]]));
    symbols = new Map();
    for (const line of mapping.split('\n')) {
      const [addr, type, sym] = line.trim().split(/\s+/);
      if (sym && /^[tT]$/.test(type)) symbols.set(parseInt(addr, 16), sym);
    }
  });

  it('has one slice per call and the stack depth of the trace', () => {
    // Independent: a depth counter per vtid.
    const depth = new Map<number, number>();
    const maxDepth = new Map<number, number>();
    const calls = new Map<number, number>();
    for (const r of records) {
      const vtid = (r.ctx as Fields).vtid as number;
      const d = depth.get(vtid) ?? 0;
      if (r.name.endsWith(':func_entry')) {
        depth.set(vtid, d + 1);
        maxDepth.set(vtid, Math.max(maxDepth.get(vtid) ?? 0, d + 1));
        calls.set(vtid, (calls.get(vtid) ?? 0) + 1);
      } else if (r.name.endsWith(':func_exit')) {
        depth.set(vtid, Math.max(0, d - 1));
      }
    }
    expect([...calls.values()].reduce((a, b) => a + b, 0)).toBe(entryCount);
    expect(model.threads.length).toBe(calls.size);
    for (const t of model.threads) {
      expect(t.slices.count).toBe(calls.get(t.tid));
      expect(t.maxDepth).toBe(maxDepth.get(t.tid));
      let unfinished = 0;
      for (let i = 0; i < t.slices.count; i++) if (t.slices.flags[i] & SliceFlag.Unfinished) unfinished++;
      expect(unfinished).toBe(depth.get(t.tid));
      expect(t.name).toBe('glxgears');
    }
    expect(model.anomalies!.unmatchedReturns).toBe(0);
  });

  it('names C frames with the nm mapping file and keeps their addresses', () => {
    const entries = records.filter((r) => r.name.endsWith(':func_entry'));
    const t = model.threads[0];
    const s = t.slices;
    const got = Array.from({ length: s.count }, (_, i) => [model.strings[s.name[i]], s.addr[i]]);
    const want = entries.map((r) => {
      const addr = (r.fields as Fields).addr as number;
      return [symbols.get(addr) ?? `0x${addr.toString(16)}`, addr];
    });
    expect(got).toEqual(want);
    expect(new Set(got.map((g) => g[0]))).toContain('draw_frame');
  });

  it('self times add up to the time covered by top-level slices', () => {
    const t = model.threads[0];
    const s = t.slices;
    let self = 0;
    let top = 0;
    for (let i = 0; i < s.count; i++) {
      expect(s.selfNs[i]).toBeGreaterThanOrEqual(0);
      self += s.selfNs[i];
      if (s.depth[i] === 0) top += s.endNs[i] - s.startNs[i];
    }
    expect(self).toBeCloseTo(top, 0);
  });
});
