/**
 * Main-thread side of loading: starts the workers, forwards progress, and returns the model. One worker fetches
 * or reads and unpacks; a pool of decode workers (pool.ts) each decodes a subset of the stream files into packed
 * columns; one model worker merges them and builds the model, moves it to the page in batches, then hands the files
 * to a fresh worker that serves the bundle, symbol resolution and the events table (the model worker's heap goes
 * with it). The main thread only moves transferred buffers (and clones the small metadata files for each decode
 * worker).
 */
import { proxy, transfer, wrap, type Remote } from 'comlink';
import type { TraceModel } from '../model/types';
import type { SymbolBatch } from '../model/symbolize';
import type { DecodeService, ModelPart } from './decode-service';
import { planPool, subsetInput, workerShape } from './pool';
import {
  buffersOf,
  dataBytes,
  type LoadFailure,
  type LoadProgress,
  type Result,
  type SourceFile,
  type UnpackedFiles,
} from './protocol';
import type { UnpackService } from './unpack-service';
import { loadLockName, newLoadId } from './opfs';
import { handOverFailure } from './failure';
import type { EventsClient } from './events-service';
import { DEFAULT_STALL_MS, stallMessage, Watchdog, type Stall } from './watchdog';

export type TraceSourceSpec = { kind: 'url'; url: string } | { kind: 'demo' } | { kind: 'files'; files: SourceFile[] };

export interface LoadedTrace {
  model: TraceModel;
  label: string;
  traceNames: string[];
  totalBytes: number;
  /** Decoding stopped at a corrupt spot: the model holds what came before it. */
  partialFailure?: LoadFailure;
  /** Shown in the page (e.g. no OPFS: the trace is held in memory). */
  notice?: string;
  /** What the user must know to trust the picture (skipped entries, copies left out, doubtful metadata). */
  warnings: string[];
  /** The loaded files as one .tar.gz (built by the worker that keeps the files). */
  bundle(): Promise<Blob | null>;
  /** Name C frames from the ELF files given with the trace: one batch per binary, as each resolves. */
  resolveSymbols(onBatches: (batches: SymbolBatch[]) => void): Promise<void>;
  /** The events table: rows of a time range decoded on demand by the worker that keeps the files. */
  events: EventsClient;
  /** Release the worker that keeps the files (their OPFS copies are deleted by a later load). */
  dispose(): void;
}

export interface LoadHandle {
  promise: Promise<Result<LoadedTrace>>;
  cancel(): void;
}

export const DEMO_PATH = 'demo/article.tar.gz';

export function demoUrl(): string {
  return new URL(DEMO_PATH, document.baseURI).href;
}

/** Relative trace URLs are relative to the page, not to the worker script. */
function resolveOnPage(url: string): string {
  try {
    return new URL(url, document.baseURI).href;
  } catch {
    return url; // the worker reports it as not a valid URL
  }
}

function startWorker<T>(kind: 'unpack' | 'decode', name = `strata-${kind}`): { worker: Worker; api: Remote<T> } {
  // Literal URLs: Vite bundles each worker from these expressions.
  const worker =
    kind === 'unpack'
      ? new Worker(new URL('../../workers/unpack.worker.ts', import.meta.url), { type: 'module', name })
      : new Worker(new URL('../../workers/decode.worker.ts', import.meta.url), { type: 'module', name });
  return { worker, api: wrap<T>(worker) };
}

export class LoadCancelled extends Error {
  constructor() {
    super('loading cancelled');
    this.name = 'LoadCancelled';
  }
}

/**
 * Holds the Web Lock that keeps a load's OPFS files (opfs.ts) until `release`: later loads delete only the files
 * of loads whose lock is gone.
 */
function holdLoadLock(loadId: string): () => void {
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  if (typeof navigator !== 'undefined' && navigator.locks)
    void navigator.locks.request(loadLockName(loadId), () => held);
  return release;
}

/**
 * `?modelWorkers=N` / `?decodeWorkers=N` (1 to 8) in the page's address: the number of model or decode workers (a
 * debugging aid, how the browser tests run partitions on a 2-core machine, and how bench:load compares shapes);
 * else undefined, workerShape's choice.
 */
