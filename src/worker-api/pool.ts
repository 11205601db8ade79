/**
 * Decoding with a pool of workers. The stream files are split into subsets balanced by bytes; every decode
 * worker gets one subset plus every trace's metadata (and the index files of its streams), opens it as its own
 * experiment and packs the decoded events into typed-array columns (src/model/packed-events.ts). The model
 * worker merges the parts in the decoder's order (time, then global stream index) and builds the model.
 *
 * These are plain functions: the workers call them, and Node tests run them directly.
 */
import { isElfMagic } from '../symbols/elf';
import { CtfError, findTraceDirs, groupTraceFiles, openExperiment } from '../ctf';
import type { ByteInput } from '../ctf/decode/byte-source';
import { modelBuilderFor } from '../model/from-experiment';
import {
  EventPacker,
  mergedOriginNs,
  keepsUnknown,
  PackedMerger,
  type PackedChunk,
  type PackedEvents,
} from '../model/packed-events';
import type { ModelBuilder } from '../model/builder';
import { assembleModel, type ModelPartition } from '../model/assemble';
import { ctfFailure } from './failure';
import {
  byteInputOf,
  bytesOf,
  throttle,
  type DecodedTrace,
  type FileData,
  type LoadFailure,
  type OpfsSlice,
  type ProgressCallback,
  type Result,
} from './protocol';
import { SYMBOLS_PREFIX } from './unpack-service';

const EVENTS_PER_CLOCK_CHECK = 2048;
export const MAX_DECODE_WORKERS = 4;

/**
 * Decode workers for a machine and a trace: one per core, at most 4, at most one per stream. A decode worker does
 * not fill its core (it waits on its reads, the model worker on its chunks): on 2 cores, with the decoder of the
 * time, two decode workers and the model worker loaded the 1 GB session in 24.5 s, one decode worker in 33.7 s.
 * With today's cheaper decoding the two shapes take the same time there (the model worker is then the longer
 * chain); the second worker is kept for traces whose decoding costs more than their model step (BENCHMARKS.md).
 */
export function poolSize(hardwareConcurrency: number | undefined, streamCount: number): number {
  const cores = hardwareConcurrency && hardwareConcurrency > 0 ? hardwareConcurrency : 2;
  return Math.max(1, Math.min(cores, MAX_DECODE_WORKERS, streamCount));
}

export const MAX_MODEL_WORKERS = 4;

/**
 * Model workers for a machine (../model/assemble.ts: one partition of the threads each): one per two cores, at
 * most 4 (every one pays the merge of all records, the shared floor); one on 2 cores, as before partitions.
 */
export function modelWorkerCount(hardwareConcurrency: number | undefined): number {
  const cores = hardwareConcurrency && hardwareConcurrency > 0 ? hardwareConcurrency : 2;
  return Math.max(1, Math.min(MAX_MODEL_WORKERS, Math.floor(cores / 2)));
}

/**
 * Workers of a load: `model` model workers (modelWorkerCount unless given) and as many decode workers as the other
 * cores take (poolSize, with the first model worker's core). 2 cores: 2 decode workers + 1 model worker.
 */
export function workerShape(
  hardwareConcurrency: number | undefined,
  streamCount: number,
  model = modelWorkerCount(hardwareConcurrency),
): { decode: number; model: number } {
  const cores = hardwareConcurrency && hardwareConcurrency > 0 ? hardwareConcurrency : 2;
  return { decode: poolSize(Math.max(1, cores - (model - 1)), streamCount), model };
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
  /** Stream files are read packet by packet (Blobs in the browser). */
  datas: FileData[];
  /** PoolPlan.streams and PoolPlan.fileOrder. */
  streams: string[];
  fileOrder: string[];
  /** Per file: where it lies in an OPFS file (UnpackedFiles.opfs), for the decode worker to read it there. */
  opfs?: Array<OpfsSlice | null>;
}

/**
 * What decode worker `subset` (one of `plan.subsets`) is given: its files (and where those in OPFS lie), and the
 * whole experiment's stream and file order.
 */
export function subsetInput(
  plan: Pick<PoolPlan, 'streams' | 'fileOrder'>,
  subset: number[],
  files: { paths: string[]; datas: FileData[]; opfs?: Array<OpfsSlice | null> },
): SubsetInput {
  const opfs = files.opfs;
  return {
    paths: subset.map((i) => files.paths[i]),
    datas: subset.map((i) => files.datas[i]),
    streams: plan.streams,
    fileOrder: plan.fileOrder,
    ...(opfs ? { opfs: subset.map((i) => opfs[i]) } : {}),
  };
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
  /** The failed stream's trace (name), CPU and size, to mark the rest of it as lost. */
  trace?: string;
  cpu?: number | null;
  streamBytes?: number;
}

