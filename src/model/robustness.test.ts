/**
 * The builder never crashes and keeps its tables consistent on arbitrary event sequences: random mixes of
 * calls, returns, kernel events and losses, with missing or ill-typed fields.
 */
import { describe, expect, it } from 'vitest';
import type { FieldStruct, FieldValue, TraceEvent } from '../ctf/event';
import { modelFromEvents } from './packed-events';
import type { TraceModel } from './types';

const NAMES = [
  'python:call',
  'python:c_call',
  'python:return',
  'python:c_return',
  'lttng_ust_cyg_profile:func_entry',
  'lttng_ust_cyg_profile:func_exit',
  'lttng_ust_cyg_profile_fast:func_entry',
  'lttng_ust_cyg_profile_fast:func_exit',
  'lttng_ust_statedump:start',
  'lttng_ust_statedump:bin_info',
  'lttng_ust_dl:dlopen',
  'lttng_ust_dl:dlclose',
  'sched_switch',
  'sched_waking',
  'sched_wakeup_new',
  'sched_process_fork',
  'sched_process_exec',
  'sched_process_free',
  'lttng_statedump_process_state',
  'syscall_entry_read',
  'syscall_exit_read',
  'sys_write',
  'exit_syscall',
  'irq_handler_entry',
  'irq_handler_exit',
  'irq_softirq_entry',
  'irq_softirq_exit',
  'something_else',
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomValue(r: () => number): FieldValue {
  const x = r();
  if (x < 0.5) return Math.floor(r() * 8);
  if (x < 0.6) return 0x400000 + Math.floor(r() * 64) * 16;
  if (x < 0.7) return BigInt(0x7f0000000000) + BigInt(Math.floor(r() * 100));
  if (x < 0.8) return 'text';
  if (x < 0.85) return null;
  if (x < 0.9) return { enum: Math.floor(r() * 3), labels: ['X'] };
  if (x < 0.95) return -1;
  return 0x100;
}

const KEYS = [
  'tid',
  'prev_tid',
  'next_tid',
  'prev_state',
  'child_tid',
  'parent_tid',
  'child_pid',
  'addr',
  'baddr',
  'memsz',
  'co_name',
  'status',
  'pid',
  'ret',
  'target_cpu',
  'is_pic',
  'path',
];

function randomEvents(seed: number, n: number, jitter = false): TraceEvent[] {
  const r = rng(seed);
  const out: TraceEvent[] = [];
  let ts = 0;
  for (let i = 0; i < n; i++) {
    ts += Math.floor(r() * 3); // many equal timestamps
    const evTs = jitter && r() < 0.05 ? ts - Math.floor(r() * 20) : ts; // out of order: a merge gone wrong
    const name = NAMES[Math.floor(r() * NAMES.length)];
    const fields: FieldStruct = {};
    for (const k of KEYS) if (r() < 0.5) fields[k] = randomValue(r);
    const ctx: FieldStruct | null =
      r() < 0.7 ? { vtid: 1 + Math.floor(r() * 4), vpid: 1 } : r() < 0.5 ? { procname: 'p' } : null;
    out.push({
      name,
      tsNs: r() < 0.01 ? NaN : evTs,
      cpu: r() < 0.1 ? null : r() < 0.02 ? 1e9 : Math.floor(r() * 3),
      ctx,
      ectx: null,
      fields: r() < 0.05 ? null : fields,
      trace: name.includes(':') ? 1 : 0,
      stream: 0,
    });
  }
  return out;
}

function checkTables(m: TraceModel): string[] {
  const problems: string[] = [];
  for (const t of m.threads) {
    const s = t.slices;
    for (let i = 0; i < s.count; i++) {
      if (!(s.endNs[i] >= s.startNs[i])) problems.push(`${t.tid}: slice ${i} ends before it starts`);
      if (s.selfNs[i] < -1e-6 || s.selfNs[i] > s.endNs[i] - s.startNs[i] + 1e-6)
        problems.push(`${t.tid}: slice ${i} self ${s.selfNs[i]}`);
      if (s.depth[i] >= t.maxDepth) problems.push(`${t.tid}: slice ${i} depth ${s.depth[i]} >= maxDepth ${t.maxDepth}`);
      if (s.name[i] < 0 || s.name[i] >= m.strings.length) problems.push(`${t.tid}: slice ${i} name`);
      if (
        i > 0 &&
        (s.startNs[i] < s.startNs[i - 1] || (s.startNs[i] === s.startNs[i - 1] && s.depth[i] < s.depth[i - 1]))
      ) {
        problems.push(`${t.tid}: slice ${i} out of order`);
      }
    }
    const st = t.states;
    if (st) {
      for (let i = 0; i < st.count; i++) {
        if (!(st.endNs[i] > st.startNs[i])) problems.push(`${t.tid}: state ${i} empty`);
        if (i > 0 && st.startNs[i] < st.endNs[i - 1]) problems.push(`${t.tid}: state ${i} overlaps`);
      }
    }
    const sc = t.syscalls;
    if (sc)
      for (let i = 0; i < sc.count; i++) if (!(sc.endNs[i] >= sc.startNs[i])) problems.push(`${t.tid}: syscall ${i}`);
  }
  return problems;
}

describe('robustness', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'builds consistent tables from random events, out of order from seed 5 (seed %i)',
    (seed) => {
      const events = randomEvents(seed, 4000, seed > 4);
      const r = rng(seed + 100);
      const opts = {
        sources: [
          { name: 'kernel', domain: 'kernel' as const },
          { name: 'ust', domain: 'ust' as const },
        ],
        originNs: 0n,
        symbolFiles: new Map([['app.nm', '0000000000400000 T main\n0000000000400100 t f\nbroken line\n']]),
      };
      const m = modelFromEvents(opts, (b) => {
        for (const e of events) {
          if (r() < 0.01) {
            b.addLoss({
              kind: 'discarded-events',
              count: 3,
              beginNs: e.tsNs - 1,
              endNs: e.tsNs + (r() < 0.5 ? 0 : 5),
              trace: 1,
              stream: 0,
              cpu: r() < 0.5 ? null : 1,
            });
          }
          b.addEvent(e);
        }
      });
      expect(m.eventCount).toBe(4000);
      expect(m.threads.length).toBeGreaterThan(0);
      expect(m.threads.reduce((n, t) => n + t.slices.count, 0)).toBeGreaterThan(0);
      expect(m.threads.reduce((n, t) => n + (t.states?.count ?? 0), 0)).toBeGreaterThan(0);
      expect(m.threads.reduce((n, t) => n + (t.syscalls?.count ?? 0), 0)).toBeGreaterThan(0);
      const a = m.anomalies!;
      expect(a.unmatchedReturns + a.mismatchedReturns + a.ignoredCReturns).toBeGreaterThan(0);
      expect(checkTables(m).slice(0, 10)).toEqual([]);
    },
  );
});