function forcedWorkers(param: 'modelWorkers' | 'decodeWorkers'): number | undefined {
  const forced = Number(new URLSearchParams(location.search).get(param));
  return Number.isInteger(forced) && forced >= 1 && forced <= 8 ? forced : undefined;
}

/**
 * The model worker's finishing step gives no news (the watchdog's heartbeat goes unanswered); its time grows with
 * the events merged: 20 s for 128 M events measured, 0.5 us an event is ample.
 */
const FINISH_MS_PER_EVENT = 0.0005;

export function startLoad(spec: TraceSourceSpec, onProgress: (p: LoadProgress) => void): LoadHandle {
  const loadId = newLoadId();
  const releaseLock = holdLoadLock(loadId);
  const unpack = startWorker<UnpackService>('unpack');
  // The model worker also keeps the files for the bundle; decode workers start once the files are known.
  const model = startWorker<DecodeService>('decode', 'strata-model');
  const pool: Array<{ worker: Worker; api: Remote<DecodeService> }> = [];
  // The worker that serves the loaded files once the model is on the page.
  let serving: Worker | undefined;
  // Model workers after the first (each builds a partition of the threads and hands it to the first).
  const partitionWorkers: Array<{ worker: Worker; api: Remote<DecodeService> }> = [];
  let cancelled = false;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const terminateAll = () => {
    releaseLock();
    clearInterval(heartbeat);
    watchdog.stop();
    unpack.worker.terminate();
    model.worker.terminate();
    serving?.terminate();
    for (const w of pool) w.worker.terminate();
    for (const w of partitionWorkers) w.worker.terminate();
  };
  let rejectCancel: (e: Error) => void = () => {};
  const cancelPromise = new Promise<never>((_, reject) => {
    rejectCancel = reject;
  });
  let rejectCrash: (e: Error) => void = () => {};
  const crashes = new Promise<never>((_, reject) => {
    rejectCrash = reject;
  });
  // The watchdog (watchdog.ts) over the decode step: a stalled decode worker is stopped and the model is built
  // from what it sent; a stalled model worker holds everything, so it ends the load.
  let resolveStall: (r: Result<LoadedTrace>) => void = () => {};
  const stalls = new Promise<Result<LoadedTrace>>((resolve) => {
    resolveStall = resolve;
  });
  let onStall: (s: Stall) => void = () => {};
  const watchdog = new Watchdog({ stallMs: DEFAULT_STALL_MS, onStall: (s) => onStall(s) });
  const watch = (w: Worker, what: string) =>
    w.addEventListener('error', (e) =>
      rejectCrash(new Error(`the ${what} worker crashed: ${e.message || 'unknown error'}`)),
    );
  watch(unpack.worker, 'unpack');
  watch(model.worker, 'model');
  // The first report of each phase is marked too (bench:load's time split).
  const phasesSeen = new Set<string>();
  const progress = proxy((p: LoadProgress) => {
    if (!phasesSeen.has(p.phase)) {
      phasesSeen.add(p.phase);
      performance.mark(`strata-phase-${p.phase}`);
    }
    onProgress(p);
  });
  let countEvents = () => 0;
  const decodedEvents = () => countEvents();

  const run = async (): Promise<Result<LoadedTrace>> => {
    const unpacked =
      spec.kind === 'files'
        ? await unpack.api.openFiles(spec.files, progress, loadId)
        : await unpack.api.openUrl(spec.kind === 'demo' ? demoUrl() : resolveOnPage(spec.url), progress, loadId);
    unpack.worker.terminate();
    // Phase marks for bench:load's time split (download/unpack, decode + model, hand-over).
    performance.mark('strata-unpacked');
    if (!unpacked.ok) {
      terminateAll();
      if (spec.kind === 'demo' && unpacked.failure.kind === 'http') {
        unpacked.failure.hint = `The demo archive ${DEMO_PATH} is generated by \`npm run demo\` (run by \`npm start\` and \`npm run build\`).`;
      }
      return unpacked;
    }
    const files = unpacked.value;
    const shape = workerShape(navigator.hardwareConcurrency, Infinity, forcedWorkers('modelWorkers'));
    const modelWorkers = shape.model;
    const plan = planPool(files.paths, files.datas.map(dataBytes), forcedWorkers('decodeWorkers') ?? shape.decode);
    onProgress({ phase: 'decode', doneBytes: 0, totalBytes: files.totalBytes, events: 0 });
    const eventsByWorker = plan.subsets.map(() => 0);
    countEvents = () => eventsByWorker.reduce((a, b) => a + b, 0);
    const shared = new Set(plan.metadata);
    const inSubset = new Set(plan.subsets.flat());
    // Decode workers post their chunks straight to every model worker, one channel per pair: the page is not a
    // relay. The first model worker keeps the files and joins the others' partitions (one channel each).
    const channels = plan.subsets.map(() => Array.from({ length: modelWorkers }, () => new MessageChannel()));
    const partitionChannels = Array.from({ length: modelWorkers - 1 }, () => new MessageChannel());
    onStall = (s) => {
      if (s.task === 'model') {
        terminateAll();
        resolveStall({
          ok: false,
          failure: {
            kind: 'stalled',
            message: stallMessage(s, 'model'),
            hint: 'What was decoded so far cannot be opened: the model worker that holds it is the one that stopped.',
          },
        });
        return;
      }
      const k = Number(s.task.slice('decode-'.length));
      pool[k].worker.terminate();
      const failure: LoadFailure = {
        kind: 'stalled',
        message: stallMessage(s, 'decode'),
        file: s.files[0],
        hint: 'The files may be damaged in a way the decoder does not recognise.',
      };
      // The model worker finishes from what it has: as when the last part ends, in one go.
      watchdog.extend('model', decodedEvents() * FINISH_MS_PER_EVENT);
      void model.api.abandonPart(k, failure);
      for (const w of partitionWorkers) void w.api.abandonPart(k, failure);
    };
    const streamFiles = (subset: number[]) => subset.filter((i) => !shared.has(i)).map((i) => files.paths[i]);
    plan.subsets.forEach((subset, k) => {
      const w = startWorker<DecodeService>('decode', `strata-decode-${k}`);
      watch(w.worker, 'decode');
      pool.push(w);
      // Stream and index files move to their worker; metadata (in every subset) is copied.
      const moved = buffersOf(subset.filter((i) => !shared.has(i)).map((i) => files.datas[i]));
      const input = subsetInput(plan, subset, files);
      watchdog.watch(`decode-${k}`, { files: streamFiles(subset), events: 0 });
      const onPart = proxy((p: LoadProgress) => {
        watchdog.progress(`decode-${k}`, p.events);
        eventsByWorker[k] = p.events;
        onProgress({
          phase: 'decode',
          doneBytes: 0,
          totalBytes: files.totalBytes,
          events: eventsByWorker.reduce((a, b) => a + b, 0),
        });
      });
      // A throw here (a bug, not a corrupt trace: those come back as values) would leave the model waiting.
      const ports = channels[k].map((c) => c.port1);
      w.api
        .decodePart(transfer(input, moved), transfer(ports, ports), onPart)
        .then(() => {
          performance.mark('strata-decoded'); // the last one is when decoding ended (bench:load)
          watchdog.done(`decode-${k}`);
          // Its part is posted (files included): its heap is of no more use while the model is finished.
          w.worker.terminate();
        })
        .catch((err: unknown) =>
          rejectCrash(new Error(`the decode worker failed: ${err instanceof Error ? err.message : String(err)}`)),
        );
    });
    // The model worker gets the metadata, symbol files and Blobs now (Blobs clone without their bytes), the
    // moved bytes back from the decode workers.
    const modelFiles: UnpackedFiles = {
      ...files,
      datas: files.datas.map((d, i) =>
        inSubset.has(i) && !shared.has(i) && d instanceof Uint8Array ? new Uint8Array(0) : d,
      ),
    };
    const ports = channels.map((c) => c[0].port2);
    const moving = buffersOf(modelFiles.datas.filter((_, i) => !inSubset.has(i)));
    // The other model workers need the metadata and the symbol listings only (copied; ELF files are Blobs).
    const modelOnly = files.paths.flatMap((_, i) => (inSubset.has(i) && !shared.has(i) ? [] : [i]));
    partitionChannels.forEach((c, j) => {
      const w = startWorker<DecodeService>('decode', `strata-model-${j + 1}`);
      watch(w.worker, 'model');
      partitionWorkers.push(w);
      const own = channels.map((ch) => ch[j + 1].port2);
      const input = { paths: modelOnly.map((i) => files.paths[i]), datas: modelOnly.map((i) => files.datas[i]) };
      w.api
        .buildPartition(input, transfer(own, own), { index: j + 1, count: modelWorkers }, transfer(c.port1, [c.port1]))
        .catch((err: unknown) =>
          rejectCrash(new Error(`a model worker failed: ${err instanceof Error ? err.message : String(err)}`)),
        );
    });
    const from = partitionChannels.map((c) => c.port2);
    // The model worker answers its heartbeat between chunks: no answer for the stall time means it is stuck.
    watchdog.watch('model', { files: plan.subsets.flatMap(streamFiles), events: 0 });
    heartbeat = setInterval(() => {
      void model.api.heartbeat().then((n) => watchdog.progress('model', n));
    }, 1000);
    const onFinishing = proxy((events: number) => watchdog.extend('model', events * FINISH_MS_PER_EVENT));
    const decoded = await model.api
      .build(transfer(modelFiles, moving), transfer(ports, ports), transfer({ from }, from), onFinishing)
      .finally(() => {
        clearInterval(heartbeat);
        watchdog.stop();
      });
    for (const w of pool) w.worker.terminate();
    for (const w of partitionWorkers) w.worker.terminate();
    performance.mark('strata-model-built');
    if (!decoded.ok) {
      terminateAll();
      return decoded;
    }
    // The worker that will serve the files starts now: its script loads while the model comes over.
    const server = startWorker<DecodeService>('decode', 'strata-files');
    serving = server.worker;
    watch(server.worker, 'files');
    // Threads, processes, losses and CPUs come in batches, each received in its own short task (model-transfer.ts).
    const parts: Pick<TraceModel, ModelPart> = { threads: [], processes: [], losses: [], cpus: [] };
    await model.api.sendParts(
      proxy((kind: ModelPart, batch: unknown[]) => {
        const list: unknown[] = parts[kind];
        for (const x of batch) list.push(x);
      }),
    );
    // The model worker's heap goes with it: a fresh worker serves the files from here on (decode-service.ts).
    const kept = await model.api.handOff();
    model.worker.terminate();
    await server.api.adopt(transfer(kept, buffersOf(kept.files.datas)));
    const traceModel: TraceModel = { ...decoded.value.model, ...parts };
    onProgress({
      phase: 'done',
      doneBytes: files.totalBytes,
      totalBytes: files.totalBytes,
      events: traceModel.eventCount,
    });
    return {
      ok: true,
      value: {
        model: traceModel,
        traceNames: decoded.value.traceNames,
        partialFailure: decoded.value.partialFailure,
        notice: files.notice,
        warnings: [...(files.warnings ?? []), ...(decoded.value.warnings ?? [])],
        label: files.label,
        totalBytes: files.totalBytes,
        bundle: () => server.api.bundle(),
        resolveSymbols: (onBatches) => server.api.resolveSymbols(proxy(onBatches)),
        events: {
          rows: (range, offset, limit) => server.api.eventRows(range, offset, limit),
          rowsAt: (range, offsets) => server.api.eventRowsAt(range, offsets),
          find: (range, search, after) => server.api.findEvent(range, search, after),
          filter: (range, search) => server.api.filterEvents(range, search),
          offsetAt: (range, tNs) => server.api.eventOffsetAt(range, tNs),
        },
        dispose: () => {
          server.worker.terminate();
          releaseLock();
        },
      },
    };
  };

  const promise = Promise.race([run(), cancelPromise, crashes, stalls]).catch((err: unknown): Result<LoadedTrace> => {
    terminateAll();
    if (err instanceof LoadCancelled) throw err;
    return { ok: false, failure: handOverFailure(err, decodedEvents) };
  });
  return {
    promise,
    cancel() {
      if (cancelled) return;
      cancelled = true;
      terminateAll();
      rejectCancel(new LoadCancelled());
    },
  };
}
