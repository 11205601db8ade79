/**
 * Decoding with a pool of workers. The stream files are split into subsets balanced by bytes; every decode
 * worker gets one subset plus every trace's metadata (and the index files of its streams), opens it as its own
 * experiment and packs the decoded events into typed-array columns (src/model/packed-events.ts). The model
 * worker merges the parts in the decoder's order (time, then global stream index) and builds the model.
 *
 * These are plain functions: the workers call them, and Node tests run them directly.
 */
import { CtfError, findTraceDirs, groupTraceFiles, openExperiment } from '../ctf';
import { modelBuilderFor } from '../model/from-experiment';
import { EventPacker, mergedOriginNs, mergePackedInto, type PackedEvents } from '../model/packed-events';
import { ctfFailure } from './failure';
import { throttle, type DecodedTrace, type LoadFailure, type ProgressCallback, type Result } from './protocol';
import { SYMBOLS_PREFIX } from './unpack-service';

const EVENTS_PER_CLOCK_CHECK = 2048;
export const MAX_DECODE_WORKERS = 4;

/** Decode workers for a machine and a trace: one core is left for the page, at most 4, at most one per stream. */
export function poolSize(hardwareConcurrency: number | undefined, streamCount: number): number {
  const cores = hardwareConcurrency && hardwareConcurrency > 0 ? hardwareConcurrency : 2;
  return Math.max(1, Math.min(cores - 1, MAX_DECODE_WORKERS, streamCount));
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function join(dir: string, file: string): string {
  return dir === '' ? file : `${dir}/${file}`;
}

export interface PoolPlan {
  /** Stream file paths in the whole experiment's stream order (openExperiment's: trace dirs sorted, files sorted). */
  streams: string[];
  /** File paths in the order openExperiment reads them (per trace: metadata, then its streams): ranks open errors. */
  fileOrder: string[];
  /** Per decode worker: indices into the file list (all metadata files, its streams and their index files). */
  subsets: number[][];
  /** The metadata files (in every subset: copied, the other files are moved). */
  metadata: number[];
  /** Bytes of stream files per subset. */
  subsetBytes: number[];
}

/** Splits the stream files over `workers` subsets, largest first onto the lightest subset. */
export function planPool(paths: string[], sizes: number[], workers: number): PoolPlan {
  const dirs = findTraceDirs(paths);
  const dirSet = new Set(dirs);
  const indexOf = new Map(paths.map((p, i) => [p, i]));
  const metadata: number[] = [];
  const streamsOfDir = new Map<string, string[]>(dirs.map((d) => [d, []]));
  for (const p of paths) {
    if (p.startsWith(SYMBOLS_PREFIX)) continue;
    const dir = dirOf(p);
    const base = baseOf(p);
    if (!dirSet.has(dir) || base.startsWith('.')) continue;
    if (base === 'metadata') metadata.push(indexOf.get(p)!);
    else streamsOfDir.get(dir)!.push(base);
  }
  const streams: string[] = [];
  const fileOrder: string[] = [];
  for (const d of dirs) {
    fileOrder.push(join(d, 'metadata'));
    for (const base of streamsOfDir.get(d)!.sort()) {
      streams.push(join(d, base));
      fileOrder.push(join(d, base));
    }
  }
  const n = Math.max(1, Math.min(workers, streams.length));
  const subsets: number[][] = Array.from({ length: n }, () => [...metadata]);
  const subsetBytes = new Array<number>(n).fill(0);
  const bySize = streams.map((s) => indexOf.get(s)!).sort((a, b) => sizes[b] - sizes[a] || a - b);
  for (const fi of bySize) {
    let w = 0;
    for (let j = 1; j < n; j++) if (subsetBytes[j] < subsetBytes[w]) w = j;
    subsets[w].push(fi);
    subsetBytes[w] += sizes[fi];
    const p = paths[fi];
    const idx = indexOf.get(join(join(dirOf(p), 'index'), `${baseOf(p)}.idx`));
    if (idx !== undefined) subsets[w].push(idx);
  }
  return { streams, fileOrder, subsets, subsetBytes, metadata };
}

/** What a decode worker gets. */
export interface SubsetInput {
  paths: string[];
  datas: Uint8Array[];
  /** PoolPlan.streams and PoolPlan.fileOrder. */
  streams: string[];
  fileOrder: string[];
}

/** Where a decode error happened, to pick the one the whole-experiment decoder would have thrown first. */
export interface PartError {
  failure: LoadFailure;
  /** The stream failed before giving anything: errors at the start come first, by stream. */
  atStart: boolean;
  /** Merge key (tsNs from the part's origin, -Infinity when unknown) of the failed stream's last record. */
  key: number;
  /** Global stream index of the failed stream; Infinity when unknown. */
  stream: number;
}

export interface DecodedPart {
  packed: PackedEvents;
  /** Some stream of the subset has packets (its origin is a real first time, not the clock-offset fallback). */
  hasPackets: boolean;
  error?: PartError;
  /** The subset's files, handed back for the bundle. */
  paths: string[];
  datas: Uint8Array[];
}

export type PartResult = { ok: true; value: DecodedPart } | { ok: false; failure: LoadFailure; rank: number };

function rankOf(failure: LoadFailure, fileOrder: string[]): number {
  if (failure.file === undefined) return Infinity;
  const i = fileOrder.indexOf(failure.file);
  return i < 0 ? Infinity : i;
}

/** Decode worker: decode one subset into packed columns. Events decoded so far are reported as they come. */
export function decodeSubset(input: SubsetInput, onProgress?: ProgressCallback): PartResult {
  const files = new Map<string, Uint8Array>();
  input.paths.forEach((p, i) => files.set(p, input.datas[i]));
  let experiment: ReturnType<typeof openExperiment>;
  try {
    experiment = openExperiment(groupTraceFiles(files));
  } catch (err) {
    const failure = ctfFailure(err);
    return { ok: false, failure, rank: rankOf(failure, input.fileOrder) };
  }
  const globalOf = new Map(input.streams.map((s, i) => [s, i]));
  const localPaths = experiment.streams.map((s) => join(experiment.traces[s.trace].name, s.file));
  const streamGlobal = localPaths.map((p) => {
    const g = globalOf.get(p);
    if (g === undefined) throw new Error(`stream ${p} is not in the pool plan`);
    return g;
  });
  const packer = new EventPacker({ traceCount: experiment.traces.length, streamGlobal });
  const progress = throttle<Parameters<ProgressCallback>[0]>((p) => onProgress?.(p));
  let events = 0;
  let decodeError: unknown;
  try {
    experiment.decode(
      (e) => {
        packer.addEvent(e);
        if (++events % EVENTS_PER_CLOCK_CHECK === 0) progress.push({ phase: 'decode', doneBytes: 0, totalBytes: null, events });
      },
      (l) => packer.addLoss(l),
    );
  } catch (err) {
    decodeError = err;
  }
  progress.push({ phase: 'decode', doneBytes: 0, totalBytes: null, events });
  progress.flush();
  let error: PartError | undefined;
  if (decodeError !== undefined) {
    const failure = ctfFailure(decodeError);
    const local = decodeError instanceof CtfError && decodeError.file !== undefined ? localPaths.indexOf(decodeError.file) : -1;
    error =
      local < 0
        ? { failure, atStart: false, key: Infinity, stream: Infinity }
        : { failure, atStart: packer.hasRecord[local] === 0, key: packer.lastKey[local], stream: streamGlobal[local] };
  }
  return {
    ok: true,
    value: {
      packed: packer.finish(experiment.originNs),
      hasPackets: experiment.streams.some((s) => s.packetCount > 0),
      error,
      paths: input.paths,
      datas: input.datas,
    },
  };
}

/** The first failure in the order openExperiment meets them (every part opens every trace's metadata). */
export function firstOpenFailure(failures: Array<{ failure: LoadFailure; rank: number }>): LoadFailure {
  return failures.reduce((a, b) => (b.rank < a.rank ? b : a)).failure;
}

/**
 * Model worker: merge the parts and build the model. `metadata` holds every trace's metadata file (paths as
 * in the plan), `symbolFiles` the nm-style mappings given beside the trace.
 */
export function buildFromParts(
  metadata: Map<string, Uint8Array>,
  symbolFiles: Map<string, string>,
  parts: DecodedPart[],
  onEvent?: (events: number) => void,
): Result<DecodedTrace> {
  let experiment: ReturnType<typeof openExperiment>;
  try {
    // Metadata only: the traces (names, domains, env) and the origin openExperiment falls back to without streams.
    experiment = openExperiment(groupTraceFiles(metadata));
  } catch (err) {
    return { ok: false, failure: ctfFailure(err) };
  }
  const originNs = mergedOriginNs(
    parts.map((p) => ({ originNs: p.packed.originNs, hasPackets: p.hasPackets })),
    experiment.originNs,
  );
  const builder = modelBuilderFor({ ...experiment, originNs }, symbolFiles);
  try {
    mergePackedInto(
      builder,
      parts.map((p) => p.packed),
      originNs,
      onEvent,
    );
  } catch (err) {
    return { ok: false, failure: ctfFailure(err) };
  }
  const model = builder.finish();
  // The whole-experiment decoder throws the error it met first in its merge: at the start (by stream), else
  // after the failed stream's last record.
  let first: PartError | undefined;
  let firstKey = Infinity;
  parts.forEach((p) => {
    const e = p.error;
    if (!e) return;
    const key = e.atStart ? -Infinity : e.key + Number(p.packed.originNs - originNs);
    const earlier =
      first === undefined ||
      (e.atStart && !first.atStart) ||
      (e.atStart === first.atStart && (key < firstKey || (key === firstKey && e.stream < first.stream)));
    if (earlier) {
      first = e;
      firstKey = key;
    }
  });
  const partialFailure = (first as PartError | undefined)?.failure;
  if (partialFailure && partialFailure.kind === 'internal') return { ok: false, failure: partialFailure };
  return { ok: true, value: { model, traceNames: experiment.traces.map((t) => t.name), partialFailure } };
}

/** Metadata files and symbol mappings of an unpacked file list: what the model worker needs besides the parts. */
export function modelInputs(paths: string[], datas: Uint8Array[]): { metadata: Map<string, Uint8Array>; symbolFiles: Map<string, string> } {
  const metadata = new Map<string, Uint8Array>();
  const symbolFiles = new Map<string, string>();
  const text = new TextDecoder();
  const dirs = new Set(findTraceDirs(paths));
  paths.forEach((p, i) => {
    if (p.startsWith(SYMBOLS_PREFIX)) symbolFiles.set(p.slice(SYMBOLS_PREFIX.length), text.decode(datas[i]));
    else if (baseOf(p) === 'metadata' && dirs.has(dirOf(p))) metadata.set(p, datas[i]);
  });
  return { metadata, symbolFiles };
}
