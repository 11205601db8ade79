/**
 * Vertical layout of the timeline: process headers, then for each thread its lanes (`lanes/`): the kernel
 * state strip and the syscall lane (only with a kernel trace) and its flame chart rows.
 *
 *   y ▼  ┌ process  python3 [4242] ▾ ─────────────────────────┐ processHeaderPx
 *        │ thread main 4242 │ state strip  ▇▇▇░░▇▇▇▇          │ stateStripPx
 *        │                  │ syscalls     [write]  [read]    │ syscallLanePx
 *        │                  │ depth 0      [foo.............] │ sliceRowPx x (maxDepth+1)
 *        │                  │ depth 1        [bar......]      │
 *
 * Processes are sorted by total activity, threads inside a process by eventCount (busiest first). With a kernel
 * trace a "CPUs" group comes first: one row per CPU (`lanes/cpu-lane.ts`), collapsible like a process (its
 * collapse key is CPU_GROUP_PID).
 *
 * A trace can have tens of thousands of threads, so the layout is a few typed arrays indexed by row (kind,
 * thread or group, top y); a Row object is made only for the rows a frame or a pointer actually touches.
 */
import { nextTask } from '../base/next-task';
import type { TraceModel } from '../model/types';
import { THREAD_LANES, type ItemKind, type Lane } from './lanes/index';

export interface RowMetrics {
  processHeaderPx: number;
  stateStripPx: number;
  syscallLanePx: number;
  sliceRowPx: number;
  /** Gap under each thread block. */
  threadGapPx: number;
  /** A CPU row (its run strip, without the gap under it). */
  cpuRowPx: number;
}

export const DEFAULT_METRICS: RowMetrics = {
  processHeaderPx: 26,
  stateStripPx: 12,
  syscallLanePx: 18,
  sliceRowPx: 18,
  threadGapPx: 8,
  cpuRowPx: 16,
};

/** Gap under each CPU row. */
const CPU_GAP_PX = 2;

/** The "pid" of the CPUs group in `collapsedPids` (real pids are >= 0, -1 is the group of unlisted threads). */
export const CPU_GROUP_PID = -2;

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
  /** The thread's lanes top to bottom (THREAD_LANES without the absent ones), offsets inside the row. */
  lanes: PlacedLane[];
}

export interface PlacedLane {
  lane: Lane;
  yPx: number;
  heightPx: number;
}

/** Offset of a lane inside a thread row, or -1 when the thread has no such lane. */
export function laneYPx(row: ThreadRow, kind: ItemKind): number {
  for (const l of row.lanes) if (l.lane.kind === kind) return l.yPx;
  return -1;
}

/** One CPU's row: `cpu` indexes `model.cpus`. */
export interface CpuRow {
  kind: 'cpu';
  cpu: number;
  label: string;
  yPx: number;
  heightPx: number;
}

export type Row = ProcessRow | ThreadRow | CpuRow;

export const ROW_PROCESS = 0;
export const ROW_THREAD = 1;
/** The header of the CPUs group (drawn and toggled as a process header). */
export const ROW_CPU_GROUP = 2;
export const ROW_CPU = 3;

