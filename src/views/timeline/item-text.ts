/** Text describing selected or hovered items, shared by the details panel and the tooltip. */
import { formatDateTime, formatDuration, formatOffset } from '../../layout/time-format';
import { SliceFlag, SliceKind, SyscallFlag, type TraceModel } from '../../model/types';
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

function threadText(model: TraceModel, thread: number): string {
  const t = model.threads[thread];
  if (t.cpuRow !== undefined) return `CPU ${t.cpuRow}`;
  return `${t.name || 'thread'} ${t.tid}${t.pid >= 0 && t.pid !== t.tid ? ` (pid ${t.pid})` : ''}`;
}

function startText(model: TraceModel, ns: number): string {
  return `${formatOffset(ns - model.startNs)} · ${formatDateTime(model.originNs, ns)}`;
}

function sliceFlagsText(flags: number): string {
  const out: string[] = [];
  if (flags & SliceFlag.Unfinished) out.push('unfinished at trace end');
  if (flags & SliceFlag.Mismatched) out.push('closed by a mismatched return');
  if (flags & SliceFlag.BrokenByLoss) out.push('events lost inside');
  if (flags & SliceFlag.UnmatchedReturn) out.push('entry not in trace');
  return out.join(', ');
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
      { key: 'kind', label: 'Kind', value: isC ? 'C function' : 'Python function' },
      { key: 'thread', label: 'Thread', value: threadText(model, ref.thread) },
      { key: 'start', label: 'Start', value: startText(model, s.startNs[i]) },
      { key: 'duration', label: 'Duration', value: formatDuration(s.endNs[i] - s.startNs[i]) },
      { key: 'self', label: 'Self time', value: formatDuration(s.selfNs[i]) },
      { key: 'depth', label: 'Depth', value: String(s.depth[i]) },
    ];
    if (isC && Number.isFinite(s.addr[i])) fields.push({ key: 'address', label: 'Address', value: `0x${s.addr[i].toString(16)}` });
    const flags = sliceFlagsText(s.flags[i]);
    if (flags) fields.push({ key: 'flags', label: 'Note', value: flags });
    return { title: model.strings[s.name[i]], kindLabel: isC ? 'C' : 'Python', startNs: s.startNs[i], endNs: s.endNs[i], fields };
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
    if (s.flags[i] & SyscallFlag.Unfinished) fields.push({ key: 'flags', label: 'Note', value: 'no exit before trace end' });
    if (s.flags[i] & SyscallFlag.NoEntry) fields.push({ key: 'flags', label: 'Note', value: 'entered before the trace started' });
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
