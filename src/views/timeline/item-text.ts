/** Text describing selected or hovered items, shared by the details panel and the tooltip. */
import { formatDateTime, formatDuration, formatSinceStart } from '../../layout/time-format';
import {
  SliceFlag,
  SliceKind,
  SyscallFlag,
  type SymbolFrame,
  type SymbolInfo,
  type TraceModel,
} from '../../model/types';
import { stateLabel } from '../../render/colors';
import type { ItemRef } from '../../store/view-store';

export interface ItemField {
  key: string;
  label: string;
  value: string;
}

export interface ItemDescription {
  title: string;
  kindLabel: string;
  startNs: number;
  endNs: number;
  fields: ItemField[];
}

/** What a per-CPU row is, said on the row (gutter) and in its details. */
export const CPU_ROW_NOTE =
  'a row per CPU: these user-space events have no vtid and no kernel trace says which thread ran, so the events of several threads may be mixed here';

function threadText(model: TraceModel, thread: number): string {
  const t = model.threads[thread];
  if (t.cpuRow !== undefined) return `CPU ${t.cpuRow}`;
  return `${t.name || 'thread'} ${t.tid}${t.pid >= 0 && t.pid !== t.tid ? ` (pid ${t.pid})` : ''}`;
}

function startText(model: TraceModel, ns: number): string {
  return `${formatSinceStart(model, ns)} · ${formatDateTime(model.originNs, ns)}`;
}

function sliceFlagsText(flags: number): string {
  const out: string[] = [];
  if (flags & SliceFlag.Unfinished) out.push('unfinished at trace end');
  if (flags & SliceFlag.Mismatched) out.push('closed by a mismatched return');
  if (flags & SliceFlag.BrokenByLoss) out.push('events lost inside');
  if (flags & SliceFlag.UnmatchedReturn) out.push('entry not in trace');
  return out.join(', ');
}

const framesByLabel = new WeakMap<SymbolInfo, Map<number, SymbolFrame>>();

/** The offset-named frame record behind a C frame's name, if its name came from a binary's mapping. */
function symbolFrameOf(model: TraceModel, nameIdx: number): SymbolFrame | undefined {
  const info = model.symbols;
  if (!info) return undefined;
  let map = framesByLabel.get(info);
  if (!map) {
    map = new Map(info.frames.map((f) => [f.label, f]));
    framesByLabel.set(info, map);
  }
  return map.get(nameIdx);
}

function fileLine(file: string, line: number): string {
  return `${file.slice(file.lastIndexOf('/') + 1)}:${line > 0 ? line : '?'}`;
}

/** Source, inlined chain and binary of a C frame: `cfoo.c:42`, `helper (cfoo.c:2) ← inl (cfoo.c:4) ← cfoo`. */
function cFrameFields(model: TraceModel, nameIdx: number): ItemField[] {
  const frame = symbolFrameOf(model, nameIdx);
  if (!frame) return [];
  const fields: ItemField[] = [];
  const src = frame.source;
  if (src && src.length > 0) {
    const outer = src[src.length - 1];
    if (outer.file !== '??') fields.push({ key: 'source', label: 'Source', value: fileLine(outer.file, outer.line) });
    if (src.length > 1)
      fields.push({
        key: 'inlined',
        label: 'Inlined',
        value: src.map((f) => `${f.fn || '??'} (${fileLine(f.file, f.line)})`).join(' ← '),
      });
  }
  const bin = model.symbols!.binaries[frame.binary];
  fields.push({ key: 'binary', label: 'Binary', value: `${bin.path} +0x${frame.offset.toString(16)}` });
  if (bin.resolution?.problem && !src) fields.push({ key: 'symbols', label: 'Symbols', value: bin.resolution.problem });
  return fields;
}

const pySourceByName = new WeakMap<
  NonNullable<TraceModel['pythonSources']>,
  Map<number, { file: string; line: number; conflicting?: boolean }>
>();

