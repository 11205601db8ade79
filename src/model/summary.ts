/** Per-thread summary of a model (what `npm run analyze` prints). */
import { ThreadState, type ThreadModel, type TraceModel } from './types';

export const THREAD_STATE_NAMES: Record<number, string> = {
  [ThreadState.Unknown]: 'Unknown',
  [ThreadState.WaitBlocked]: 'WaitBlocked',
  [ThreadState.RunUser]: 'RunUser',
  [ThreadState.RunSyscall]: 'RunSyscall',
  [ThreadState.Interrupted]: 'Interrupted',
  [ThreadState.WaitCpu]: 'WaitCpu',
  [ThreadState.WaitUnknown]: 'WaitUnknown',
  [ThreadState.WaitFork]: 'WaitFork',
};

export interface FunctionSummary {
  name: string;
  count: number;
  selfNs: number;
}

export interface SyscallSummary {
  name: string;
  count: number;
  minNs: number;
  meanNs: number;
  maxNs: number;
}

export interface ThreadSummary {
  tid: number;
  pid: number;
  name: string;
  cpuRow?: number;
  events: number;
  callSlices: number;
  maxDepth: number;
  flaggedSlices: number;
  topFunctions: FunctionSummary[];
  syscalls: SyscallSummary[];
  /** Total ns per state name. */
  states: Record<string, number>;
}

export interface ModelSummary {
  startNs: number;
  endNs: number;
  durationNs: number;
  events: number;
  sources: { name: string; domain: string; events: number }[];
  losses: { kind: string; count: number; beginNs: number; endNs: number; cpu: number | null; trace: string }[];
  anomalies: TraceModel['anomalies'];
  threads: ThreadSummary[];
}

export function summarizeThread(m: TraceModel, t: ThreadModel, topN = 5): ThreadSummary {
  const s = t.slices;
  const fn = new Map<number, FunctionSummary>();
  let flagged = 0;
  for (let i = 0; i < s.count; i++) {
    if (s.flags[i] !== 0) flagged++;
    let f = fn.get(s.name[i]);
    if (!f) {
      f = { name: m.strings[s.name[i]], count: 0, selfNs: 0 };
      fn.set(s.name[i], f);
    }
    f.count++;
    f.selfNs += s.selfNs[i];
  }
  const topFunctions = [...fn.values()]
    .sort((a, b) => b.selfNs - a.selfNs || a.name.localeCompare(b.name))
    .slice(0, topN);

  const sys = new Map<number, SyscallSummary & { totalNs: number }>();
  const sc = t.syscalls;
  if (sc) {
    for (let i = 0; i < sc.count; i++) {
      const d = sc.endNs[i] - sc.startNs[i];
      let e = sys.get(sc.name[i]);
      if (!e) {
        e = { name: m.strings[sc.name[i]], count: 0, minNs: Infinity, meanNs: 0, maxNs: -Infinity, totalNs: 0 };
        sys.set(sc.name[i], e);
      }
      e.count++;
      e.totalNs += d;
      if (d < e.minNs) e.minNs = d;
      if (d > e.maxNs) e.maxNs = d;
    }
  }
  const syscalls = [...sys.values()]
    .map(({ totalNs, ...e }) => ({ ...e, meanNs: totalNs / e.count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));

  const states: Record<string, number> = {};
  const st = t.states;
  if (st) {
    for (let i = 0; i < st.count; i++) {
      const k = THREAD_STATE_NAMES[st.state[i]] ?? String(st.state[i]);
      states[k] = (states[k] ?? 0) + (st.endNs[i] - st.startNs[i]);
    }
  }
  const out: ThreadSummary = {
    tid: t.tid,
    pid: t.pid,
    name: t.name,
    events: t.eventCount,
    callSlices: s.count,
    maxDepth: t.maxDepth,
    flaggedSlices: flagged,
    topFunctions,
    syscalls,
    states,
  };
  if (t.cpuRow !== undefined) out.cpuRow = t.cpuRow;
  return out;
}

export function summarizeModel(m: TraceModel, topN = 5): ModelSummary {
  return {
    startNs: m.startNs,
    endNs: m.endNs,
    durationNs: m.endNs - m.startNs,
    events: m.eventCount,
    sources: m.sources.map((s) => ({ name: s.name, domain: s.domain, events: s.eventCount })),
    losses: m.losses.map((l) => ({ ...l })),
    anomalies: m.anomalies,
    threads: m.threads.map((t) => summarizeThread(m, t, topN)),
  };
}

function fmtNs(ns: number): string {
  if (!Number.isFinite(ns)) return '-';
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(3)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(3)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(3)} us`;
  return `${Math.round(ns)} ns`;
}

/** Human-readable text of a summary. Threads with nothing to show (no slices, syscalls or states) are counted only. */
export function formatSummary(s: ModelSummary): string {
  const lines: string[] = [];
  lines.push(`events: ${s.events}, duration: ${fmtNs(s.durationNs)}`);
  for (const src of s.sources) lines.push(`trace ${src.name || '(root)'} [${src.domain}]: ${src.events} events`);
  if (s.losses.length > 0) {
    const total = s.losses.reduce((a, l) => a + l.count, 0);
    lines.push(`losses: ${s.losses.length} records, ${total} lost`);
    for (const l of s.losses.slice(0, 20)) {
      lines.push(
        `  ${l.kind} x${l.count} on ${l.trace || '(root)'} cpu ${l.cpu ?? '?'} in [${fmtNs(l.beginNs)}, ${fmtNs(l.endNs)}]`,
      );
    }
  }
  const a = s.anomalies;
  if (a) {
    lines.push(
      `anomalies: unmatched returns ${a.unmatchedReturns}, ignored c_returns ${a.ignoredCReturns}, mismatched ${a.mismatchedReturns}, unattributed kernel events ${a.unattributedKernelEvents}`,
    );
  }
  lines.push(`threads: ${s.threads.length}`);
  for (const t of s.threads) {
    const label = t.cpuRow !== undefined ? `${t.name} (no thread context)` : `tid ${t.tid} pid ${t.pid} ${t.name}`;
    lines.push('');
    lines.push(`${label}: ${t.events} events`);
    if (t.callSlices > 0) {
      lines.push(`  call slices: ${t.callSlices}, max depth: ${t.maxDepth}, flagged: ${t.flaggedSlices}`);
      for (const f of t.topFunctions) lines.push(`    ${f.name}: self ${fmtNs(f.selfNs)} in ${f.count} calls`);
    }
    if (t.syscalls.length > 0) {
      lines.push(`  syscalls: ${t.syscalls.reduce((n, x) => n + x.count, 0)}`);
      for (const c of t.syscalls) {
        lines.push(`    ${c.name}: ${c.count} min ${fmtNs(c.minNs)} mean ${fmtNs(c.meanNs)} max ${fmtNs(c.maxNs)}`);
      }
    }
    const st = Object.entries(t.states);
    if (st.length > 0) lines.push(`  states: ${st.map(([k, v]) => `${k} ${fmtNs(v)}`).join(', ')}`);
  }
  return lines.join('\n');
}
