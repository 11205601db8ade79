/**
 * Load status of the current trace: what is being opened, progress, failure, and the loaded model. The model is
 * kept by reference (typed arrays, never copied or proxied); subscribers re-render only when it is replaced.
 */
import { create } from 'zustand';
import type { TraceModel } from '../model/types';
import { LoadCancelled, startLoad, type LoadHandle, type LoadedTrace, type TraceSourceSpec } from '../worker-api/load-client';
import type { LoadFailure, LoadProgress } from '../worker-api/protocol';

/** Where the loaded trace came from; `files` traces have no URL and cannot be linked. */
export type TraceOrigin = { kind: 'url'; url: string } | { kind: 'demo' } | { kind: 'files'; names: string[] };

export type LoadStatus = 'idle' | 'loading' | 'loaded' | 'error';

export interface TraceStoreState {
  status: LoadStatus;
  origin: TraceOrigin | null;
  progress: LoadProgress | null;
  failure: LoadFailure | null;
  /** Set when decoding stopped early at corrupt data: the model holds the events before it. */
  partialFailure: LoadFailure | null;
  /** A note on how the trace was loaded (e.g. held in memory for want of OPFS). */
  notice: string | null;
  model: TraceModel | null;
  label: string;
  traceNames: string[];
  totalBytes: number;
  /** Increments with every successful load, so views can reset per trace. */
  loadId: number;
  open(spec: TraceSourceSpec): Promise<void>;
  cancel(): void;
  /** Back to the landing page (drop zone). */
  close(): void;
  /** The loaded files as one .tar.gz bundle (null when nothing is loaded). */
  bundle(): Promise<Blob | null>;
}

let current: LoadHandle | null = null;
let loaded: LoadedTrace | null = null;
let loadedOrigin: TraceOrigin | null = null;

function originOf(spec: TraceSourceSpec): TraceOrigin {
  if (spec.kind === 'files') return { kind: 'files', names: spec.files.map((f) => f.path) };
  return spec.kind === 'url' ? { kind: 'url', url: spec.url } : { kind: 'demo' };
}

export const useTraceStore = create<TraceStoreState>()((set, get) => ({
  status: 'idle',
  origin: null,
  progress: null,
  failure: null,
  partialFailure: null,
  notice: null,
  model: null,
  label: '',
  traceNames: [],
  totalBytes: 0,
  loadId: 0,

  async open(spec) {
    current?.cancel();
    const handle = startLoad(spec, (progress) => {
      if (current === handle) set({ progress });
    });
    current = handle;
    set({ status: 'loading', origin: originOf(spec), progress: null, failure: null, partialFailure: null, notice: null });
    let result;
    try {
      result = await handle.promise;
    } catch (err) {
      if (err instanceof LoadCancelled) return;
      throw err;
    }
    if (current !== handle) {
      if (result.ok) result.value.dispose();
      return;
    }
    current = null;
    if (!result.ok) {
      set({ status: 'error', failure: result.failure, progress: null });
      return;
    }
    loaded?.dispose();
    loaded = result.value;
    loadedOrigin = get().origin;
    // Tests and profiles split main-thread work into "loading" and "first render of the loaded trace".
    performance.mark('strata-model-received');
    set({
      status: 'loaded',
      model: result.value.model,
      label: result.value.label,
      traceNames: result.value.traceNames,
      totalBytes: result.value.totalBytes,
      partialFailure: result.value.partialFailure ?? null,
      notice: result.value.notice ?? null,
      progress: null,
      loadId: get().loadId + 1,
    });
  },

  cancel() {
    if (!current) return;
    current.cancel();
    current = null;
    // Keep showing the previous trace if there was one.
    set({ status: get().model ? 'loaded' : 'idle', progress: null, origin: get().model ? loadedOrigin : null });
  },

  close() {
    current?.cancel();
    current = null;
    loaded?.dispose();
    loaded = null;
    loadedOrigin = null;
    set({ status: 'idle', origin: null, model: null, failure: null, partialFailure: null, notice: null, progress: null, traceNames: [], label: '' });
  },

  async bundle() {
    return loaded ? loaded.bundle() : null;
  },
}));