/** Module of a Python file: `pkg/mod.py` -> `mod`, `pkg/__init__.py` -> `pkg`; '' when it is not a .py file. */
export function pythonModule(file: string): string {
  const parts = file.split(/[\\/]/);
  const base = parts[parts.length - 1];
  if (!base.endsWith('.py')) return '';
  const stem = base.slice(0, -3);
  return stem === '__init__' ? (parts[parts.length - 2] ?? '') : stem;
}

/** Definition file:line and the module-qualified name of a Python frame, when the trace recorded them. */
function pythonFields(model: TraceModel, nameIdx: number): ItemField[] {
  const list = model.pythonSources;
  if (!list) return [];
  let map = pySourceByName.get(list);
  if (!map) {
    map = new Map(list.map((s) => [s.name, s]));
    pySourceByName.set(list, map);
  }
  const src = map.get(nameIdx);
  if (!src) return [];
  const fields: ItemField[] = [
    {
      key: 'source',
      label: 'Source',
      value: `${fileLine(src.file, src.line)}${src.conflicting ? ' (and other files)' : ''}`,
    },
  ];
  const module = pythonModule(src.file);
  if (module && !src.conflicting)
    fields.push({ key: 'qualified', label: 'Qualified', value: `${module}.${model.strings[nameIdx]}` });
  return fields;
}

export function describeItem(model: TraceModel, ref: ItemRef): ItemDescription | null {
  const t = model.threads[ref.thread];
  if (!t) return null;
  if (ref.kind === 'slice') {
    const s = t.slices;
    if (ref.index >= s.count) return null;
    const i = ref.index;
    const isC = s.kind[i] === SliceKind.C;
    const fields: ItemField[] = [
      { key: 'name', label: 'Name', value: model.strings[s.name[i]] },
      {
        key: 'kind',
        label: 'Kind',
        value: isC ? 'C function' : s.kind[i] === SliceKind.PythonBuiltin ? 'Python built-in' : 'Python function',
      },
      { key: 'thread', label: 'Thread', value: threadText(model, ref.thread) },
      { key: 'start', label: 'Start', value: startText(model, s.startNs[i]) },
      { key: 'duration', label: 'Duration', value: formatDuration(s.endNs[i] - s.startNs[i]) },
      { key: 'self', label: 'Self time', value: formatDuration(s.selfNs[i]) },
      { key: 'depth', label: 'Depth', value: String(s.depth[i]) },
    ];
    if (isC && Number.isFinite(s.addr[i]))
      fields.push({ key: 'address', label: 'Address', value: `0x${s.addr[i].toString(16)}` });
    if (isC) fields.push(...cFrameFields(model, s.name[i]));
    else if (s.kind[i] === SliceKind.Python) fields.push(...pythonFields(model, s.name[i]));
    const flags = sliceFlagsText(s.flags[i]);
    if (flags) fields.push({ key: 'flags', label: 'Note', value: flags });
    return {
      title: model.strings[s.name[i]],
      kindLabel: isC ? 'C' : s.kind[i] === SliceKind.PythonBuiltin ? 'built-in' : 'Python',
      startNs: s.startNs[i],
      endNs: s.endNs[i],
      fields,
    };
  }
  if (ref.kind === 'syscall') {
    const s = t.syscalls;
    if (!s || ref.index >= s.count) return null;
    const i = ref.index;
    const ret = s.ret[i];
    const fields: ItemField[] = [
      { key: 'name', label: 'Syscall', value: model.strings[s.name[i]] },
      { key: 'thread', label: 'Thread', value: threadText(model, ref.thread) },
      { key: 'start', label: 'Start', value: startText(model, s.startNs[i]) },
      { key: 'duration', label: 'Duration', value: formatDuration(s.endNs[i] - s.startNs[i]) },
      { key: 'return', label: 'Return value', value: Number.isNaN(ret) ? 'unknown' : String(ret) },
    ];
    if (s.flags[i] & SyscallFlag.Unfinished)
      fields.push({ key: 'flags', label: 'Note', value: 'no exit before trace end' });
    if (s.flags[i] & SyscallFlag.NoEntry)
      fields.push({ key: 'flags', label: 'Note', value: 'entered before the trace started' });
    return { title: model.strings[s.name[i]], kindLabel: 'syscall', startNs: s.startNs[i], endNs: s.endNs[i], fields };
  }
  const s = t.states;
  if (!s || ref.index >= s.count) return null;
  const i = ref.index;
  const label = stateLabel(s.state[i]);
  return {
    title: label.charAt(0).toUpperCase() + label.slice(1),
    kindLabel: 'thread state',
    startNs: s.startNs[i],
    endNs: s.endNs[i],
    fields: [
      { key: 'state', label: 'State', value: stateLabel(s.state[i]) },
      { key: 'thread', label: 'Thread', value: threadText(model, ref.thread) },
      { key: 'start', label: 'Start', value: startText(model, s.startNs[i]) },
      { key: 'duration', label: 'Duration', value: formatDuration(s.endNs[i] - s.startNs[i]) },
      { key: 'cpu', label: 'CPU', value: s.cpu[i] >= 0 ? String(s.cpu[i]) : 'none' },
    ],
  };
}

