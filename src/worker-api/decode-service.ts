/**
 * The decode worker script's services. The model needs one time-ordered sequence of all events (CPU-based thread
 * attribution reads the kernel's scheduling while it reads user-space events), so the work is split as:
 * - pool decode workers (`decodePart`): each decodes a subset of the stream files in time order into packed
 *   columns, posted chunk by chunk to the model worker (pool.ts, ../model/packed-events.ts);
 * - the model worker (`build`): merges the chunks by time as they arrive and builds the model, then hands it
 *   over in batches (`part`);
 * - `decode`: the single-worker path: the same pool with one part, in one worker.
 *
 * The model worker keeps the files so that "Download as .tar.gz" can bundle exactly what was loaded.
 */
import { transfer } from 'comlink';
import { ctfFailure } from './failure';

export { ctfFailure };
import type { TraceModel } from '../model/types';
import { buffersIn } from '../model/arena';
import { bundleBlob } from './bundle';
import {
  buffersOf,
  byteInputOf,
  dataBytes,
  type DecodedTrace,
  type FileData,
  type LoadFailure,
  type ProgressCallback,
  type Result,
  type UnpackedFiles,
} from './protocol';
import { PART_BATCH, transferBatches } from './model-transfer';
import { chunkTransferables, type PackedChunk } from '../model/packed-events';
import {
  subsetInput,
  buildFromParts,
  decodeSubset,
  modelInputs,
  planPool,
  joinPartitions,
  PoolModelBuild,
  type ModelPartitioning,
  type PartError,
  type PartitionedTrace,
  type SubsetInput,
} from './pool';
import type { SymbolInfo } from '../model/types';
import { symbolizeBinaries, type SymbolBatch } from '../model/symbolize';
import { isElfMagic } from '../symbols/elf';
import { loadDemangler } from '../symbols/demangle';
import { SYMBOLS_PREFIX } from './unpack-service';
import { SymbolLibrary, type SymbolFile } from '../symbols/symbolizer';
import { MemorySource } from '../base/byte-source';
import { HandleSource } from '../ctf/decode/byte-source';
import { openReadOnly, type SyncHandle } from './opfs';
import { EventTable, type EventMatches, type EventRange, type EventRowsPage, type EventSearch } from './events-service';

/** What a pool decode worker posts to the model worker. */
type PartMessage =
  | { t: 'open'; originNs: bigint; hasPackets: boolean }
  | { t: 'chunk'; chunk: PackedChunk }
  | { t: 'fail'; failure: LoadFailure; rank: number }
  | { t: 'end'; dropped: Float64Array; error?: PartError; warnings: string[]; paths: string[]; datas: FileData[] };

/**
 * Feeds what the decode workers post on `ports` (one each) into `build`, then `settle`s; `beforeEnd` sees each
 * part's end before the build does.
 */
function feedParts(
  build: PoolModelBuild,
  ports: MessagePort[],
  opened: boolean[],
  settle: () => void,
  beforeEnd?: (m: Extract<PartMessage, { t: 'end' }>) => void,
): void {
  ports.forEach((port, k) => {
    port.onmessage = (e: MessageEvent<PartMessage>) => {
      const m = e.data;
      if (m.t === 'open') {
        opened[k] = true;
        build.open(k, m);
      } else if (m.t === 'chunk') build.chunk(k, m.chunk);
      else if (m.t === 'fail') build.openFailed(k, m.failure, m.rank);
      else {
        beforeEnd?.(m);
        build.end(k, m.dropped, m.error, m.warnings);
      }
      settle();
    };
  });
}

/**
 * Decode and build the model, synchronously, in this thread: the pool with one part (the same plan, decoding,
 * merge and error ranking as several workers). Used by the CLIs, Node tests and the single-worker fallback.
 */
export function decodeFiles(input: UnpackedFiles, onProgress?: ProgressCallback): Result<DecodedTrace> {
  const sizes = input.datas.map(dataBytes);
  const plan = planPool(input.paths, sizes, 1);
  const { metadata, symbolFiles } = modelInputs(input.paths, input.datas);
  const part = decodeSubset(subsetInput(plan, plan.subsets[0], input), onProgress);
  if (!part.ok) return { ok: false, failure: part.failure };
  return buildFromParts(metadata, symbolFiles, [part.value]);
}

/** A read-only handle on each OPFS file `input`'s stream files lie in (null where the browser refuses one). */
async function openOpfsSlices(input: SubsetInput): Promise<Map<FileSystemFileHandle, SyncHandle | null>> {
  const handles = new Map<FileSystemFileHandle, SyncHandle | null>();
  for (const at of input.opfs ?? []) {
    if (at && !handles.has(at.entry)) handles.set(at.entry, await openReadOnly(at.entry));
  }
  return handles;
}