export interface DecodedPart {
  packed: PackedEvents;
  /** Some stream of the subset has packets (its origin is a real first time, not the clock-offset fallback). */
  hasPackets: boolean;
  error?: PartError;
  /** The part's experiment warnings (metadata ones repeat in every part: the model worker keeps one of each). */
  warnings: string[];
  /** The subset's files, handed back for the bundle. */
  paths: string[];
  datas: FileData[];
}

export type PartResult = { ok: true; value: DecodedPart } | { ok: false; failure: LoadFailure; rank: number };

function rankOf(failure: LoadFailure, fileOrder: string[]): number {
  if (failure.file === undefined) return Infinity;
  const i = fileOrder.indexOf(failure.file);
  return i < 0 ? Infinity : i;
}

export interface StreamingOptions {
  /** Records per chunk (default DEFAULT_CHUNK_RECORDS). */
  chunkRecords?: number;
  /** Called once the subset is open, before decoding: what the model worker needs to place the part in time. */
  onOpen?: (info: { originNs: bigint; hasPackets: boolean }) => void;
  /** Receives each chunk as soon as it is full (the result then holds no chunks). */
  onChunk?: (chunk: PackedChunk) => void;
}

/** Decode worker: decode one subset into packed columns. Events decoded so far are reported as they come. */
export function decodeSubset(
  input: SubsetInput,
  onProgress?: ProgressCallback,
  streaming: StreamingOptions = {},
): PartResult {
  const files = new Map<string, ByteInput>();
  input.paths.forEach((p, i) => files.set(p, byteInputOf(input.datas[i])));
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
  const hasPackets = experiment.streams.some((s) => s.packetCount > 0);
  streaming.onOpen?.({ originNs: experiment.originNs, hasPackets });
  const packer = new EventPacker({
    traceCount: experiment.traces.length,
    streamGlobal,
    chunkRecords: streaming.chunkRecords,
    onChunk: streaming.onChunk,
    keepUnknown: keepsUnknown(experiment.traces),
  });
  const progress = throttle<Parameters<ProgressCallback>[0]>((p) => onProgress?.(p));
  let events = 0;
  let decodeError: unknown;
  try {
    experiment.decodeColumns(
      packer.tables,
      (rec, trace, stream, cpu) => {
        packer.addStaged(rec, trace, stream, cpu);
        if (++events % EVENTS_PER_CLOCK_CHECK === 0)
          progress.push({ phase: 'decode', doneBytes: 0, totalBytes: null, events });
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
    const local =
      decodeError instanceof CtfError && decodeError.file !== undefined ? localPaths.indexOf(decodeError.file) : -1;
    error =
      local < 0
        ? { failure, atStart: false, key: Infinity, stream: Infinity }
        : {
            failure,
            atStart: packer.hasRecord[local] === 0,
            key: packer.lastKey[local],
            stream: streamGlobal[local],
            trace: experiment.traces[experiment.streams[local].trace].name,
            cpu: experiment.streams[local].cpu,
            streamBytes: experiment.streams[local].bytes,
          };
  }
  return {
    ok: true,
    value: {
      packed: packer.finish(experiment.originNs),
      hasPackets,
      error,
      warnings: experiment.warnings,
      paths: input.paths,
      datas: input.datas,
    },
  };
}

/** The first failure in the order openExperiment meets them (every part opens every trace's metadata). */
export function firstOpenFailure(failures: Array<{ failure: LoadFailure; rank: number }>): LoadFailure {
  return failures.reduce((a, b) => (b.rank < a.rank ? b : a)).failure;
}

/** What a model build gives before its partitions are joined: a DecodedTrace whose model is in partitions. */
export type PartitionedTrace = Omit<DecodedTrace, 'model'> & { partitions: ModelPartition[] };

/** The trace from every partition of it (each PoolModelBuild's `output`, in any order). */
export function joinPartitions(outputs: PartitionedTrace[]): DecodedTrace {
  const { traceNames, partialFailure, warnings } = outputs[0];
  return { traceNames, partialFailure, warnings, model: assembleModel(outputs.flatMap((o) => o.partitions)) };
}

/** Model partitions: `count` in all, the indices this build makes (default all of them: one model worker). */
export interface ModelPartitioning {
  count: number;
  run?: number[];
}

/**
 * Model worker side: receives each part's opening, chunks and end in any interleaving (as the decode workers
 * send them), merges as far as the received chunks allow, and builds the model once every part has ended.
 * With partitions (../model/assemble.ts) each one merges every part's records and builds its own threads;
 * several partitions in one build (Node, the benchmark) are the same as one per model worker.
 */
export class PoolModelBuild {
  /** Set once the partitions run here are built, or on failure. */
  output: Result<PartitionedTrace> | null = null;
  private joined: Result<DecodedTrace> | null = null;
  private readonly experiment: ReturnType<typeof openExperiment> | null = null;
  private readonly opens: Array<{ originNs: bigint; hasPackets: boolean } | null>;
  private readonly openFailures: Array<{ failure: LoadFailure; rank: number }> = [];
  private readonly pending: Array<{ chunks: PackedChunk[]; dropped: Float64Array | null }>;
  private readonly errors: Array<PartError | undefined>;
  private readonly warnings = new Set<string>();
  private ended = 0;
  private reported = 0;
  private mergers: PackedMerger[] = [];
  private builders: ModelBuilder[] = [];
  private originNs = 0n;
  private readonly partitions: number;
  private readonly run: number[];

  constructor(
    metadata: Map<string, Uint8Array>,
    private readonly symbolFiles: Map<string, string>,
    private readonly partCount: number,
    private readonly onEvent?: (events: number) => void,
    partitioning: ModelPartitioning = { count: 1 },
  ) {
    this.partitions = partitioning.count;
    this.run = partitioning.run ?? Array.from({ length: partitioning.count }, (_, k) => k);
    this.opens = new Array(partCount).fill(null);
    this.pending = Array.from({ length: partCount }, () => ({ chunks: [], dropped: null }));
    this.errors = new Array(partCount).fill(undefined);
    try {
      // Metadata only: the traces (names, domains, env) and the origin openExperiment falls back to without streams.
      this.experiment = openExperiment(groupTraceFiles(metadata));
    } catch (err) {
      this.fail(ctfFailure(err));
    }
  }

  private fail(failure: LoadFailure): void {
    this.output = { ok: false, failure };
  }

  /** The model, once built, when every partition runs here (joined on first use); or the failure. */
  get result(): Result<DecodedTrace> | null {
    const out = this.output;
    if (this.joined) return this.joined;
    if (!out) return null;
    if (!out.ok) return { ok: false, failure: out.failure };
    if (this.run.length < this.partitions) return null;
    this.joined = { ok: true, value: joinPartitions([out.value]) };
    return this.joined;
  }

  open(part: number, info: { originNs: bigint; hasPackets: boolean }): void {
    this.opens[part] = info;
    this.reported++;
    this.maybeStart();
  }

  openFailed(_part: number, failure: LoadFailure, rank: number): void {
    this.openFailures.push({ failure, rank });
    this.reported++;
    this.maybeStart();
  }

  chunk(part: number, chunk: PackedChunk): void {
    if (this.output) return;
    if (this.mergers.length > 0) {
      for (const m of this.mergers) m.push(part, chunk);
      this.drain();
    } else this.pending[part].chunks.push(chunk);
  }

  end(part: number, dropped: Float64Array, error?: PartError, warnings: string[] = []): void {
    if (this.output) return;
    this.errors[part] = error;
    for (const w of warnings) this.warnings.add(w);
    this.ended++;
    if (this.mergers.length > 0) {
      for (const m of this.mergers) m.end(part, dropped);
      this.drain();
    } else this.pending[part].dropped = dropped;
  }

  private maybeStart(): void {
    if (this.output || this.reported < this.partCount || !this.experiment) return;
    if (this.openFailures.length > 0) {
      this.fail(firstOpenFailure(this.openFailures));
      return;
    }
    const opens = this.opens as Array<{ originNs: bigint; hasPackets: boolean }>;
    this.originNs = mergedOriginNs(opens, this.experiment.originNs);
    this.builders = this.run.map((index) =>
      modelBuilderFor({ ...this.experiment!, originNs: this.originNs }, this.symbolFiles, {
        index,
        count: this.partitions,
      }),
    );
    this.mergers = this.builders.map(
      (b, i) =>
        new PackedMerger(
          b,
          opens.map((o) => o.originNs),
          this.originNs,
          i === 0 ? this.onEvent : undefined,
        ),
    );
    this.pending.forEach((p, j) => {
      for (const m of this.mergers) {
        for (const c of p.chunks) m.push(j, c);
        if (p.dropped) m.end(j, p.dropped);
      }
    });
    this.drain();
  }

  /**
   * A stream that stopped at damage after giving records: the rest of it, from its last record to the trace's
   * end, is marked lost (a 'damaged-stream' range), so the timeline does not show silence as idle time.
   */
  private markDamagedStreams(builder: ModelBuilder): void {
    const endNs = builder.lastNs;
    this.errors.forEach((e, j) => {
      if (!e || e.atStart || e.trace === undefined || e.failure.file === undefined) return;
      const trace = this.experiment!.traces.findIndex((t) => t.name === e.trace);
      if (trace < 0) return;
      const lastNs = e.key + Number(this.opens[j]!.originNs - this.originNs);
      const beginNs = Number.isFinite(lastNs) ? lastNs : endNs;
      const byteOffset = e.failure.byteOffset ?? 0;
      const slash = e.failure.file.lastIndexOf('/');
      builder.addLoss({
        kind: 'damaged-stream',
        count: Math.max(0, (e.streamBytes ?? byteOffset) - byteOffset),
        beginNs,
        endNs: Math.max(beginNs, endNs),
        trace,
        stream: e.stream,
        cpu: e.cpu ?? null,
        file: e.failure.file.slice(slash + 1),
        byteOffset,
      });
    });
  }

  private drain(): void {
    let done = true;
    try {
      for (const merger of this.mergers) if (!merger.drain()) done = false;
      if (done && this.ended === this.partCount) for (const merger of this.mergers) merger.finish();
    } catch (err) {
      this.fail(ctfFailure(err));
      return;
    }
    if (!done || this.ended < this.partCount) return;
    for (const b of this.builders) this.markDamagedStreams(b);
    const partitions = this.builders.map((b) => b.finishPartition());
    // The whole-experiment decoder throws the error it met first in its merge: at the start (by stream), else
    // after the failed stream's last record.
    let first: PartError | undefined;
    let firstKey = Infinity;
    this.errors.forEach((e, j) => {
      if (!e) return;
      const key = e.atStart ? -Infinity : e.key + Number(this.opens[j]!.originNs - this.originNs);
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
    if (partialFailure && partialFailure.kind === 'internal') this.fail(partialFailure);
    else {
      const traceNames = this.experiment!.traces.map((t) => t.name);
      const warnings = [...new Set([...this.experiment!.warnings, ...this.warnings])];
      const output = { traceNames, partialFailure, warnings, partitions };
      this.output = { ok: true, value: output };
    }
  }
}

function feedParts(build: PoolModelBuild, parts: DecodedPart[]): void {
  parts.forEach((p, j) => build.open(j, { originNs: p.packed.originNs, hasPackets: p.hasPackets }));
  parts.forEach((p, j) => {
    for (const c of p.packed.chunks) build.chunk(j, c);
    build.end(j, p.packed.dropped, p.error, p.warnings);
  });
}

const NOT_COMPLETED: LoadFailure = { kind: 'internal', message: 'the model merge did not complete' };

/** Model step with every part at hand (Node tests, benchmark), all `partitions` in this thread. */
export function buildFromParts(
  metadata: Map<string, Uint8Array>,
  symbolFiles: Map<string, string>,
  parts: DecodedPart[],
  onEvent?: (events: number) => void,
  partitions = 1,
): Result<DecodedTrace> {
  const build = new PoolModelBuild(metadata, symbolFiles, parts.length, onEvent, { count: partitions });
  feedParts(build, parts);
  return build.result ?? { ok: false, failure: NOT_COMPLETED };
}

/** The partitions `partitioning.run` of the model step, with every part at hand (benchmark: one at a time). */
export function buildPartitionsFromParts(
  metadata: Map<string, Uint8Array>,
  symbolFiles: Map<string, string>,
  parts: DecodedPart[],
  partitioning: ModelPartitioning,
): Result<PartitionedTrace> {
  const build = new PoolModelBuild(metadata, symbolFiles, parts.length, undefined, partitioning);
  feedParts(build, parts);
  return build.output ?? { ok: false, failure: NOT_COMPLETED };
}

/** Metadata files and symbol mappings of an unpacked file list: what the model worker needs besides the parts. */
export function modelInputs(
  paths: string[],
  datas: FileData[],
): { metadata: Map<string, Uint8Array>; symbolFiles: Map<string, string> } {
  const metadata = new Map<string, Uint8Array>();
  const symbolFiles = new Map<string, string>();
  const text = new TextDecoder();
  const dirs = new Set(findTraceDirs(paths));
  paths.forEach((p, i) => {
    if (p.startsWith(SYMBOLS_PREFIX)) {
      // ELF files (by magic; in the page they stay Blobs, never read whole) are the symbolizer's, not nm text.
      const d = datas[i];
      if (d instanceof Uint8Array && !isElfMagic(d)) symbolFiles.set(p.slice(SYMBOLS_PREFIX.length), text.decode(d));
    } else if (baseOf(p) === 'metadata' && dirs.has(dirOf(p))) metadata.set(p, bytesOf(datas[i], p));
  });
  return { metadata, symbolFiles };
}
