/**
 * The analysis panel's figures for one selection (a time range and a set of threads), in one pass over the
 * model's column tables: per-function aggregates, the call-path tree of the flame graph, the off-CPU split of
 * both, syscall statistics with each syscall's time and duration, and per-thread state totals. The same
 * function serves the worker behind the panel and `npm run analyze --from/--to/--thread`.
 *
 * Conventions, per item that overlaps the range:
 * - durations (min, mean, percentiles, max) are of whole calls / syscalls, so a listed maximum is a real call;
 * - total, self, state and split times are the parts inside the range;
 * - a function's total counts only its outermost calls (a recursive call's time is not counted twice).
 */
import { SliceKind, type TraceModel } from '../model/types';
import { CPU_USE_COUNT, refineThreadTime, SplitScratch, type RefinedIntervals } from './cpu-use';
import { distribution, type Distribution } from './stats';
import { functionWhere } from './where';

export interface AnalysisQuery {
  startNs: number;
  endNs: number;
  /** Indices into model.threads; null = every thread. */
  threads: number[] | null;
  /** Flame graph: one root per thread instead of all threads merged. */
  perThread: boolean;
}

/** A call or syscall on the timeline: model.threads[thread]'s table row `index`. */
export interface ItemAt {
  thread: number;
  index: number;
}

/** Off-CPU split: ns per CpuUse category, and ns per detail key (category inside a named syscall). */
export interface CpuSplit {
  catNs: number[];
  /** [detailKey, ns], largest first. */
  details: Array<[number, number]>;
}

export interface FunctionRow extends Distribution {
  name: string;
  /** Python code, compiled C (cyg-profile), or a Python built-in (`python:c_call`). */
  kind: 'Python' | 'C' | 'Builtin';
  /** Definition file:line of Python code, binary of C; '' when unknown or ambiguous (see where.ts). */
  where: string;
  calls: number;
  totalNs: number;
  selfNs: number;
  min: ItemAt;
  max: ItemAt;
  /** Of the outermost calls' time in range; null without kernel states for the threads. */
  split: CpuSplit | null;
}

/**
 * The selection's calls merged by call path. Node 0 is the root (all threads, or nothing in per-thread mode
 * where its children are the threads). Nodes are in pre-order, children sorted by total time (heaviest first),
 * so `xNs` (start within the root's width) and `depth` lay out an icicle directly.
 */
export interface FlameTree {
  count: number;
  parent: Int32Array;
  depth: Uint16Array;
  /** Label: index into `labels` (function name, or the thread's label for per-thread roots). */
  label: Int32Array;
  labels: string[];
  /** SliceKind of the frame; 255 for the root and thread nodes. */
  kind: Uint8Array;
  calls: Float64Array;
  totalNs: Float64Array;
  selfNs: Float64Array;
  xNs: Float64Array;
  /** CPU_USE_COUNT ns per node (zeros without kernel states). */
  catNs: Float64Array;
  /** Syscall detail per node: parallel arrays of (node, detailKey, ns); a (node, key) pair may repeat (sum them). */
  detailNode: Int32Array;
  detailKey: Int32Array;
  detailNs: Float64Array;
}

export interface SyscallRow extends Distribution {
  name: string;
  count: number;
  totalNs: number;
  min: ItemAt;
  max: ItemAt;
}

/** Every syscall of the selection, for the histogram and scatter: one column per field. */
export interface SyscallList {
  count: number;
  thread: Int32Array;
  index: Int32Array;
  /** Row of `syscalls` (by name). */
  row: Int32Array;
  startNs: Float64Array;
  durationNs: Float64Array;
}

export interface StateRow {
  thread: number;
  label: string;
  /** ns per ThreadState value inside the range. */
  stateNs: number[];
  /** Range length (the denominator of the shares). */
  rangeNs: number;
}