/** Ports of the other model workers' partitions (`from`: the second model worker's first). */
export interface PartitionPorts {
  from: MessagePort[];
}

/** The model from the first model worker's build and the other workers' partitions (all succeeded). */
function joinBuild(build: PoolModelBuild, others: Array<Result<PartitionedTrace> | null>): Result<DecodedTrace> {
  if (others.length === 0) return build.result!;
  try {
    const outputs = [build.output!, ...others].map((o) => (o as { ok: true; value: PartitionedTrace }).value);
    return { ok: true, value: joinPartitions(outputs) };
  } catch (err) {
    return { ok: false, failure: ctfFailure(err) };
  }
}

/** Model parts sent in batches after the head (each can hold tens of thousands of entries). */
export type ModelPart = 'threads' | 'processes' | 'losses' | 'cpus';
const MODEL_PARTS: readonly ModelPart[] = ['threads', 'processes', 'losses', 'cpus'];

/** The decoded trace with its model's batched parts empty: they follow with `sendParts`. */
export type DecodedHead = DecodedTrace;

/**
 * One worker script, several roles: a pool decode worker (`decodePart`); the first model worker (`build`, then
 * `sendParts` and `handOff`); another model worker (`buildPartition`); the files worker once the model is on the
 * page (`adopt`, then `bundle`, `resolveSymbols` and the events table); `decode` does decode and model in one
 * worker (the pool of one part).
 */
export interface DecodeServiceOptions {
  /** The C++/Rust demangler's wasm bytes (the browser fetches the bundled asset); without it names stay raw. */
  loadDemangleWasm?: () => Promise<BufferSource>;
}

/** A loaded trace's files and what serving them needs, without the model (`handOff` / `adopt`). */
export interface KeptState {
  files: UnpackedFiles;
  symbolInfo: SymbolInfo | undefined;
  originNs: bigint;
}

