/**
 * The analysis worker's service: holds a copy of the model (sent once per trace) and answers selection queries
 * with src/analysis's figures, their typed arrays transferred back (never cloned twice).
 */
import { transfer } from 'comlink';
import { analyzeSelection, type AnalysisQuery, type SelectionAnalysis } from '../analysis/selection';
import type { ThreadModel, TraceModel } from '../model/types';

export interface AnalysisService {
  setModel(model: TraceModel): void;
  analyze(query: AnalysisQuery): SelectionAnalysis;
}

export function resultBuffers(r: SelectionAnalysis): ArrayBuffer[] {
  const f = r.flame;
  const l = r.syscallList;
  return [
    f.parent,
    f.depth,
    f.label,
    f.kind,
    f.calls,
    f.totalNs,
    f.selfNs,
    f.xNs,
    f.catNs,
    f.detailNode,
    f.detailKey,
    f.detailNs,
    l.thread,
    l.index,
    l.row,
    l.startNs,
    l.durationNs,
  ].map((a) => a.buffer as ArrayBuffer);
}

export function createAnalysisService(): AnalysisService {
  let model: TraceModel | null = null;
  return {
    setModel(m) {
      model = m;
    },
    analyze(query) {
      if (!model) throw new Error('analysis: no trace loaded');
      const r = analyzeSelection(model, query);
      return transfer(r, resultBuffers(r));
    },
  };
}

type Column = Float64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Uint8Array;

/**
 * Columns the analysis reads (src/analysis/selection.ts); the copy leaves the others empty, to copy less. Add a
 * column here when the analysis starts reading it.
 */
const ANALYZED_COLUMNS = new Set(['startNs', 'endNs', 'depth', 'kind', 'name', 'state']);

/** Columns are packed into a few buffers of about this size: a transfer list of thousands of buffers (one per
 * column of every thread) held Chromium's main thread for seconds. */
const ARENA_BYTES = 16 << 20;

/**
 * A copy of the model for the analysis worker whose columns live in a few buffers of its own (so that they can be
 * transferred), made a slice of at most `budgetBytes` per task: a structured clone of a large model in one
 * postMessage held the page's main thread for most of a second. Only the analyzed columns are copied. Null when
 * cancelled.
 */
export async function copyModelForWorker(
  model: TraceModel,
  cancelled: () => boolean,
  budgetBytes = 1 << 20,
): Promise<{ copy: TraceModel; buffers: ArrayBuffer[] } | null> {
  const buffers: ArrayBuffer[] = [];
  // Bytes still to place: the last arena is no larger than what is left (a small trace gets a small buffer).
  let remaining = 0;
  for (const t of model.threads) {
    for (const table of [t.slices, t.states, t.syscalls]) {
      if (!table) continue;
      for (const [k, v] of Object.entries(table))
        if (ArrayBuffer.isView(v) && ANALYZED_COLUMNS.has(k)) remaining += Math.ceil(v.byteLength / 8) * 8;
    }
  }
  let arena: ArrayBuffer | null = null;
  let arenaUsed = 0;
  let bytesThisTask = 0;
  const pause = async () => {
    await new Promise((r) => setTimeout(r, 0));
    bytesThisTask = 0;
    if (cancelled()) throw new CopyCancelled();
  };
  const place = (bytes: number): { buffer: ArrayBuffer; offset: number } => {
    const aligned = Math.ceil(bytes / 8) * 8;
    remaining -= aligned;
    if (bytes > ARENA_BYTES / 4) {
      const own = new ArrayBuffer(bytes);
      buffers.push(own);
      return { buffer: own, offset: 0 };
    }
    if (!arena || arenaUsed + aligned > arena.byteLength) {
      arena = new ArrayBuffer(Math.min(ARENA_BYTES, aligned + remaining));
      buffers.push(arena);
      arenaUsed = 0;
    }
    const offset = arenaUsed;
    arenaUsed += aligned;
    return { buffer: arena, offset };
  };
  const copyColumn = async <T extends Column>(a: T): Promise<T> => {
    const Ctor = a.constructor as new (buffer: ArrayBuffer, offset: number, length: number) => T;
    const { buffer, offset } = place(a.byteLength);
    const out = new Ctor(buffer, offset, a.length);
    const chunk = Math.max(1, Math.floor(budgetBytes / a.BYTES_PER_ELEMENT));
    for (let off = 0; off < a.length; off += chunk) {
      out.set(a.subarray(off, Math.min(a.length, off + chunk)) as ArrayLike<number>, off);
      bytesThisTask += Math.min(chunk, a.length - off) * a.BYTES_PER_ELEMENT;
      if (bytesThisTask >= budgetBytes) await pause();
    }
    return out;
  };
  const copyTable = async <T extends object>(t: T): Promise<T> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(t)) {
      if (!ArrayBuffer.isView(v)) out[k] = v;
      else if (ANALYZED_COLUMNS.has(k)) out[k] = await copyColumn(v as Column);
      else out[k] = new ((v as Column).constructor as new (n: number) => Column)(0);
    }
    return out as T;
  };
  try {
    const threads: ThreadModel[] = [];
    for (const t of model.threads) {
      const c: ThreadModel = { ...t, slices: await copyTable(t.slices) };
      if (t.states) c.states = await copyTable(t.states);
      if (t.syscalls) c.syscalls = await copyTable(t.syscalls);
      delete c.nameHistory;
      threads.push(c);
    }
    return { copy: { ...model, threads }, buffers };
  } catch (e) {
    if (e instanceof CopyCancelled) return null;
    throw e;
  }
}

class CopyCancelled extends Error {}
