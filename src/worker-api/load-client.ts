/**
 * Main-thread side of loading: starts the workers, forwards progress, and returns the model. Two workers: one
 * fetches/reads and unpacks, one decodes and builds the model. The main thread only moves transferred buffers.
 */
import { proxy, transfer, wrap, type Remote } from 'comlink';
import type { TraceModel } from '../model/types';
import { PART_BATCH, unpackValue } from './model-transfer';
import type { DecodeService, ModelPart } from './decode-service';
import { buffersOf, type LoadFailure, type LoadProgress, type Result, type SourceFile } from './protocol';
import type { UnpackService } from './unpack-service';

export type TraceSourceSpec =
  | { kind: 'url'; url: string }
  | { kind: 'demo' }
  | { kind: 'files'; files: SourceFile[] };

export interface LoadedTrace {
  model: TraceModel;
  label: string;
  traceNames: string[];
  totalBytes: number;
  /** Decoding stopped at a corrupt spot: the model holds what came before it. */
  partialFailure?: LoadFailure;
  /** The loaded files as one .tar.gz (kept in the decode worker). */
  bundle(): Promise<Uint8Array | null>;
  /** Release the decode worker and the files it keeps. */
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

function startWorker<T>(kind: 'unpack' | 'decode'): { worker: Worker; api: Remote<T> } {
  // Literal URLs: Vite bundles each worker from these expressions.
  const worker =
    kind === 'unpack'
      ? new Worker(new URL('../../workers/unpack.worker.ts', import.meta.url), { type: 'module', name: 'strata-unpack' })
      : new Worker(new URL('../../workers/decode.worker.ts', import.meta.url), { type: 'module', name: 'strata-decode' });
  return { worker, api: wrap<T>(worker) };
}

export class LoadCancelled extends Error {
  constructor() {
    super('loading cancelled');
    this.name = 'LoadCancelled';
  }
}

export function startLoad(spec: TraceSourceSpec, onProgress: (p: LoadProgress) => void): LoadHandle {
  const unpack = startWorker<UnpackService>('unpack');
  const decode = startWorker<DecodeService>('decode');
  let cancelled = false;
  let rejectCancel: (e: Error) => void = () => {};
  const cancelPromise = new Promise<never>((_, reject) => {
    rejectCancel = reject;
  });
  const workerCrash = (w: Worker, what: string) =>
    new Promise<never>((_, reject) => {
      w.addEventListener('error', (e) => reject(new Error(`the ${what} worker crashed: ${e.message || 'unknown error'}`)));
    });
  const crashes = Promise.race([workerCrash(unpack.worker, 'unpack'), workerCrash(decode.worker, 'decode')]);
  const progress = proxy(onProgress);

  const run = async (): Promise<Result<LoadedTrace>> => {
    const unpacked =
      spec.kind === 'files'
        ? await unpack.api.openFiles(spec.files, progress)
        : await unpack.api.openUrl(spec.kind === 'demo' ? demoUrl() : spec.url, progress);
    unpack.worker.terminate();
    if (!unpacked.ok) {
      decode.worker.terminate();
      return unpacked;
    }
    const files = unpacked.value;
    const decoded = await decode.api.decode(transfer(files, buffersOf(files.datas)), progress);
    if (!decoded.ok) {
      decode.worker.terminate();
      return decoded;
    }
    // Threads, processes and losses come in batches, each received in its own short task (model-transfer.ts).
    const fetchPart = async <K extends ModelPart>(kind: K): Promise<TraceModel[K]> => {
      const out: TraceModel[K][number][] = [];
      for (let start = 0; start < decoded.value.partCounts[kind]; start += PART_BATCH[kind]) {
        const batch = unpackValue(await decode.api.part(kind, start, PART_BATCH[kind]));
        for (const x of batch) out.push(x);
      }
      return out as TraceModel[K];
    };
    const threads = await fetchPart('threads');
    const processes = await fetchPart('processes');
    const losses = await fetchPart('losses');
    void decode.api.release();
    const model: TraceModel = { ...decoded.value.model, threads, processes, losses };
    onProgress({ phase: 'done', doneBytes: files.totalBytes, totalBytes: files.totalBytes, events: model.eventCount });
    return {
      ok: true,
      value: {
        model,
        traceNames: decoded.value.traceNames,
        partialFailure: decoded.value.partialFailure,
        label: files.label,
        totalBytes: files.totalBytes,
        bundle: () => decode.api.bundle(),
        dispose: () => decode.worker.terminate(),
      },
    };
  };

  const promise = Promise.race([run(), cancelPromise, crashes]).catch((err: unknown): Result<LoadedTrace> => {
    unpack.worker.terminate();
    decode.worker.terminate();
    if (err instanceof LoadCancelled) throw err;
    return { ok: false, failure: { kind: 'internal', message: err instanceof Error ? err.message : String(err) } };
  });
  return {
    promise,
    cancel() {
      if (cancelled) return;
      cancelled = true;
      unpack.worker.terminate();
      decode.worker.terminate();
      rejectCancel(new LoadCancelled());
    },
  };
}