export function createDecodeService(options: DecodeServiceOptions = {}) {
  let kept: UnpackedFiles | null = null;
  let pending: Pick<TraceModel, ModelPart> | null = null;
  // The model build in progress (for the watchdog's heartbeat and abandonPart).
  let merged = 0;
  let active: { build: PoolModelBuild; ports: MessagePort[]; opened: boolean[]; settle: () => void } | null = null;
  let symbolInfo: SymbolInfo | undefined;
  let modelOriginNs = 0n;
  // The events table's reader, opened on its first request (after the model is on the page).
  let events: EventTable | null = null;
  const eventTable = (): EventTable => {
    if (!kept) throw new Error('no trace is loaded');
    events ??= new EventTable(kept, modelOriginNs);
    return events;
  };
  /** A model build (or partitions of one) over `parts` decode parts, its progress kept for the heartbeat. */
  const modelBuild = (
    input: Pick<UnpackedFiles, 'paths' | 'datas'>,
    parts: number,
    partitions: ModelPartitioning,
  ): PoolModelBuild => {
    const { metadata, symbolFiles } = modelInputs(input.paths, input.datas);
    merged = 0;
    return new PoolModelBuild(metadata, symbolFiles, parts, (n) => (merged = n), partitions);
  };
  const head = (r: Result<DecodedTrace>): Result<DecodedHead> => {
    if (!r.ok) return r;
    symbolInfo = r.value.model.symbols;
    modelOriginNs = r.value.model.originNs;
    events = null;
    const { threads, processes, losses, cpus, ...rest } = r.value.model;
    pending = { threads, processes, losses, cpus };
    const model: TraceModel = { ...rest, threads: [], processes: [], losses: [], cpus: [] };
    return { ok: true, value: { ...r.value, model } };
  };
  return {
    /** Decodes; returns the model without its threads, processes and losses (they follow with `sendParts`). */
    async decode(input: UnpackedFiles, onProgress: ProgressCallback): Promise<Result<DecodedHead>> {
      kept = input;
      return head(decodeFiles(input, onProgress));
    },
    /**
     * Pool decode worker: decodes one subset, posting to `ports` (one per model worker, the first the one that
     * keeps the files) its opening, each chunk of packed records as it fills, and its end with the subset's files.
     * The first model worker gets them transferred; every other one a copy (a page that is not cross-origin
     * isolated has no SharedArrayBuffer), and the end without the files.
     */
    async decodePart(input: SubsetInput, ports: MessagePort[], onProgress: ProgressCallback): Promise<void> {
      const send = (m: PartMessage, moved: ArrayBuffer[] = []) => {
        const copy = m.t === 'end' ? { ...m, paths: [], datas: [] } : m;
        for (let i = 1; i < ports.length; i++) ports[i].postMessage(copy);
        ports[0].postMessage(m, moved);
      };
      // Stream files that lie in OPFS are read there through read-only handles (HandleSource); the Blobs go back
      // with the part's end, for the bundle.
      const handles = await openOpfsSlices(input);
      let r: ReturnType<typeof decodeSubset>;
      try {
        const datas = input.datas.map((d, i) => {
          const at = input.opfs?.[i];
          const handle = at ? handles.get(at.entry) : undefined;
          return at && handle ? new HandleSource(handle, at.offsetBytes, dataBytes(d)) : d;
        });
        r = decodeSubset({ ...input, datas }, onProgress, {
          onOpen: (info) => send({ t: 'open', ...info }),
          onChunk: (chunk) => send({ t: 'chunk', chunk }, chunkTransferables(chunk)),
        });
      } finally {
        for (const h of handles.values()) h?.close();
      }
      if (!r.ok) send({ t: 'fail', failure: r.failure, rank: r.rank });
      else {
        const { packed, error, warnings } = r.value;
        const { paths, datas } = input;
        send({ t: 'end', dropped: packed.dropped, error, warnings, paths, datas }, [
          packed.dropped.buffer as ArrayBuffer,
          ...buffersOf(datas),
        ]);
      }
    },
    /**
     * Model worker: merges what the pool's decode workers post on `ports` (one per worker) into the model as it
     * arrives. `input` lists every file; the decode workers' files arrive with their ends (kept for the bundle).
     */
    async build(
      input: UnpackedFiles,
      ports: MessagePort[],
      partitions?: PartitionPorts,
      onFinishing?: (events: number) => void,
    ): Promise<Result<DecodedHead>> {
      kept = input;
      const at = new Map(input.paths.map((p, i) => [p, i]));
      const build = modelBuild(input, ports.length, { count: (partitions?.from.length ?? 0) + 1, run: [0] });
      // The other model workers' partitions (../model/assemble.ts), as each finishes.
      const others: Array<Result<PartitionedTrace> | null> = (partitions?.from ?? []).map(() => null);
      return new Promise((resolve) => {
        const settle = () => {
          const own = build.output;
          if (!own) return;
          let failure: LoadFailure | undefined;
          for (const o of [own, ...others]) if (o && !o.ok) failure ??= o.failure;
          if (failure === undefined && others.some((o) => o === null)) return;
          for (const port of [...ports, ...(partitions?.from ?? [])]) port.close();
          active = null;
          if (failure !== undefined) return resolve({ ok: false, failure });
          resolve(head(joinBuild(build, others)));
        };
        partitions?.from.forEach((port, i) => {
          port.onmessage = (e: MessageEvent<Result<PartitionedTrace>>) => {
            others[i] = e.data;
            settle();
          };
        });
        const opened = ports.map(() => false);
        let ended = 0;
        active = { build, ports, opened, settle };
        settle();
        feedParts(build, ports, opened, settle, (m) => {
          m.paths.forEach((p, j) => {
            const i = at.get(p);
            if (i !== undefined && dataBytes(input.datas[i]) === 0) input.datas[i] = m.datas[j];
          });
          // The last part's end finishes the model in one go (seconds on a large trace): say so first, so the
          // page's watchdog does not take the silence for a stall.
          if (++ended === ports.length) onFinishing?.(merged);
        });
      });
    },
    /**
     * A model worker after the first: builds partition `partition.index` of the model from what the decode workers
     * post on `ports`, and posts it (transferred) on `out` to the first model worker, which joins the partitions.
     * `input` holds the metadata and symbol files only.
     */
    async buildPartition(
      input: Pick<UnpackedFiles, 'paths' | 'datas'>,
      ports: MessagePort[],
      partition: { index: number; count: number },
      out: MessagePort,
    ): Promise<void> {
      const build = modelBuild(input, ports.length, { count: partition.count, run: [partition.index] });
      return new Promise((resolve) => {
        const settle = () => {
          const output = build.output;
          if (!output) return;
          for (const port of ports) port.close();
          active = null;
          const moved = output.ok ? buffersIn(output.value.partitions) : [];
          out.postMessage(output, moved);
          out.close();
          resolve();
        };
        const opened = ports.map(() => false);
        active = { build, ports, opened, settle };
        feedParts(build, ports, opened, settle);
      });
    },
    /** Events merged into the model so far: the page's watchdog calls this to see the model worker is alive. */
    async heartbeat(): Promise<number> {
      return merged;
    },
    /**
     * The page stopped pool decode worker `part` (it made no progress): build the model from what it sent, with
     * `failure` as the reason the model is partial. A part that had not opened yet fails the whole build.
     */
    async abandonPart(part: number, failure: LoadFailure): Promise<void> {
      const a = active;
      if (!a) return;
      a.ports[part].onmessage = null;
      a.ports[part].close();
      if (a.opened[part])
        a.build.end(part, new Float64Array(0), { failure, atStart: false, key: Infinity, stream: Infinity });
      else a.build.openFailed(part, failure, -1);
      a.settle();
    },
    /**
     * Sends the model's batched parts to the page (`onBatch`, a comlink proxy), each batch moving its buffers
     * (model-transfer.ts): the worker's copy leaves as the page's arrives, never two copies at once. Batches go
     * out without waiting for the page, so posting here and receiving there overlap. Resolves once the page has
     * taken every batch.
     */
    async sendParts(onBatch: (kind: ModelPart, batch: unknown[]) => unknown): Promise<void> {
      if (!pending) throw new Error('no decoded model to send');
      const parts = pending;
      pending = null;
      const taken: unknown[] = [];
      for (const kind of MODEL_PARTS) {
        for (const b of transferBatches<unknown>(parts[kind], PART_BATCH[kind]))
          taken.push(onBatch(kind, transfer(b.items, b.buffers)));
      }
      await Promise.all(taken);
    },
    /**
     * What this worker keeps besides the model (the files, the symbol table, the time origin), moved out so that
     * a fresh worker can `adopt` it: the page then stops this one, and the heap it built the model in (hundreds of
     * MB of garbage on a large trace, collected whenever the worker's GC gets to it) goes at once.
     */
    async handOff(): Promise<KeptState> {
      if (!kept) throw new Error('no trace is loaded');
      const state: KeptState = { files: kept, symbolInfo, originNs: modelOriginNs };
      kept = null;
      events = null;
      return transfer(state, buffersOf(state.files.datas));
    },
    /** Takes over what `handOff` gave: serves the bundle, symbol resolution and the events table from here on. */
    async adopt(state: KeptState): Promise<void> {
      kept = state.files;
      symbolInfo = state.symbolInfo;
      modelOriginNs = state.originNs;
      events = null;
    },
    /**
     * Names the model's offset-labelled C frames from the ELF files that came with the trace, one binary per
     * batch (`onBatches`), yielding between binaries: the page draws offsets first and relabels as batches arrive.
     */
    async resolveSymbols(onBatches: (batches: SymbolBatch[]) => void): Promise<void> {
      if (!kept || !symbolInfo) return;
      const files = kept;
      // ELF files are read lazily, section by section, from their Blobs (or bytes).
      const elves: SymbolFile[] = [];
      files.paths.forEach((p, i) => {
        if (!p.startsWith(SYMBOLS_PREFIX)) return;
        const input = byteInputOf(files.datas[i]);
        const source = input instanceof Uint8Array ? new MemorySource(input) : input;
        if (isElfMagic(source.read(0, 4))) elves.push({ path: p.slice(SYMBOLS_PREFIX.length), source });
      });
      const demangle =
        elves.length > 0 && options.loadDemangleWasm ? await loadDemangler(options.loadDemangleWasm) : undefined;
      const library = new SymbolLibrary(elves, demangle);
      // Batches that rename frames go at once; status-only ones wait for the next (one page update, not one each).
      let held: SymbolBatch[] = [];
      for (const batch of symbolizeBinaries(symbolInfo, library)) {
        held.push(batch);
        if (batch.frames.length === 0) continue;
        onBatches(held);
        held = [];
        await new Promise((r) => setTimeout(r, 0));
      }
      if (held.length > 0) onBatches(held);
    },
    /** Events table: rows [offset, offset + limit) of the events in `range`, and how many it holds. */
    async eventRows(range: EventRange, offset: number, limit: number): Promise<EventRowsPage> {
      return eventTable().page(range, offset, limit);
    },
    /** Events table: the offset in `range` of the first event at or after `tNs`. */
    async eventOffsetAt(range: EventRange, tNs: number): Promise<number> {
      return eventTable().offsetAt(range, tNs);
    },
    /** Events table: the rows at these offsets of `range` (ascending; a filter's visible rows). */
    async eventRowsAt(range: EventRange, offsets: number[]): Promise<EventRowsPage['rows']> {
      return eventTable().rowsAt(range, offsets);
    },
    /** Events table search (Enter): the next matching row after `afterOffset`, wrapping round; -1 if none. */
    async findEvent(
      range: EventRange,
      search: EventSearch,
      afterOffset: number,
    ): Promise<{ offset: number; error?: string }> {
      return eventTable().find(range, search, afterOffset);
    },
    /** Events table filter (Ctrl+Enter): the matching rows' offsets in `range` and their count. */
    async filterEvents(range: EventRange, search: EventSearch): Promise<EventMatches> {
      const m = eventTable().filter(range, search);
      return transfer(m, [m.offsets.buffer as ArrayBuffer]);
    },
    /** A Blob: it reaches the page without a copy of its bytes in either heap. */
    async bundle(): Promise<Blob | null> {
      if (!kept) return null;
      return bundleBlob(kept.label, kept.paths, kept.datas);
    },
  };
}

export type DecodeService = ReturnType<typeof createDecodeService>;
