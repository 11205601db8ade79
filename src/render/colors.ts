/**
 * Colours: call slices by kind (Python cool blues and teals, C warm ambers, Python built-ins pale violets) and by a hash of the name, so
 * one function keeps one colour everywhere; kernel states after Trace Compass's control flow view.
 */
import { CpuRunKind, SliceKind, ThreadState } from '../model/types';

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

const sliceColorCache = new Map<number, string>();

/** Fill colour of a slice named strings[name], cached per (name, kind). */
/** Frames of returns whose call is not in the trace (the model names them "(unknown)"): grey, not a function's colour. */
export const UNKNOWN_FRAME_NAME = '(unknown)';
export const UNKNOWN_FRAME = '#e4e7ec';

export function sliceColor(name: number, kind: number, text: string): string {
  if (text === UNKNOWN_FRAME_NAME) return UNKNOWN_FRAME;
  const key = name * 3 + (kind === SliceKind.C ? 1 : kind === SliceKind.PythonBuiltin ? 2 : 0);
  let c = sliceColorCache.get(key);
  if (c === undefined) {
    const h = hashString(text);
    // A small palette (8 x 3 Python, 6 x 3 C, 4 x 2 built-ins) keeps the number of fill colours, hence draw calls, bounded.
    if (kind === SliceKind.C) {
      c = `hsl(${14 + (h % 6) * 5} ${68 - ((h >>> 8) % 3) * 6}% ${62 + ((h >>> 16) % 3) * 5}%)`;
    } else if (kind === SliceKind.PythonBuiltin) {
      c = `hsl(${268 + (h % 4) * 8} ${42 - ((h >>> 8) % 2) * 6}% ${72 + ((h >>> 16) % 2) * 5}%)`;
    } else {
      c = `hsl(${178 + (h % 8) * 8} ${48 - ((h >>> 8) % 3) * 5}% ${60 + ((h >>> 16) % 3) * 6}%)`;
    }
    sliceColorCache.set(key, c);
  }
  return c;
}

const cpuRunColorCache = new Map<string, string>();

/**
 * A CPU row's run: the hue is the process's (so one process reads as one colour family), the lightness the
 * thread's; idle is pale grey, irqs red, softirqs orange.
 */
export function cpuRunColor(kind: number, pid: number, tid: number): string {
  if (kind === CpuRunKind.Idle) return '#eceef1';
  if (kind === CpuRunKind.Irq) return '#d92d20';
  if (kind === CpuRunKind.Softirq) return '#f79009';
  const key = `${pid} ${tid}`;
  let c = cpuRunColorCache.get(key);
  if (c === undefined) {
    const hp = hashString(String(pid >= 0 ? pid : tid));
    const ht = hashString(String(tid));
    c = `hsl(${(hp % 36) * 10} ${45 + ((hp >>> 8) % 3) * 8}% ${48 + (ht % 4) * 6}%)`;
    cpuRunColorCache.set(key, c);
  }
  return c;
}

export const SLICE_TEXT = '#16202c';
export const DIMMED_SLICE = '#e4e7eb';
export const DIMMED_TEXT = '#9aa3ad';
/** Runs of calls narrower than a pixel each, merged into one bar. */
export const MERGED_CALLS = '#b3bfcc';

const syscallColorCache = new Map<number, string>();
export function syscallColor(name: number, text: string): string {
  let c = syscallColorCache.get(name);
  if (c === undefined) {
    const h = hashString(text);
    c = `hsl(${205 + (h % 40)} ${28 + ((h >>> 8) % 16)}% ${40 + ((h >>> 16) % 10)}%)`;
    syscallColorCache.set(name, c);
  }
  return c;
}

export interface StateStyle {
  state: ThreadState;
  label: string;
  color: string;
}

/** Legend order; colours follow Trace Compass's control flow view. */
export const STATE_STYLES: readonly StateStyle[] = [
  { state: ThreadState.RunUser, label: 'running user', color: '#3a9d46' },
  { state: ThreadState.RunSyscall, label: 'syscall', color: '#2f6bd0' },
  { state: ThreadState.Interrupted, label: 'interrupted', color: '#9a4fc8' },
  { state: ThreadState.WaitCpu, label: 'waiting for CPU', color: '#f08a24' },
  { state: ThreadState.WaitBlocked, label: 'blocked', color: '#e9cf4a' },
  { state: ThreadState.WaitUnknown, label: 'waiting (unknown reason)', color: '#d9c98a' },
  { state: ThreadState.WaitFork, label: 'waiting after fork', color: '#7fb0d8' },
  { state: ThreadState.Unknown, label: 'unknown', color: '#c3c8cf' },
];

const STATE_COLOR: string[] = [];
const STATE_LABEL: string[] = [];
for (const s of STATE_STYLES) {
  STATE_COLOR[s.state] = s.color;
  STATE_LABEL[s.state] = s.label;
}

export function stateColor(state: number): string {
  return STATE_COLOR[state] ?? STATE_COLOR[ThreadState.Unknown];
}

export function stateLabel(state: number): string {
  return STATE_LABEL[state] ?? 'unknown';
}
