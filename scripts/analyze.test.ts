/**
 * The analyze CLI, run as a user runs it (a child process: our decoder, then the model), compared with figures
 * counted directly from the corpus reference decodings.
 */
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { referenceRecords, tracePath, type ReferenceRecord } from '../src/fixtures/corpus';
import type { ModelSummary } from '../src/model/summary';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
type RefEvent = Extract<ReferenceRecord, { k: 'event' }>;
type Fields = Record<string, number | string>;

function runAnalyze(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/analyze.ts', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function analyzeJson(args: string[]): ModelSummary {
  const r = runAnalyze([...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as ModelSummary;
}

const events = (name: string): RefEvent[] => referenceRecords(name).filter((r): r is RefEvent => r.k === 'event');

describe('npm run analyze', () => {
  it('counts the syscalls of every thread of tc-many-threads', () => {
    const summary = analyzeJson([tracePath('tc-many-threads')]);
    // Independent: entries go to the CPU's current thread (sched_switch); an exit with nothing open counts once;
    // a child forked during its parent's syscall also leaves that syscall.
    const current = new Map<number, number>();
    const open = new Map<number, string>();
    const want = new Map<string, number>();
    const add = (tid: number, name: string): void =>
      void want.set(`${tid} ${name}`, (want.get(`${tid} ${name}`) ?? 0) + 1);
    for (const r of events('tc-many-threads')) {
      const f = r.fields as Fields;
      const tid = current.get(r.cpu!) ?? 0;
      if (r.name === 'sched_switch') current.set(r.cpu!, f.next_tid as number);
      else if (r.name === 'sched_process_fork') {
        const parentOpen = open.get(f.parent_tid as number);
        open.delete(f.child_tid as number);
        if (parentOpen) {
          open.set(f.child_tid as number, parentOpen);
          add(f.child_tid as number, parentOpen);
        }
      } else if (r.name.startsWith('syscall_entry_') && tid > 0) {
        open.set(tid, r.name.slice('syscall_entry_'.length));
        add(tid, r.name.slice('syscall_entry_'.length));
      } else if (r.name.startsWith('syscall_exit_') && tid > 0) {
        if (!open.has(tid)) add(tid, r.name.slice('syscall_exit_'.length));
        open.delete(tid);
      }
    }
    const got = new Map<string, number>();
    for (const t of summary.threads)
      for (const s of t.syscalls) got.set(`${t.tid} ${s.name}`, (got.get(`${t.tid} ${s.name}`) ?? 0) + s.count);
    expect(got.size).toBeGreaterThan(1000);
    expect(Object.fromEntries([...got].sort())).toEqual(Object.fromEntries([...want].sort()));
    expect(summary.events).toBe(240644);
    // Kernel 4.4: old prev_state encoding, so threads do wait for the CPU.
    const consumerd = summary.threads.find((t) => t.name === 'lttng-consumerd' && t.syscalls.length > 0)!;
    expect(consumerd.states.WaitCpu).toBeGreaterThan(0);
    for (const s of consumerd.syscalls) expect(s.minNs <= s.meanNs && s.meanNs <= s.maxNs).toBe(true);
  });

  it('counts call slices and depth of tc-cyg-profile-glxgears-cyg-profile, named with the mapping file', () => {
    const summary = analyzeJson([
      tracePath('tc-cyg-profile-glxgears-cyg-profile'),
      '--symbols',
      resolve(tracePath('tc-cyg-profile-glxgears-cyg-profile'), '..', 'cyg-profile-mapping.txt'),
    ]);
    let depth = 0;
    let maxDepth = 0;
    let entries = 0;
    for (const r of events('tc-cyg-profile-glxgears-cyg-profile')) {
      if (r.name.endsWith(':func_entry')) {
        entries++;
        maxDepth = Math.max(maxDepth, ++depth);
      } else if (r.name.endsWith(':func_exit')) depth = Math.max(0, depth - 1);
    }
    expect(summary.threads).toHaveLength(1);
    const t = summary.threads[0];
    expect([t.name, t.callSlices, t.maxDepth]).toEqual(['glxgears', entries, maxDepth]);
    // The unfinished frames at the trace end are the flagged ones.
    expect(t.flaggedSlices).toBe(depth);
    expect(t.topFunctions.map((f) => f.name)).toContain('draw_frame');
  });

  it('prints a readable summary, and says what is wrong with a bad path or trace', () => {
    const text = runAnalyze([tracePath('tc-cyg-profile-glxgears-cyg-profile-fast')]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/tid 29822 pid -?\d+ glxgears: 5161 events/);
    expect(text.stdout).toMatch(/call slices: 2582, max depth: 5/);

    const missing = runAnalyze(['no/such/trace']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^analyze: /);

    const bad = runAnalyze([tracePath('bt-fail-metadata-syntax-error')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/metadata/i);

    const usage = runAnalyze([]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/usage/);
  });
});

describe('npm run analyze --from/--to/--thread: the analysis panel figures', () => {
  it('tc-many-threads: per-name syscall counts of a range equal those paired from the reference decoding', () => {
    const all = events('tc-many-threads').filter((e) => e.t !== null);
    const t0 = BigInt(all[0].t!);
    const span = Number(BigInt(all[all.length - 1].t!) - t0);
    const from = Math.round(span * 0.1);
    const to = Math.round(span * 0.2);
    const r = runAnalyze([tracePath('tc-many-threads'), '--from', `${from}`, '--to', `${to}`, '--json']);
    expect(r.stderr).toBe('');
    const sel = JSON.parse(r.stdout) as {
      query: { startNs: number; endNs: number };
      syscalls: Array<{ name: string; count: number }>;
    };
    expect(sel.query.endNs - sel.query.startNs).toBe(to - from);
    // Independent pairing: each CPU's current thread from sched_switch, entry and exit per thread; a syscall
    // counts when it overlaps [from, to). Names with an unpaired entry or exit anywhere are left out.
    const cur = new Map<number, number>();
    const open = new Map<number, { name: string; t: number }>();
    const inRange = new Map<string, number>();
    const unpaired = new Set<string>();
    for (const e of all) {
      if (e.cpu === null) continue;
      const t = Number(BigInt(e.t!) - t0);
      if (e.name === 'sched_switch') cur.set(e.cpu, (e.fields as Fields).next_tid as number);
      const tid = cur.get(e.cpu);
      if (tid === undefined) continue;
      if (e.name.startsWith('syscall_entry_')) {
        const prev = open.get(tid);
        if (prev) unpaired.add(prev.name);
        open.set(tid, { name: e.name.slice('syscall_entry_'.length), t });
      } else if (e.name.startsWith('syscall_exit_')) {
        const name = e.name.slice('syscall_exit_'.length);
        const o = open.get(tid);
        open.delete(tid);
        if (!o || o.name !== name) {
          unpaired.add(name);
          continue;
        }
        if (o.t < to && t > from) inRange.set(name, (inRange.get(name) ?? 0) + 1);
      }
    }
    for (const o of open.values()) unpaired.add(o.name);
    let compared = 0;
    for (const [name, n] of inRange) {
      if (unpaired.has(name)) continue;
      expect(sel.syscalls.find((s) => s.name === name)?.count, name).toBe(n);
      compared++;
    }
    expect(compared).toBeGreaterThan(5);
  });

  it('rejects a malformed time and an unknown thread', () => {
    expect(runAnalyze([tracePath('tc-many-threads'), '--from', 'soon']).status).toBe(2);
    const r = runAnalyze([tracePath('tc-many-threads'), '--thread', '999999999']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no thread with tid 999999999');
  });
});
