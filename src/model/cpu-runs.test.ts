/**
 * The per-CPU run table on a real kernel trace, decoded through the app's path and compared with babeltrace2's
 * reference decoding, read here without the model's code.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { modelOfFolder } from '../fixtures/decode-folder';
import { referenceRecords, tracePath, type ReferenceRecord } from '../fixtures/corpus';
import { CpuRunKind, type CpuRunTable, type TraceModel } from './types';

type RefEvent = Extract<ReferenceRecord, { k: 'event' }>;
type Fields = Record<string, number | string>;

/** Runs of equal values collapsed into one (an irq splits a run in two; the same thread ran throughout). */
function collapse(xs: number[]): number[] {
  return xs.filter((x, i) => i === 0 || x !== xs[i - 1]);
}

describe('CPU run table (tc-many-threads, kernel)', () => {
  let model: TraceModel;
  let refs: RefEvent[];
  let origin: bigint;
  beforeAll(() => {
    model = modelOfFolder(tracePath('tc-many-threads'));
    refs = referenceRecords('tc-many-threads').filter((r): r is RefEvent => r.k === 'event');
    origin = model.originNs;
  });
  const table = (cpu: number): CpuRunTable => {
    const t = model.cpus.find((c) => c.cpu === cpu);
    expect(t, `CPU ${cpu} has a run table`).toBeDefined();
    return t!;
  };

  it('gives each CPU the sequence of threads that sched_switch names (next_tid), idle as tid 0', () => {
    const expected = new Map<number, number[]>();
    for (const r of refs) {
      if (r.name !== 'sched_switch') continue;
      const seq = expected.get(r.cpu!) ?? [];
      seq.push((r.fields as Fields).next_tid as number);
      expected.set(r.cpu!, seq);
    }
    expect(expected.size).toBeGreaterThan(1);
    expect(model.cpus.map((c) => c.cpu)).toEqual([...expected.keys()].sort((a, b) => a - b));
    for (const [cpu, seq] of expected) {
      const t = table(cpu);
      const tids = Array.from(t.tid.subarray(0, t.count)).filter((tid) => tid >= 0);
      expect(collapse(tids), `CPU ${cpu}`).toEqual(collapse(seq));
    }
  });

  it('starts a run at each sched_switch and an irq or softirq interval at each handler entry', () => {
    for (const r of refs) {
      const ts = Number(BigInt(r.t!) - origin);
      const t = table(r.cpu!);
      let kind: number;
      if (r.name === 'sched_switch') kind = -1;
      else if (r.name === 'irq_handler_entry') kind = CpuRunKind.Irq;
      else if (r.name === 'softirq_entry') kind = CpuRunKind.Softirq;
      else continue;
      // The interval covering ts (the last one starting at or before it).
      let lo = 0;
      let hi = t.count;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (t.startNs[mid] <= ts) lo = mid + 1;
        else hi = mid;
      }
      const i = lo - 1;
      expect(i, `${r.name} at ${ts} on CPU ${r.cpu}`).toBeGreaterThanOrEqual(0);
      if (kind === -1) {
        const next = (r.fields as Fields).next_tid as number;
        // Unless an irq is running over the switch, the interval there is the next thread's (or idle).
        if (t.kind[i] === CpuRunKind.Run || t.kind[i] === CpuRunKind.Idle) {
          expect(t.tid[i]).toBe(next);
          expect(t.kind[i]).toBe(next === 0 ? CpuRunKind.Idle : CpuRunKind.Run);
        }
      } else if (t.kind[i] !== CpuRunKind.Irq) expect(t.kind[i]).toBe(kind);
    }
  });

  it('points each run at the thread row of its tid, and tiles time without overlaps', () => {
    let runs = 0;
    for (const t of model.cpus) {
      for (let i = 0; i < t.count; i++) {
        expect(t.endNs[i]).toBeGreaterThan(t.startNs[i]);
        if (i > 0) expect(t.startNs[i]).toBeGreaterThanOrEqual(t.endNs[i - 1]);
        if (t.tid[i] > 0) {
          expect(model.threads[t.thread[i]].tid).toBe(t.tid[i]);
          runs++;
        } else expect(t.thread[i]).toBe(-1);
      }
    }
    expect(runs).toBeGreaterThan(100);
  });
});