export interface RowLayout {
  model: TraceModel;
  /** Number of rows. */
  count: number;
  /** ROW_PROCESS, ROW_THREAD, ROW_CPU_GROUP or ROW_CPU. */
  kind: Uint8Array;
  /** Process rows: index into `groups`; thread rows: index into model.threads; CPU rows: into model.cpus. */
  ref: Int32Array;
  /** Group of every row (its process); -1 for the CPUs group's rows. */
  group: Int32Array;
  /** The CPUs group's header row, or -1 (no kernel CPU runs). */
  cpuGroupRow: number;
  /** Top of each row; topPx[count] is the total height (so row heights are differences). */
  topPx: Float64Array;
  /** Threads of each group that pass the filter. */
  shownThreads: Int32Array;
  /** model.threads index -> its row, or -1 when filtered out or collapsed. */
  rowOfThread: Int32Array;
  /** Group -> its process header row, or -1 when the filter hides all its threads. */
  groupRow: Int32Array;
  groups: ProcessGroups;
  collapsed: ReadonlySet<number>;
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

/**
 * Processes with their threads, busiest first, as flat arrays: group g's threads (model.threads indices,
 * busiest first) are threads[threadStart[g] .. threadStart[g + 1]).
 */
export interface ProcessGroups {
  count: number;
  pid: Float64Array;
  activity: Float64Array;
  threadStart: Int32Array;
  threads: Int32Array;
  /** Process name for groups of listed processes, else the name of the catch-all group. */
  name: readonly string[];
}

const groupCache = new WeakMap<TraceModel, ProcessGroups>();

/**
 * Processes with their threads, including a group for threads no process lists; busiest first. Memoized per
 * model (the layout and the thread list share it). O(threads log threads), no object per thread.
 */
export function processGroups(model: TraceModel): ProcessGroups {
  const cached = groupCache.get(model);
  if (cached) return cached;
  return runToEnd(processGroupSteps(model));
}

/** Iterations between two yields of the resumable steps below (a yield is cheap; a check of the clock is not free). */
const STEP_ITEMS = 512;

/** Runs resumable steps to the end in one go. */
function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** processGroups as resumable steps: it yields every STEP_ITEMS threads or groups, so that it can run across tasks. */
function* processGroupSteps(model: TraceModel): Generator<void, ProcessGroups> {
  const nThreads = model.threads.length;
  const events = new Float64Array(nThreads);
  const tids = new Float64Array(nThreads);
  for (let i = 0; i < nThreads; i++) {
    events[i] = model.threads[i].eventCount;
    tids[i] = model.threads[i].tid;
    if ((i & (STEP_ITEMS - 1)) === 0) yield;
  }
  const byBusiest = (a: number, b: number) => events[b] - events[a] || tids[a] - tids[b];
  // Raw groups in model order: listed processes, then the threads no process lists.
  const listed = new Uint8Array(nThreads);
  const rawStart: number[] = [];
  const rawThreads: number[] = [];
  const rawPid: number[] = [];
  const rawName: string[] = [];
  let pi = 0;
  for (const p of model.processes) {
    if ((++pi & (STEP_ITEMS - 1)) === 0) yield;
    const start = rawThreads.length;
    for (const t of p.threads) {
      if (t >= 0 && t < nThreads && !listed[t]) {
        rawThreads.push(t);
        listed[t] = 1;
      }
    }
    if (rawThreads.length === start) continue;
    rawStart.push(start);
    rawPid.push(p.pid);
    rawName.push(p.pid >= 0 ? `${p.name || 'process'} ${p.pid}` : p.name || 'Unknown process');
  }
  const orphanStart = rawThreads.length;
  let allCpuRows = true;
  for (let i = 0; i < nThreads; i++) {
    if (listed[i]) continue;
    rawThreads.push(i);
    if (model.threads[i].cpuRow === undefined) allCpuRows = false;
  }
  if (rawThreads.length > orphanStart) {
    rawStart.push(orphanStart);
    rawPid.push(-1);
    rawName.push(allCpuRows ? 'CPUs (no thread ids)' : 'Other threads');
  }
  const count = rawStart.length;
  rawStart.push(rawThreads.length);
  const rawActivity = new Float64Array(count);
  for (let g = 0; g < count; g++) {
    if ((g & (STEP_ITEMS - 1)) === 0) yield;
    if (rawStart[g + 1] - rawStart[g] > 1) {
      const sorted = rawThreads.slice(rawStart[g], rawStart[g + 1]).sort(byBusiest);
      for (let k = 0; k < sorted.length; k++) rawThreads[rawStart[g] + k] = sorted[k];
    }
    let a = 0;
    for (let k = rawStart[g]; k < rawStart[g + 1]; k++) a += events[rawThreads[k]];
    rawActivity[g] = a;
  }
  yield;
  const order = Array.from({ length: count }, (_, g) => g).sort(
    (a, b) => rawActivity[b] - rawActivity[a] || rawPid[a] - rawPid[b],
  );
  yield;
  const out: ProcessGroups = {
    count,
    pid: new Float64Array(count),
    activity: new Float64Array(count),
    threadStart: new Int32Array(count + 1),
    threads: new Int32Array(rawThreads.length),
    name: order.map((g) => rawName[g]),
  };
  let k = 0;
  for (let i = 0; i < count; i++) {
    if ((i & (STEP_ITEMS - 1)) === 0) yield;
    const g = order[i];
    out.pid[i] = rawPid[g];
    out.activity[i] = rawActivity[g];
    out.threadStart[i] = k;
    for (let j = rawStart[g]; j < rawStart[g + 1]; j++) out.threads[k++] = rawThreads[j];
  }
  out.threadStart[count] = k;
  groupCache.set(model, out);
  return out;
}

const searchTextCache = new WeakMap<TraceModel, string[]>();

/** Lower-case text the thread filter searches, per thread (its label and its process's), built on first use. */
function threadSearchText(model: TraceModel, groups: ProcessGroups): string[] {
  let text = searchTextCache.get(model);
  if (!text) {
    text = new Array<string>(model.threads.length).fill('');
    for (let g = 0; g < groups.count; g++) {
      const pname = groups.name[g].toLowerCase();
      for (let k = groups.threadStart[g]; k < groups.threadStart[g + 1]; k++) {
        const t = groups.threads[k];
        text[t] = `${threadLabel(model, t).toLowerCase()}\n${pname}`;
      }
    }
    searchTextCache.set(model, text);
  }
  return text;
}

export function threadMatchesFilter(
  model: TraceModel,
  threadIndex: number,
  groupLabel: string,
  filter: string,
): boolean {
  if (filter === '') return true;
  const f = filter.toLowerCase();
  const t = model.threads[threadIndex];
  return (
    threadLabel(model, threadIndex).toLowerCase().includes(f) ||
    String(t.tid) === f ||
    groupLabel.toLowerCase().includes(f)
  );
}

/** A thread's lanes with their offsets, and the height of its block. */
function threadLanes(model: TraceModel, threadIndex: number, m: RowMetrics): { lanes: PlacedLane[]; heightPx: number } {
  const t = model.threads[threadIndex];
  const lanes: PlacedLane[] = [];
  let y = 0;
  for (const lane of THREAD_LANES) {
    const h = lane.heightPx(model, t, m);
    if (h > 0) lanes.push({ lane, yPx: y, heightPx: h });
    y += h;
  }
  return { lanes, heightPx: y + m.threadGapPx };
}

/** Height of a thread's block (the layout's hot loop: no object). */
function threadHeightPx(model: TraceModel, threadIndex: number, m: RowMetrics): number {
  const t = model.threads[threadIndex];
  let y = m.threadGapPx;
  for (let i = 0; i < THREAD_LANES.length; i++) y += THREAD_LANES[i].heightPx(model, t, m);
  return y;
}

/** O(threads) with typed arrays only: cheap enough to rebuild on every collapse or filter keystroke. */
export function buildRowLayout(model: TraceModel, opts: RowLayoutOptions): RowLayout {
  return runToEnd(rowLayoutSteps(model, opts));
}

/** buildRowLayout as resumable steps (and processGroups first when it is not made yet). */
function* rowLayoutSteps(model: TraceModel, opts: RowLayoutOptions): Generator<void, RowLayout> {
  const m = opts.metrics ?? DEFAULT_METRICS;
  const collapsed = new Set(opts.collapsedPids);
  let groups = groupCache.get(model);
  if (!groups) {
    groups = yield* processGroupSteps(model);
    groupCache.set(model, groups);
  }
  const filter = opts.threadFilter.trim();
  const nThreads = model.threads.length;
  const nCpus = model.cpus.length;
  const cap = groups.count + nThreads + (nCpus > 0 ? nCpus + 1 : 0);
  const kind = new Uint8Array(cap);
  const ref = new Int32Array(cap);
  const group = new Int32Array(cap);
  const topPx = new Float64Array(cap + 1);
  const shownThreads = new Int32Array(groups.count);
  const rowOfThread = new Int32Array(nThreads).fill(-1);
  const groupRow = new Int32Array(groups.count).fill(-1);
  let n = 0;
  let y = 0;
  const search = filter === '' ? null : threadSearchText(model, groups);
  const f = filter.toLowerCase();
  const matches = (ti: number) => search![ti].includes(f) || String(model.threads[ti].tid) === f;
  // The CPUs first (hidden by a thread filter, which names threads).
  let cpuGroupRow = -1;
  if (nCpus > 0 && !search) {
    cpuGroupRow = n;
    kind[n] = ROW_CPU_GROUP;
    ref[n] = -1;
    group[n] = -1;
    topPx[n] = y;
    n++;
    y += m.processHeaderPx;
    if (!collapsed.has(CPU_GROUP_PID)) {
      for (let c = 0; c < nCpus; c++) {
        kind[n] = ROW_CPU;
        ref[n] = c;
        group[n] = -1;
        topPx[n] = y;
        n++;
        y += m.cpuRowPx + CPU_GAP_PX;
      }
    }
  }
  for (let g = 0; g < groups.count; g++) {
    if ((g & (STEP_ITEMS - 1)) === 0) yield;
    const t0 = groups.threadStart[g];
    const t1 = groups.threadStart[g + 1];
    let shown = t1 - t0;
    if (search) {
      shown = 0;
      for (let k = t0; k < t1; k++) if (matches(groups.threads[k])) shown++;
    }
    shownThreads[g] = shown;
    if (shown === 0) continue;
    kind[n] = ROW_PROCESS;
    groupRow[g] = n;
    ref[n] = g;
    group[n] = g;
    topPx[n] = y;
    n++;
    y += m.processHeaderPx;
    if (collapsed.has(groups.pid[g])) continue;
    for (let k = t0; k < t1; k++) {
      const ti = groups.threads[k];
      if (search && !matches(ti)) continue;
      kind[n] = ROW_THREAD;
      ref[n] = ti;
      group[n] = g;
      topPx[n] = y;
      rowOfThread[ti] = n;
      n++;
      y += threadHeightPx(model, ti, m);
    }
  }
  topPx[n] = y;
  return {
    model,
    count: n,
    kind: kind.subarray(0, n),
    ref: ref.subarray(0, n),
    group: group.subarray(0, n),
    topPx: topPx.subarray(0, n + 1),
    shownThreads,
    rowOfThread,
    groupRow,
    cpuGroupRow,
    groups,
    collapsed,
    totalHeightPx: y,
    metrics: m,
  };
}

/** The Row object of row `r` (made on demand: only for the rows a frame or a pointer touches). */
export function rowOf(layout: RowLayout, r: number): Row {
  const yPx = layout.topPx[r];
  const heightPx = layout.topPx[r + 1] - yPx;
  const g = layout.group[r];
  const k = layout.kind[r];
  if (k === ROW_CPU_GROUP) {
    return {
      kind: 'process',
      pid: CPU_GROUP_PID,
      label: 'CPUs',
      threadCount: layout.model.cpus.length,
      collapsed: layout.collapsed.has(CPU_GROUP_PID),
      yPx,
      heightPx,
    };
  }
  if (k === ROW_CPU) {
    const cpu = layout.ref[r];
    return { kind: 'cpu', cpu, label: `CPU ${layout.model.cpus[cpu].cpu}`, yPx, heightPx };
  }
  const pid = layout.groups.pid[g];
  if (k === ROW_PROCESS) {
    return {
      kind: 'process',
      pid,
      label: layout.groups.name[g],
      threadCount: layout.shownThreads[g],
      collapsed: layout.collapsed.has(pid),
      yPx,
      heightPx,
    };
  }
  const ti = layout.ref[r];
  return {
    kind: 'thread',
    threadIndex: ti,
    pid,
    label: threadLabel(layout.model, ti),
    yPx,
    heightPx,
    lanes: threadLanes(layout.model, ti, layout.metrics).lanes,
  };
}

/** The row of a thread, or null when it is filtered out or its process is collapsed. */
export function threadRowOf(layout: RowLayout, threadIndex: number): ThreadRow | null {
  const r = threadIndex >= 0 && threadIndex < layout.rowOfThread.length ? layout.rowOfThread[threadIndex] : -1;
  return r < 0 ? null : (rowOf(layout, r) as ThreadRow);
}

/** Every row as an object: for tests and small traces only (O(rows) allocations). */
export function allRows(layout: RowLayout): Row[] {
  const out: Row[] = [];
  for (let r = 0; r < layout.count; r++) out.push(rowOf(layout, r));
  return out;
}

/** Indices [first, last) of the rows that intersect [topPx, topPx + heightPx): two binary searches. */
export function visibleRows(layout: RowLayout, topPx: number, heightPx: number): [number, number] {
  const top = layout.topPx;
  const n = layout.count;
  // First row whose bottom (top of the next) is below topPx.
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (top[mid + 1] <= topPx) lo = mid + 1;
    else hi = mid;
  }
  // First row starting at or below the window's bottom.
  const bottom = topPx + heightPx;
  let a = lo;
  let b = n;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (top[mid] < bottom) a = mid + 1;
    else b = mid;
  }
  return [lo, a];
}