/** Per-thread totals that need a pass over its tables: computed once per thread, on first display. */
interface ThreadTotals {
  deepest: number;
  /** Time in each state (index: ThreadState). */
  stateNs: number[];
}
const threadTotals = new WeakMap<object, ThreadTotals>();

function totalsOf(t: TraceModel['threads'][number]): ThreadTotals {
  let totals = threadTotals.get(t);
  if (!totals) {
    let deepest = -1;
    const s = t.slices;
    for (let i = 0; i < s.count; i++) if (s.depth[i] > deepest) deepest = s.depth[i];
    const stateNs: number[] = [];
    const st = t.states;
    if (st)
      for (let i = 0; i < st.count; i++)
        stateNs[st.state[i]] = (stateNs[st.state[i]] ?? 0) + st.endNs[i] - st.startNs[i];
    totals = { deepest, stateNs };
    threadTotals.set(t, totals);
  }
  return totals;
}

/** A thread selected on its own: who it is and what it did (states only with a kernel trace). */
export function describeThread(model: TraceModel, thread: number): ItemDescription | null {
  const t = model.threads[thread];
  if (!t) return null;
  const totals = totalsOf(t);
  const fields: ItemField[] = [];
  if (t.cpuRow !== undefined) {
    fields.push(
      { key: 'cpu', label: 'CPU', value: String(t.cpuRow) },
      { key: 'note', label: 'Note', value: CPU_ROW_NOTE },
    );
  } else {
    const process = t.pid >= 0 ? model.processes.find((p) => p.pid === t.pid) : undefined;
    fields.push(
      { key: 'name', label: 'Name', value: t.name || 'unknown' },
      { key: 'tid', label: 'TID', value: String(t.tid) },
      { key: 'pid', label: 'PID', value: t.pid >= 0 ? String(t.pid) : 'unknown' },
      { key: 'process', label: 'Process', value: process ? `${process.name || 'unknown'} ${process.pid}` : 'unknown' },
    );
  }
  fields.push(
    { key: 'calls', label: 'Call slices', value: t.slices.count.toLocaleString('en-US') },
    { key: 'max-depth', label: 'Max depth', value: totals.deepest >= 0 ? String(totals.deepest) : 'none' },
  );
  if (t.syscalls) fields.push({ key: 'syscalls', label: 'Syscalls', value: t.syscalls.count.toLocaleString('en-US') });
  if (t.states) {
    const all = totals.stateNs.reduce((a, b) => a + (b ?? 0), 0);
    totals.stateNs.forEach((ns, state) => {
      if (!ns) return;
      const pct = all > 0 ? ` (${((ns / all) * 100).toFixed(1)}%)` : '';
      fields.push({
        key: `state-${state}`,
        label: stateLabel(state).replace(/^./, (c) => c.toUpperCase()),
        value: `${formatDuration(ns)}${pct}`,
      });
    });
  }
  return { title: threadText(model, thread), kindLabel: 'thread', startNs: model.startNs, endNs: model.endNs, fields };
}
