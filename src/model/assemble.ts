/**
 * One TraceModel from the partitions of a model build (builder.ts, `ModelBuilderOptions.partition`): every
 * partition read every event and has every thread at the same index, but built the columns of its own threads
 * only, interning their names into its own string table. The join gives what one builder gives:
 *
 * - strings: each partition's table lists its strings in first-intern order with the event number of the
 *   intern (`stringsAt`, never decreasing). Merged by that number, a string's place is the first event that
 *   interned it in any partition, i.e. in the one builder; strings first met at the same event (two threads'
 *   names in one sched_switch, possibly in two partitions) are put in text order. The name columns are then
 *   remapped (not at all when a partition's table is already in canonical order, as with one partition).
 * - threads: each at its index, from the partition that owns it; processes from the joined threads.
 * - CPU run tables: each from the partition that owns the CPU (thread indices are the same everywhere).
 * - losses, counts, time range: from partition 0 (shared state, the same everywhere).
 * - anomalies of a thread's stack summed; symbols and Python sources by the event that first met them.
 *
 * One partition goes through the same join (ModelBuilder.finish): there is no second way to finish a model.
 */
import { joinSymbols, type SymbolPart } from './symbols';
import type { ModelAnomalies, ProcessModel, ThreadModel, TraceModel } from './types';

export interface ModelPartition {
  partition: number;
  partitions: number;
  /** This partition's strings, and the event number of each one's first intern (non-decreasing). */
  strings: string[];
  stringsAt: Float64Array;
  /** Threads of the model (the same in every partition). */
  threadCount: number;
  /** The threads this partition owns (names are indices into `strings`) and their indices in the model. */
  threads: ThreadModel[];
  threadIndex: Int32Array;
  pythonSources: { name: string; file: string; line: number; conflicting?: boolean; at: number }[];
  symbols: SymbolPart;
  anomalies: ModelAnomalies;
  /** The run tables of the CPUs this partition owns (CPU n: partition n modulo the count). */
  cpus: TraceModel['cpus'];
  /** Set by assembleModel, which remaps the threads' name columns in place: a partition is joined once. */
  joined?: boolean;
  /** What every partition computes alike. */
  shared: Pick<TraceModel, 'originNs' | 'startNs' | 'endNs' | 'losses' | 'hasKernel' | 'sources' | 'eventCount'>;
}

/** The canonical string table, and per partition its remap (null when the identity). */
function joinStrings(parts: ModelPartition[]): {
  strings: string[];
  index: Map<string, number>;
  remaps: Array<Int32Array | null>;
} {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const pos = new Int32Array(parts.length);
  const group: string[] = [];
  for (;;) {
    let at = Infinity;
    for (let j = 0; j < parts.length; j++) {
      const p = parts[j];
      if (pos[j] < p.strings.length && p.stringsAt[pos[j]] < at) at = p.stringsAt[pos[j]];
    }
    if (at === Infinity) break;
    group.length = 0;
    for (let j = 0; j < parts.length; j++) {
      const p = parts[j];
      let i = pos[j];
      for (; i < p.strings.length && p.stringsAt[i] === at; i++) if (!index.has(p.strings[i])) group.push(p.strings[i]);
      pos[j] = i;
    }
    if (group.length > 1) group.sort();
    for (const s of group) {
      if (index.has(s)) continue; // given by two partitions (a shared intern)
      index.set(s, strings.length);
      strings.push(s);
    }
  }
  const remaps = parts.map((p) => {
    const remap = new Int32Array(p.strings.length);
    let identity = true;
    for (let i = 0; i < p.strings.length; i++) {
      remap[i] = index.get(p.strings[i])!;
      if (remap[i] !== i) identity = false;
    }
    return identity ? null : remap;
  });
  return { strings, index, remaps };
}

function remapColumn(col: Int32Array, remap: Int32Array): void {
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (v >= 0) col[i] = remap[v]; // -1: an unnamed syscall
  }
}

export function assembleModel(partitions: ModelPartition[]): TraceModel {
  const parts = [...partitions].sort((a, b) => a.partition - b.partition);
  const k = parts.length;
  parts.forEach((p, j) => {
    if (p.partition !== j || p.partitions !== k || p.threadCount !== parts[0].threadCount)
      throw new Error(`model partitions do not fit together (${parts.map((q) => `${q.partition}/${q.partitions}`)})`);
    if (p.joined) throw new Error(`model partition ${j} was joined already`);
    p.joined = true;
  });
  const first = parts[0];
  const { strings, index, remaps } = joinStrings(parts);
  const threads = new Array<ThreadModel>(first.threadCount);
  let placed = 0;
  parts.forEach((p, j) => {
    const remap = remaps[j];
    p.threads.forEach((t, i) => {
      if (remap) {
        remapColumn(t.slices.name, remap);
        if (t.syscalls) remapColumn(t.syscalls.name, remap);
        if (t.nameHistory) remapColumn(t.nameHistory.name, remap);
      }
      threads[p.threadIndex[i]] = t;
      placed++;
    });
  });
  if (placed !== threads.length) throw new Error(`model partitions give ${placed} of ${threads.length} threads`);

  const byPid = new Map<number, ProcessModel>();
  threads.forEach((t, i) => {
    if (t.pid < 0 || t.cpuRow !== undefined) return;
    let p = byPid.get(t.pid);
    if (!p) {
      p = { pid: t.pid, name: '', threads: [] };
      byPid.set(t.pid, p);
    }
    p.threads.push(i);
    if (t.tid === t.pid || p.name === '') p.name = t.name;
  });
  const processes = [...byPid.values()].sort((a, b) => a.pid - b.pid);

  // Stack anomalies happen in the thread's partition; the others are shared, counted alike by every partition.
  const anomalies: ModelAnomalies = { ...first.anomalies };
  for (const p of parts.slice(1)) {
    anomalies.unmatchedReturns += p.anomalies.unmatchedReturns;
    anomalies.ignoredCReturns += p.anomalies.ignoredCReturns;
    anomalies.mismatchedReturns += p.anomalies.mismatchedReturns;
  }

  const intern = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  const symbols = joinSymbols(
    parts.map((p) => p.symbols),
    intern,
  );

  // A Python function's definition: the first one seen; conflicting when any partition saw another file.
  const py = new Map<number, { file: string; line: number; conflicting?: boolean; at: number }>();
  for (const p of parts) {
    for (const s of p.pythonSources) {
      const name = intern(s.name);
      const seen = py.get(name);
      if (seen === undefined) py.set(name, { ...s });
      else {
        const conflicting = seen.conflicting || s.conflicting || seen.file !== s.file;
        if (s.at < seen.at) Object.assign(seen, { file: s.file, line: s.line, at: s.at });
        if (conflicting) seen.conflicting = true;
      }
    }
  }
  const pythonSources = [...py]
    .sort((a, b) => a[0] - b[0])
    .map(([name, s]) => ({
      name,
      file: s.file,
      line: s.line,
      ...(s.conflicting ? { conflicting: true } : {}),
    }));

  const shared = first.shared;
  return {
    originNs: shared.originNs,
    startNs: shared.startNs,
    endNs: shared.endNs,
    strings,
    threads,
    processes,
    losses: shared.losses,
    cpus: parts.flatMap((p) => p.cpus).sort((a, b) => a.cpu - b.cpu),
    hasKernel: shared.hasKernel,
    sources: shared.sources,
    eventCount: shared.eventCount,
    anomalies,
    symbols,
    pythonSources: pythonSources.length > 0 ? pythonSources : undefined,
  };
}