/** The row containing content y (topPx-independent), or -1. */
export function rowAt(layout: RowLayout, yPx: number): number {
  const [first, last] = visibleRows(layout, yPx, 1);
  return first < last ? first : -1;
}

/** The process header row of row `r`'s process (r itself for a header; the CPUs header for CPU rows). */
export function processRowOf(layout: RowLayout, r: number): number {
  const g = layout.group[r];
  return g < 0 ? layout.cpuGroupRow : layout.groupRow[g];
}

/** The collapse key of a header row: its pid, or CPU_GROUP_PID. */
function headerPid(layout: RowLayout, r: number): number {
  return layout.kind[r] === ROW_CPU_GROUP ? CPU_GROUP_PID : layout.groups.pid[layout.ref[r]];
}

/**
 * What a click in the label gutter at canvas y names: a process (its header, or the header pinned at the top
 * over a scrolled process) or a thread (its label), or null.
 */
export function gutterItemAt(
  layout: RowLayout,
  scrollTopPx: number,
  viewHeightPx: number,
  yCanvasPx: number,
): { kind: 'process'; pid: number } | { kind: 'thread'; thread: number } | null {
  const [first, last] = visibleRows(layout, scrollTopPx, viewHeightPx);
  const isHeader = (r: number) => layout.kind[r] === ROW_PROCESS || layout.kind[r] === ROW_CPU_GROUP;
  if (
    first < last &&
    !isHeader(first) &&
    layout.topPx[first] < scrollTopPx &&
    yCanvasPx < layout.metrics.processHeaderPx
  ) {
    return { kind: 'process', pid: headerPid(layout, processRowOf(layout, first)) };
  }
  const r = rowAt(layout, yCanvasPx + scrollTopPx);
  if (r < 0 || layout.kind[r] === ROW_CPU) return null;
  return isHeader(r) ? { kind: 'process', pid: headerPid(layout, r) } : { kind: 'thread', thread: layout.ref[r] };
}

