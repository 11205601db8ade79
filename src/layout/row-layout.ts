/**
 * Vertical layout of the timeline: process headers, then for each thread its kernel state strip, its syscall
 * lane (only with a kernel trace) and its flame chart rows.
 *
 *   y ▼  ┌ process  python3 [4242] ▾ ─────────────────────────┐ processHeaderPx
 *        │ thread main 4242 │ state strip  ▇▇▇░░▇▇▇▇          │ stateStripPx
 *        │                  │ syscalls     [write]  [read]    │ syscallLanePx
 *        │                  │ depth 0      [foo.............] │ sliceRowPx x (maxDepth+1)
 *        │                  │ depth 1        [bar......]      │
 *
 * Processes are sorted by total activity, threads inside a process by eventCount (busiest first).
 */
import type { TraceModel } from '../model/types';

export interface RowMetrics {
  processHeaderPx: number;
  stateStripPx: number;
  syscallLanePx: number;
  sliceRowPx: number;
  /** Gap under each thread block. */
  threadGapPx: number;
}

export const DEFAULT_METRICS: RowMetrics = {
  processHeaderPx: 26,
  stateStripPx: 12,
  syscallLanePx: 18,
  sliceRowPx: 18,
  threadGapPx: 8,
};

export interface ProcessRow {
  kind: 'process';
  pid: number;
  label: string;
  /** Threads of the process that pass the filter (even when collapsed). */
  threadCount: number;
  collapsed: boolean;
  yPx: number;
  heightPx: number;
}

export interface ThreadRow {
  kind: 'thread';
  threadIndex: number;
  pid: number;
  label: string;
  yPx: number;
  heightPx: number;
  /** Offsets inside the row; -1 when the lane is absent (no kernel trace). */
  statesYPx: number;
  syscallsYPx: number;
  slicesYPx: number;
  /** Number of flame chart rows (maxDepth + 1, at least 1). */
  depthCount: number;
}

export type Row = ProcessRow | ThreadRow;

export interface RowLayout {
  rows: Row[];
  totalHeightPx: number;
  metrics: RowMetrics;
}

export interface RowLayoutOptions {
  collapsedPids: readonly number[];
  /** Case-insensitive substring of the thread name, its tid, or its process name; '' keeps all. */
  threadFilter: string;
  metrics?: RowMetrics;
}

export function threadLabel(model: TraceModel, threadIndex: number): string {
  const t = model.threads[threadIndex];
  if (t.cpuRow !== undefined) return `CPU ${t.cpuRow}`;
  return `${t.name || 'thread'} ${t.tid}`;
}

interface Group {
  pid: number;
  label: string;
  threads: number[];
  activity: number;
}

/** Processes with their threads, including a group for threads no process lists. */
export function processGroups(model: TraceModel): Group[] {
  const listed = new Set<number>();
  const groups: Group[] = [];
  for (const p of model.processes) {
    const threads = p.threads.filter((t) => t >= 0 && t < model.threads.length);
    threads.forEach((t) => listed.add(t));
    groups.push({ pid: p.pid, label: p.pid >= 0 ? `${p.name || 'process'} ${p.pid}` : p.name || 'Unknown process', threads, activity: 0 });
  }
  const orphans = model.threads.map((_, i) => i).filter((i) => !listed.has(i));
  if (orphans.length > 0) {
    const cpuRows = orphans.every((i) => model.threads[i].cpuRow !== undefined);
    groups.push({ pid: -1, label: cpuRows ? 'CPUs (no thread ids)' : 'Other threads', threads: orphans, activity: 0 });
  }
  for (const g of groups) {
    g.threads.sort((a, b) => model.threads[b].eventCount - model.threads[a].eventCount || model.threads[a].tid - model.threads[b].tid);
    g.activity = g.threads.reduce((sum, t) => sum + model.threads[t].eventCount, 0);
  }
  groups.sort((a, b) => b.activity - a.activity || a.pid - b.pid);
  return groups.filter((g) => g.threads.length > 0);
}

export function threadMatchesFilter(model: TraceModel, threadIndex: number, groupLabel: string, filter: string): boolean {
  if (filter === '') return true;
  const f = filter.toLowerCase();
  const t = model.threads[threadIndex];
  return (
    threadLabel(model, threadIndex).toLowerCase().includes(f) ||
    String(t.tid) === f ||
    groupLabel.toLowerCase().includes(f)
  );
}

export function buildRowLayout(model: TraceModel, opts: RowLayoutOptions): RowLayout {
  const m = opts.metrics ?? DEFAULT_METRICS;
  const collapsed = new Set(opts.collapsedPids);
  const rows: Row[] = [];
  let y = 0;
  for (const g of processGroups(model)) {
    const threads = g.threads.filter((t) => threadMatchesFilter(model, t, g.label, opts.threadFilter.trim()));
    if (threads.length === 0) continue;
    const isCollapsed = collapsed.has(g.pid);
    rows.push({ kind: 'process', pid: g.pid, label: g.label, threadCount: threads.length, collapsed: isCollapsed, yPx: y, heightPx: m.processHeaderPx });
    y += m.processHeaderPx;
    if (isCollapsed) continue;
    for (const ti of threads) {
      const t = model.threads[ti];
      const kernel = model.hasKernel && t.cpuRow === undefined;
      let off = 0;
      const statesYPx = kernel ? off : -1;
      if (kernel) off += m.stateStripPx + 2;
      const syscallsYPx = kernel ? off : -1;
      if (kernel) off += m.syscallLanePx + 2;
      const depthCount = Math.max(1, t.slices.count > 0 ? t.maxDepth + 1 : 1);
      const slicesYPx = off;
      off += depthCount * m.sliceRowPx + m.threadGapPx;
      rows.push({
        kind: 'thread',
        threadIndex: ti,
        pid: g.pid,
        label: threadLabel(model, ti),
        yPx: y,
        heightPx: off,
        statesYPx,
        syscallsYPx,
        slicesYPx,
        depthCount,
      });
      y += off;
    }
  }
  return { rows, totalHeightPx: y, metrics: m };
}

/** Indices [first, last) of the rows that intersect [topPx, topPx + heightPx). */
export function visibleRows(layout: RowLayout, topPx: number, heightPx: number): [number, number] {
  const rows = layout.rows;
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid].yPx + rows[mid].heightPx <= topPx) lo = mid + 1;
    else hi = mid;
  }
  let last = lo;
  while (last < rows.length && rows[last].yPx < topPx + heightPx) last++;
  return [lo, last];
}

/** The row containing content y (topPx-independent), or -1. */
export function rowAt(layout: RowLayout, yPx: number): number {
  const [first, last] = visibleRows(layout, yPx, 1);
  return first < last ? first : -1;
}
