/**
 * The model as reviewable text, for the golden dumps (`golden/models/*.txt`, `npm run golden -- --update`): per
 * thread its identity, its call stacks folded speedscope-style (`a;b;c calls self-ns`), its syscalls and its
 * state totals. Only what the model holds, in a canonical order (threads by tid, stacks by path), with exact ns:
 * a refactor that keeps the model keeps the text byte for byte, and a change to the model shows as a diff.
 */
import { summarizeModel, THREAD_STATE_NAMES } from './summary';
import type { ThreadModel, TraceModel } from './types';

/** Folded call stacks of one thread: path -> [calls, self ns, flagged calls], paths sorted. */
function foldedStacks(model: TraceModel, t: ThreadModel): string[] {
  const s = t.slices;
  const stack: string[] = [];
  const byPath = new Map<string, [number, number, number]>();
  // Slices are sorted by start, ties by depth: a slice's ancestors are the last ones seen at lower depths.
  for (let i = 0; i < s.count; i++) {
    const d = s.depth[i];
    stack.length = d;
    stack.push(model.strings[s.name[i]]);
    const path = stack.join(';');
    let e = byPath.get(path);
    if (!e) byPath.set(path, (e = [0, 0, 0]));
    e[0]++;
    e[1] += s.selfNs[i];
    if (s.flags[i] !== 0) e[2]++;
  }
  return [...byPath]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([path, [calls, selfNs, flagged]]) => `${path} ${calls} ${selfNs}${flagged > 0 ? ` flagged ${flagged}` : ''}`);
}

function threadOrder(a: ThreadModel, b: ThreadModel): number {
  return (
    a.tid - b.tid ||
    (a.cpuRow ?? -1) - (b.cpuRow ?? -1) ||
    a.pid - b.pid ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  );
}

export function modelText(model: TraceModel): string {
  const sum = summarizeModel(model, 0);
  const lines: string[] = [];
  lines.push(`events ${sum.events}, start ${sum.startNs}, end ${sum.endNs}, kernel ${model.hasKernel}`);
  for (const src of sum.sources) lines.push(`source ${src.name || '(root)'} [${src.domain}] ${src.events} events`);
  // By time, then by text: the order the decoder met them in (stream by stream) is not part of the model.
  const losses = sum.losses
    .map((l) => ({
      beginNs: l.beginNs,
      text: `loss ${l.kind} x${l.count} ${l.trace || '(root)'} cpu ${l.cpu ?? '-'} [${l.beginNs}, ${l.endNs}]`,
    }))
    .sort((x, y) => x.beginNs - y.beginNs || (x.text < y.text ? -1 : x.text > y.text ? 1 : 0));
  for (const l of losses) lines.push(l.text);
  const a = sum.anomalies;
  if (a)
    lines.push(
      `anomalies ${Object.entries(a)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
  const procs = [...model.processes].sort((x, y) => x.pid - y.pid);
  for (const p of procs) {
    const tids = p.threads.map((ti) => model.threads[ti]?.tid ?? -1).sort((x, y) => x - y);
    lines.push(`process ${p.pid} ${JSON.stringify(p.name)} threads ${tids.join(' ')}`);
  }
  const threads = [...model.threads].sort(threadOrder);
  for (const t of threads) {
    lines.push('');
    const who = t.cpuRow !== undefined ? `cpu-row ${t.cpuRow}` : `tid ${t.tid} pid ${t.pid}`;
    lines.push(
      `thread ${who} ${JSON.stringify(t.name)}: ${t.eventCount} events, ${t.slices.count} slices, max depth ${t.maxDepth}`,
    );
    for (const f of foldedStacks(model, t)) lines.push(`  stack ${f}`);
    const sc = t.syscalls;
    if (sc) {
      const byName = new Map<string, [number, number, number]>();
      for (let i = 0; i < sc.count; i++) {
        const name = model.strings[sc.name[i]];
        let e = byName.get(name);
        if (!e) byName.set(name, (e = [0, 0, 0]));
        e[0]++;
        e[1] += sc.endNs[i] - sc.startNs[i];
        if (sc.flags[i] !== 0) e[2]++;
      }
      for (const [name, [n, totalNs, flagged]] of [...byName].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
        lines.push(`  syscall ${name} ${n} total ${totalNs}${flagged > 0 ? ` flagged ${flagged}` : ''}`);
      }
    }
    const st = t.states;
    if (st) {
      const totals = new Map<string, [number, number]>();
      for (let i = 0; i < st.count; i++) {
        const k = THREAD_STATE_NAMES[st.state[i]] ?? String(st.state[i]);
        const e = totals.get(k) ?? [0, 0];
        e[0]++;
        e[1] += st.endNs[i] - st.startNs[i];
        totals.set(k, e);
      }
      for (const [k, [n, ns]] of [...totals].sort((x, y) => (x[0] < y[0] ? -1 : 1)))
        lines.push(`  state ${k} ${n} total ${ns}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