const lastLayout = new WeakMap<TraceModel, { collapsed: readonly number[]; filter: string; layout: RowLayout }>();

/** Same arguments by value: a view restored from a link has equal but new arrays. */
function sameArgs(
  last: { collapsed: readonly number[]; filter: string },
  collapsed: readonly number[],
  filter: string,
): boolean {
  if (last.filter !== filter || last.collapsed.length !== collapsed.length) return false;
  for (let i = 0; i < collapsed.length; i++) if (last.collapsed[i] !== collapsed[i]) return false;
  return true;
}

/**
 * buildRowLayout memoized on its last arguments per model (the canvas and the accessible thread list ask for
 * the same layout after each collapse or filter change).
 */
export function rowLayoutFor(model: TraceModel, collapsedPids: readonly number[], threadFilter: string): RowLayout {
  const last = lastLayout.get(model);
  if (last && sameArgs(last, collapsedPids, threadFilter)) return last.layout;
  const layout = buildRowLayout(model, { collapsedPids, threadFilter });
  lastLayout.set(model, { collapsed: collapsedPids, filter: threadFilter, layout });
  return layout;
}

/**
 * Makes the layout rowLayoutFor will return for these arguments in tasks of about `sliceMs` each (a trace with
 * tens of thousands of threads takes tens of ms), so that the timeline's first frame finds it ready. Resolves
 * false when cancelled.
 */
export function prepareRowLayout(
  model: TraceModel,
  collapsedPids: readonly number[],
  threadFilter: string,
  opts: { sliceMs: number; isCancelled: () => boolean },
): Promise<boolean> {
  const last = lastLayout.get(model);
  if (last && sameArgs(last, collapsedPids, threadFilter)) return Promise.resolve(true);
  const steps = rowLayoutSteps(model, { collapsedPids, threadFilter });
  const run = async (): Promise<boolean> => {
    for (;;) {
      if (opts.isCancelled()) return false;
      const deadline = performance.now() + opts.sliceMs;
      for (;;) {
        const r = steps.next();
        if (r.done) {
          lastLayout.set(model, { collapsed: collapsedPids, filter: threadFilter, layout: r.value });
          return true;
        }
        if (performance.now() >= deadline) break;
      }
      await nextTask();
    }
  };
  return run();
}
