/** The selection's figures as text and JSON for `npm run analyze --from/--to/--thread` (same numbers as the panel). */
import type { TraceModel } from '../model/types';
import { THREAD_STATE_NAMES } from '../model/summary';
import { CPU_USE_COUNT, CPU_USE_NAMES, detailSyscall, detailUse } from './cpu-use';
import type { CpuSplit, SelectionAnalysis } from './selection';

/** "3.5ms", "120us", "2s", "1500ns" or a plain number of ns. */
export function parseDurationArg(text: string): number {
  const m = /^(-?[\d.]+(?:e\d+)?)\s*(s|ms|us|µs|ns)?$/.exec(text.trim());
  if (!m) throw new Error(`not a time: ${text} (use e.g. 3.5ms, 120us, 2s or ns)`);
  const unit = { s: 1e9, ms: 1e6, us: 1e3, µs: 1e3, ns: 1 }[(m[2] ?? 'ns') as 'ns'];
  return Number(m[1]) * unit;
}

function ns(v: number): string {
  if (!Number.isFinite(v)) return '-';
  if (Math.abs(v) >= 1e9) return `${(v / 1e9).toFixed(3)} s`;
  if (Math.abs(v) >= 1e6) return `${(v / 1e6).toFixed(3)} ms`;
  if (Math.abs(v) >= 1e3) return `${(v / 1e3).toFixed(3)} us`;
  return `${Math.round(v)} ns`;
}

function splitText(s: CpuSplit, total: number, names: Record<number, string>): string {
  const parts: string[] = [];
  for (let k = 0; k < CPU_USE_COUNT; k++) {
    if (!(s.catNs[k] > 0)) continue;
    const top = s.details.find(([key]) => detailUse(key) === k);
    const inSys = top && top[1] >= s.catNs[k] * 0.5 ? ` in ${names[detailSyscall(top[0])]}` : '';
    parts.push(`${CPU_USE_NAMES[k]} ${((100 * s.catNs[k]) / total).toFixed(1)}%${inSys}`);
  }
  return parts.join(', ');
}

export function formatSelection(m: TraceModel, a: SelectionAnalysis, top: number): string {
  const q = a.query;
  const lines: string[] = [];
  const who = q.threads ? q.threads.map((t) => `tid ${m.threads[t].tid}`).join(', ') : 'all threads';
  lines.push(
    `selection: ${ns(q.startNs - m.startNs)} to ${ns(q.endNs - m.startNs)} after the trace start (${ns(q.endNs - q.startNs)}), ${who}`,
  );
  lines.push(`functions: ${a.functions.length} (by total time; durations are of whole calls)`);
  for (const f of a.functions.slice(0, top)) {
    lines.push(
      `  ${f.kind === 'C' ? 'C ' : f.kind === 'Builtin' ? 'Bi' : 'Py'} ${f.name}${f.where ? ` (${f.where})` : ''}: ${f.calls} calls, total ${ns(f.totalNs)}, self ${ns(f.selfNs)}, min ${ns(f.minNs)}, mean ${ns(f.meanNs)}, median ${ns(f.medianNs)}, p95 ${ns(f.p95Ns)}, p99 ${ns(f.p99Ns)}, max ${ns(f.maxNs)}`,
    );
    if (f.split && f.totalNs > 0) lines.push(`     ${splitText(f.split, f.totalNs, a.syscallNames)}`);
  }
  const sys = a.syscalls.slice().sort((x, y) => y.count - x.count || x.name.localeCompare(y.name));
  lines.push(`syscalls: ${a.syscallList.count}`);
  for (const s of sys.slice(0, top)) {
    lines.push(
      `  ${s.name}: ${s.count}, total ${ns(s.totalNs)}, min ${ns(s.minNs)}, mean ${ns(s.meanNs)}, p95 ${ns(s.p95Ns)}, p99 ${ns(s.p99Ns)}, max ${ns(s.maxNs)}`,
    );
  }
  lines.push(`states:`);
  for (const r of a.states) {
    const parts = r.stateNs
      .map((v, st) => (v > 0 ? `${THREAD_STATE_NAMES[st]} ${ns(v)} (${((100 * v) / r.rangeNs).toFixed(1)}%)` : ''))
      .filter((x) => x);
    lines.push(`  ${r.label}: ${parts.join(', ')}`);
  }
  return lines.join('\n');
}

/** JSON form: the panel's rows (the flame tree and the per-syscall list are left out). */
export function selectionJson(a: SelectionAnalysis): object {
  return {
    query: a.query,
    functions: a.functions,
    syscalls: a.syscalls,
    states: a.states,
    syscallNames: a.syscallNames,
  };
}