export interface SelectionAnalysis {
  query: AnalysisQuery;
  hasKernel: boolean;
  /** Strings of the model (syscall names of detail keys). */
  functions: FunctionRow[];
  flame: FlameTree;
  syscalls: SyscallRow[];
  syscallList: SyscallList;
  states: StateRow[];
  /** Names of syscalls in detail keys: IndexIntoStrings -> name (only those used). */
  syscallNames: Record<number, string>;
}

export const FLAME_KIND_GROUP = 255;
/** SliceKind values (Python, C, PythonBuiltin): the function key space is kind * nStrings + name. */
const SLICE_KIND_COUNT = 3;

/** An item is in the range if it overlaps it, or, for an instant (zero-length) item, lies within it. */
export function overlaps(startNs: number, endNs: number, a: number, b: number): boolean {
  return endNs > startNs ? startNs < b && endNs > a : startNs >= a && startNs <= b;
}

export function threadLabel(m: TraceModel, thread: number): string {
  const t = m.threads[thread];
  return t.cpuRow !== undefined ? `${t.name} (cpu ${t.cpuRow})` : `${t.name} ${t.tid}`;
}

class F64 {
  a = new Float64Array(256);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

class I32 {
  a = new Int32Array(256);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

function toSplit(
  catNs: Float64Array,
  entity: number,
  detail: Map<number, number>,
  keySpace: number,
  keysOf: Map<number, number[]>,
): CpuSplit {
  const cat = Array.from(catNs.subarray(entity * CPU_USE_COUNT, (entity + 1) * CPU_USE_COUNT));
  const details: Array<[number, number]> = (keysOf.get(entity) ?? []).map((k) => [
    k,
    detail.get(entity * keySpace + k)!,
  ]);
  details.sort((a, b) => b[1] - a[1]);
  return { catNs: cat, details };
}

export function analyzeSelection(m: TraceModel, q: AnalysisQuery): SelectionAnalysis {
  const a = q.startNs;
  const b = q.endNs;
  const threads = q.threads ?? m.threads.map((_, i) => i);
  const nStrings = m.strings.length;
  // Detail map keys: entity * keySpace + detailKey (detailKey < 8 * (nStrings + 1)).
  const keySpace = 8 * (nStrings + 2);

  // Functions, keyed by kind * nStrings + name.
  // Function id by kind * nStrings + name; -1 when not met yet.
  const fnIndex = new Int32Array(SLICE_KIND_COUNT * nStrings).fill(-1);
  // Open frames of each function (to count a function's total only at its outermost call).
  let openOf = new Int32Array(64);
  const fnKey: number[] = [];
  const fnCalls: number[] = [];
  const fnTotal: number[] = [];
  const fnSelf: number[] = [];
  const fnMax: ItemAt[] = [];
  const fnMin: ItemAt[] = [];
  const fnMaxNs: number[] = [];
  const fnMinNs: number[] = [];
  // Durations of every call, bucketed by function afterwards (one array, no array per function).
  const callFn = new I32();
  const callDur = new F64();
  let fnCat = new Float64Array(64 * CPU_USE_COUNT);
  const fnDetail = new Map<number, number>();
  const fnDetailKeys = new Map<number, number[]>();

  // Flame nodes.
  const nodeParent = new I32();
  const nodeDepth = new I32();
  const nodeFn = new I32(); // function id, or -1 - thread for thread nodes, -1e9 for the root
  const nodeCalls = new F64();
  const nodeTotal = new F64();
  const nodeSelf = new F64();
  let nodeCat = new Float64Array(256 * CPU_USE_COUNT);
  // Node details as flat (node, key, ns) triples, a node and key may repeat: no map entry per node (a random
  // call tree has about one node per call, and millions of map entries cost more than the rest together).
  const detailNode = new I32();
  const detailKey = new I32();
  const detailNs = new F64();
  // Children as linked lists: siblings are few (the distinct callees of one call path), a scan beats hashing.
  const firstChild = new I32();
  const nextSibling = new I32();
  const newNode = (parent: number, depth: number, fn: number): number => {
    const id = nodeParent.n;
    nodeParent.push(parent);
    nodeDepth.push(depth);
    nodeFn.push(fn);
    nodeCalls.push(0);
    nodeTotal.push(0);
    nodeSelf.push(0);
    if ((id + 1) * CPU_USE_COUNT > nodeCat.length) {
      const c = new Float64Array(nodeCat.length * 2);
      c.set(nodeCat);
      nodeCat = c;
    }
    firstChild.push(-1);
    nextSibling.push(-1);
    return id;
  };
  const root = newNode(-1, 0, -1e9);
  const childNode = (parent: number, fn: number, depth: number): number => {
    let c = firstChild.a[parent];
    while (c >= 0 && nodeFn.a[c] !== fn) c = nextSibling.a[c];
    if (c < 0) {
      c = newNode(parent, depth, fn);
      nextSibling.a[c] = firstChild.a[parent];
      firstChild.a[parent] = c;
    }
    return c;
  };

  // Syscalls, keyed by name.
  const scIndex = new Map<number, number>();
  const scName: number[] = [];
  const scCount: number[] = [];
  const scTotal: number[] = [];
  const scMin: ItemAt[] = [];
  const scMax: ItemAt[] = [];
  const scMinNs: number[] = [];
  const scMaxNs: number[] = [];
  const listThread = new I32();
  const listIndex = new I32();
  const listRow = new I32();
  const listStart = new F64();
  const listDur = new F64();

  const scratch = new SplitScratch();
  const states: StateRow[] = [];
  let hasKernel = false;

  // Per-thread scratch: the open call stack (by depth) of slices overlapping the range.
  const stackNode: number[] = [];
  const stackSelf: number[] = [];

  for (const ti of threads) {
    const t = m.threads[ti];
    const refined: RefinedIntervals | null = refineThreadTime(t, a, b);
    if (refined) hasKernel = true;
    // Per-thread mode: the thread's node, made at its first call in range (threads without calls get none).
    let threadRoot = -1;
    const rootDepth = q.perThread ? 2 : 1;
    const s = t.slices;
    let top = 0;
    const close = (toDepth: number) => {
      while (top > toDepth) {
        top--;
        const node = stackNode[top];
        nodeSelf.a[node] += stackSelf[top];
        const fi = nodeFn.a[node];
        fnSelf[fi] += stackSelf[top];
        openOf[fi]--;
      }
    };
    for (let i = 0; i < s.count; i++) {
      const st = s.startNs[i];
      if (st > b) break;
      const en = s.endNs[i];
      const d = s.depth[i];
      if (!overlaps(st, en, a, b)) continue;
      // Pop frames at this depth or deeper: they have ended.
      close(Math.min(top, d));
      const cs = Math.max(a, st);
      const ce = Math.min(b, en);
      const clipped = ce - cs;
      const key = s.kind[i] * nStrings + s.name[i];
      let fi = fnIndex[key];
      if (fi < 0) {
        fi = fnKey.length;
        fnIndex[key] = fi;
        if (fi >= openOf.length) {
          const o = new Int32Array(openOf.length * 2);
          o.set(openOf);
          openOf = o;
        }
        fnKey.push(key);
        fnCalls.push(0);
        fnTotal.push(0);
        fnSelf.push(0);
        fnMax.push({ thread: ti, index: i });
        fnMin.push({ thread: ti, index: i });
        fnMaxNs.push(-Infinity);
        fnMinNs.push(Infinity);
        if ((fi + 1) * CPU_USE_COUNT > fnCat.length) {
          const c = new Float64Array(fnCat.length * 2);
          c.set(fnCat);
          fnCat = c;
        }
      }
      const dur = en - st;
      fnCalls[fi]++;
      callFn.push(fi);
      callDur.push(dur);
      if (dur > fnMaxNs[fi]) {
        fnMaxNs[fi] = dur;
        fnMax[fi] = { thread: ti, index: i };
      }
      if (dur < fnMinNs[fi]) {
        fnMinNs[fi] = dur;
        fnMin[fi] = { thread: ti, index: i };
      }
      const outer = openOf[fi] === 0;
      openOf[fi]++;
      if (outer) fnTotal[fi] += clipped;

      // The parent is the open frame just above (a gap in depths, after a loss, hangs it at the nearest one).
      if (threadRoot < 0) threadRoot = q.perThread ? childNode(root, -2 - ti, 1) : root;
      const parentNode = top > 0 ? stackNode[top - 1] : threadRoot;
      if (top > 0) stackSelf[top - 1] -= clipped;
      const node = childNode(parentNode, fi, (top > 0 ? nodeDepth.a[parentNode] : rootDepth - 1) + 1);
      nodeCalls.a[node]++;
      nodeTotal.a[node] += clipped;
      if (refined) {
        scratch.measure(refined, cs, ce);
        for (let k = 0; k < CPU_USE_COUNT; k++) nodeCat[node * CPU_USE_COUNT + k] += scratch.catNs[k];
        for (let j = 0; j < scratch.keys.length; j++) {
          detailNode.push(node);
          detailKey.push(scratch.keys[j]);
          detailNs.push(scratch.ns[j]);
        }
        if (outer) scratch.addTo(fi, fnCat, fnDetail, fnDetailKeys, keySpace);
      }
      if (top === 0) {
        // Group nodes (the root, a thread) total their top-level calls.
        nodeTotal.a[threadRoot] += clipped;
        nodeCalls.a[threadRoot]++;
        if (threadRoot !== root) {
          nodeTotal.a[root] += clipped;
          nodeCalls.a[root]++;
        }
      }
      stackNode[top] = node;
      stackSelf[top] = clipped;
      top++;
    }
    close(0);

    const sc = t.syscalls;
    if (sc) {
      for (let i = 0; i < sc.count; i++) {
        const st = sc.startNs[i];
        if (st > b) break;
        const en = sc.endNs[i];
        if (!overlaps(st, en, a, b)) continue;
        let r = scIndex.get(sc.name[i]);
        if (r === undefined) {
          r = scName.length;
          scIndex.set(sc.name[i], r);
          scName.push(sc.name[i]);
          scCount.push(0);
          scTotal.push(0);
          scMin.push({ thread: ti, index: i });
          scMax.push({ thread: ti, index: i });
          scMinNs.push(Infinity);
          scMaxNs.push(-Infinity);
        }
        const dur = en - st;
        scCount[r]++;
        scTotal[r] += Math.min(b, en) - Math.max(a, st);
        if (dur > scMaxNs[r]) {
          scMaxNs[r] = dur;
          scMax[r] = { thread: ti, index: i };
        }
        if (dur < scMinNs[r]) {
          scMinNs[r] = dur;
          scMin[r] = { thread: ti, index: i };
        }
        listThread.push(ti);
        listIndex.push(i);
        listRow.push(r);
        listStart.push(st);
        listDur.push(dur);
      }
    }

    const stt = t.states;
    if (stt && stt.count > 0) {
      const stateNs: number[] = new Array(8).fill(0);
      for (let i = 0; i < stt.count; i++) {
        if (stt.startNs[i] >= b) break;
        const d = Math.min(b, stt.endNs[i]) - Math.max(a, stt.startNs[i]);
        if (d > 0) stateNs[stt.state[i]] += d;
      }
      if (stateNs.some((v) => v > 0)) states.push({ thread: ti, label: threadLabel(m, ti), stateNs, rangeNs: b - a });
    }
  }

  // Per-function distributions: counting sort of the call durations by function, then one sort per segment.
  const nFn = fnKey.length;
  const offsets = new Int32Array(nFn + 1);
  for (let c = 0; c < callFn.n; c++) offsets[callFn.a[c] + 1]++;
  for (let f = 0; f < nFn; f++) offsets[f + 1] += offsets[f];
  const fill = offsets.slice(0, nFn);
  const bucketed = new Float64Array(callFn.n);
  for (let c = 0; c < callFn.n; c++) bucketed[fill[callFn.a[c]]++] = callDur.a[c];
  const functions: FunctionRow[] = [];
  const whereOf = functionWhere(m);
  for (let f = 0; f < nFn; f++) {
    const key = fnKey[f];
    const kind = Math.floor(key / nStrings);
    functions.push({
      name: m.strings[key - kind * nStrings],
      kind: kind === SliceKind.C ? 'C' : kind === SliceKind.PythonBuiltin ? 'Builtin' : 'Python',
      where: whereOf(kind, key - kind * nStrings),
      calls: fnCalls[f],
      totalNs: fnTotal[f],
      selfNs: fnSelf[f],
      min: fnMin[f],
      max: fnMax[f],
      ...distribution(bucketed.subarray(offsets[f], offsets[f + 1])),
      split: hasKernel ? toSplit(fnCat, f, fnDetail, keySpace, fnDetailKeys) : null,
    });
  }
  functions.sort((x, y) => y.totalNs - x.totalNs || x.name.localeCompare(y.name));

  const syscalls: SyscallRow[] = [];
  const scOffsets = new Int32Array(scName.length + 1);
  for (let c = 0; c < listRow.n; c++) scOffsets[listRow.a[c] + 1]++;
  for (let r = 0; r < scName.length; r++) scOffsets[r + 1] += scOffsets[r];
  const scFill = scOffsets.slice(0, scName.length);
  const scDur = new Float64Array(listRow.n);
  for (let c = 0; c < listRow.n; c++) scDur[scFill[listRow.a[c]]++] = listDur.a[c];
  for (let r = 0; r < scName.length; r++) {
    syscalls.push({
      name: m.strings[scName[r]],
      count: scCount[r],
      totalNs: scTotal[r],
      min: scMin[r],
      max: scMax[r],
      ...distribution(scDur.subarray(scOffsets[r], scOffsets[r + 1])),
    });
  }
  // Rows keep their index (the list's `row`); the view sorts.

  const flame = flameTree(m, {
    parent: nodeParent,
    firstChild,
    nextSibling,
    depth: nodeDepth,
    fn: nodeFn,
    calls: nodeCalls,
    total: nodeTotal,
    self: nodeSelf,
    cat: nodeCat,
    detailNode,
    detailKey,
    detailNs,
    keySpace,
    fnKey,
    nStrings,
  });

  const syscallNames: Record<number, string> = {};
  const noteNames = (details: Iterable<[number, number]>) => {
    for (const [k] of details) {
      const nameIndex = (k >>> 3) - 1;
      if (nameIndex >= 0) syscallNames[nameIndex] = m.strings[nameIndex];
    }
  };
  for (const f of functions) if (f.split) noteNames(f.split.details);
  for (let i = 0; i < flame.detailKey.length; i++) {
    const nameIndex = (flame.detailKey[i] >>> 3) - 1;
    if (nameIndex >= 0 && !(nameIndex in syscallNames)) syscallNames[nameIndex] = m.strings[nameIndex];
  }

  return {
    query: q,
    hasKernel,
    functions,
    flame,
    syscalls,
    syscallList: {
      count: listRow.n,
      thread: listThread.a.slice(0, listThread.n),
      index: listIndex.a.slice(0, listIndex.n),
      row: listRow.a.slice(0, listRow.n),
      startNs: listStart.a.slice(0, listStart.n),
      durationNs: listDur.a.slice(0, listDur.n),
    },
    states,
    syscallNames,
  };
}

interface RawNodes {
  parent: I32;
  firstChild: I32;
  nextSibling: I32;
  depth: I32;
  fn: I32;
  calls: F64;
  total: F64;
  self: F64;
  cat: Float64Array;
  detailNode: I32;
  detailKey: I32;
  detailNs: F64;
  keySpace: number;
  fnKey: number[];
  nStrings: number;
}

/** Renumbers the nodes in pre-order with children heaviest first, and lays them out (xNs). */
function flameTree(m: TraceModel, raw: RawNodes): FlameTree {
  const n = raw.parent.n;
  const order = new Int32Array(n);
  let placed = 0;
  const x = new Float64Array(n);
  // Depth-first with an explicit stack (at most every node once on it).
  const visit = new Int32Array(n);
  let sp = 0;
  visit[sp++] = 0;
  let kids = new Int32Array(16);
  const total = raw.total.a;
  while (sp > 0) {
    const node = visit[--sp];
    order[placed++] = node;
    let nk = 0;
    for (let c = raw.firstChild.a[node]; c >= 0; c = raw.nextSibling.a[c]) {
      if (nk === kids.length) {
        const k2 = new Int32Array(nk * 2);
        k2.set(kids);
        kids = k2;
      }
      // Insertion by total, heaviest first (ties: first created first): sibling lists are short.
      let j = nk++;
      while (j > 0 && (total[kids[j - 1]] < total[c] || (total[kids[j - 1]] === total[c] && kids[j - 1] > c))) {
        kids[j] = kids[j - 1];
        j--;
      }
      kids[j] = c;
    }
    let cursor = x[node];
    for (let j = 0; j < nk; j++) {
      x[kids[j]] = cursor;
      cursor += total[kids[j]];
    }
    for (let j = nk - 1; j >= 0; j--) visit[sp++] = kids[j];
  }
  const newId = new Int32Array(n);
  for (let i = 0; i < n; i++) newId[order[i]] = i;
  const t: FlameTree = {
    count: n,
    parent: new Int32Array(n),
    depth: new Uint16Array(n),
    label: new Int32Array(n),
    labels: [],
    kind: new Uint8Array(n),
    calls: new Float64Array(n),
    totalNs: new Float64Array(n),
    selfNs: new Float64Array(n),
    xNs: new Float64Array(n),
    catNs: new Float64Array(n * CPU_USE_COUNT),
    detailNode: new Int32Array(0),
    detailKey: new Int32Array(0),
    detailNs: new Float64Array(0),
  };
  // Labels: function ids first (label = fn id), then the root and thread labels.
  const labels = raw.fnKey.map((key) => m.strings[key % raw.nStrings]);
  t.labels = labels;
  for (let i = 0; i < n; i++) {
    const old = order[i];
    t.parent[i] = old === 0 ? -1 : newId[raw.parent.a[old]];
    t.depth[i] = raw.depth.a[old];
    const fn = raw.fn.a[old];
    if (old === 0) {
      t.label[i] = labels.push('all') - 1;
      t.kind[i] = FLAME_KIND_GROUP;
    } else if (fn < 0) {
      t.label[i] = labels.push(threadLabel(m, -2 - fn)) - 1;
      t.kind[i] = FLAME_KIND_GROUP;
    } else {
      t.label[i] = fn;
      t.kind[i] = Math.floor(raw.fnKey[fn] / raw.nStrings);
    }
    t.calls[i] = raw.calls.a[old];
    t.totalNs[i] = raw.total.a[old];
    t.selfNs[i] = raw.self.a[old];
    t.xNs[i] = x[old];
    for (let k = 0; k < CPU_USE_COUNT; k++) t.catNs[i * CPU_USE_COUNT + k] = raw.cat[old * CPU_USE_COUNT + k];
  }
  const nd = raw.detailNode.n;
  t.detailNode = new Int32Array(nd);
  for (let j = 0; j < nd; j++) t.detailNode[j] = newId[raw.detailNode.a[j]];
  t.detailKey = raw.detailKey.a.slice(0, nd);
  t.detailNs = raw.detailNs.a.slice(0, nd);
  // Group nodes (root, threads) carry their children's split.
  for (let i = n - 1; i >= 0; i--) {
    if (t.kind[i] !== FLAME_KIND_GROUP) continue;
    for (let c = i + 1; c < n && t.depth[c] > t.depth[i]; c++) {
      if (t.parent[c] !== i) continue;
      for (let k = 0; k < CPU_USE_COUNT; k++) t.catNs[i * CPU_USE_COUNT + k] += t.catNs[c * CPU_USE_COUNT + k];
    }
  }
  return t;
}
