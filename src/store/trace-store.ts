/**
 * Load status of the current trace: what is being opened, progress, failure, and the loaded model. The model is
 * kept by reference (typed arrays, never copied or proxied); subscribers re-render only when it is replaced.
 */
import { create } from 'zustand';
import type { TraceModel } from '../model/types';
import { applySymbolBatch } from '../model/symbolize';
import { traceTitle } from '../model/title';
import {
  LoadCancelled,
  startLoad,
  type LoadHandle,
  type LoadedTrace,
  type TraceSourceSpec,
} from '../worker-api/load-client';
import type { LoadFailure, LoadProgress } from '../worker-api/protocol';
import type { EventsClient } from '../worker-api/events-service';

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
  /** What the user must know to trust the picture (copies left out, skipped entries, doubtful metadata). */
  warnings: string[];
  model: TraceModel | null;
  /** A decode worker stalled (status 'error'): events of the partial model the user may open with openStalled. */
  stalledEvents: number | null;
  label: string;
  traceNames: string[];
  totalBytes: number;
  /** Increments with every successful load, so views can reset per trace. */
  loadId: number;
  /** Increments each time C frames of the model were renamed in place from the binaries' symbols. */
  symbolsVersion: number;
  /** Increments each time binaries' symbol statuses changed (the Symbols panel). */
  symbolStatusVersion: number;
  open(spec: TraceSourceSpec): Promise<void>;
  cancel(): void;
  /** Opens what was decoded before a decode worker stalled. */
  openStalled(): void;
  /** Back to the landing page (drop zone). */
  close(): void;
  /** The loaded files as one .tar.gz bundle (null when nothing is loaded). */
  bundle(): Promise<Blob | null>;
}

let current: LoadHandle | null = null;
let loaded: LoadedTrace | null = null;
let loadedOrigin: TraceOrigin | null = null;
/** The partial model of a stalled load, until the user opens it or loads something else. */
let stalled: LoadedTrace | null = null;

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
  warnings: [],
  model: null,
  stalledEvents: null,
  label: '',
  traceNames: [],
  totalBytes: 0,
  loadId: 0,
  symbolsVersion: 0,
  symbolStatusVersion: 0,

  async open(spec) {
    current?.cancel();
    const handle = startLoad(spec, (progress) => {
      if (current === handle) set({ progress });
    });
    current = handle;
    stalled?.dispose();
    stalled = null;
    set({
      status: 'loading',
      origin: originOf(spec),
      progress: null,
      failure: null,
      partialFailure: null,
      stalledEvents: null,
      warnings: [],
      notice: null,
    });
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
    if (result.value.partialFailure?.kind === 'stalled') {
      // Not shown at once: the user is told where it stopped and chooses to open the part decoded before.
      stalled = result.value;
      set({
        status: 'error',
        failure: result.value.partialFailure,
        stalledEvents: result.value.model.eventCount,
        progress: null,
      });
      return;
    }
    showLoaded(result.value);
  },

  openStalled() {
    if (!stalled) return;
    const value = stalled;
    stalled = null;
    set({ failure: null, stalledEvents: null });
    showLoaded(value);
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
    set({
      status: 'idle',
      origin: null,
      model: null,
      failure: null,
      partialFailure: null,
      warnings: [],
      notice: null,
      progress: null,
      traceNames: [],
      label: '',
    });
  },

  async bundle() {
    return loaded ? loaded.bundle() : null;
  },
}));

/** The events table of the trace shown (decoded on demand in its model worker); null when none is loaded. */
export function eventsClient(): EventsClient | null {
  return loaded?.events ?? null;
}

/** Makes a loaded trace (whole, or partial with its failure) the current one. */
function showLoaded(value: LoadedTrace): void {
  const { getState, setState } = useTraceStore;
  loaded?.dispose();
  loaded = value;
  loadedOrigin = getState().origin;
  // Tests and profiles split main-thread work into "loading" and "first render of the loaded trace".
  performance.mark('strata-model-received');
  setState({
    status: 'loaded',
    model: value.model,
    label: traceTitle(value.label, value.model),
    traceNames: value.traceNames,
    totalBytes: value.totalBytes,
    partialFailure: value.partialFailure ?? null,
    warnings: value.warnings,
    notice: value.notice ?? null,
    progress: null,
    loadId: getState().loadId + 1,
  });
  // Drawn with offsets first; each binary's names replace them as they resolve in the model worker.
  const model = value.model;
  if (model.symbols) {
    const mine = loaded;
    void mine
      .resolveSymbols((batches) => {
        if (loaded !== mine) return;
        for (const batch of batches) applySymbolBatch(model, batch);
        const renamed = batches.some((b) => b.frames.length > 0);
        setState({
          symbolStatusVersion: getState().symbolStatusVersion + 1,
          ...(renamed ? { symbolsVersion: getState().symbolsVersion + 1 } : {}),
        });
      })
      .catch((err: unknown) => {
        if (loaded !== mine) return; // the trace was closed or replaced: its worker is gone
        // Say so on every binary still waiting, rather than leaving "reading…" forever.
        for (const b of model.symbols!.binaries)
          b.resolution ??= {
            named: 0,
            problem: `reading the symbol files failed: ${err instanceof Error ? err.message : String(err)}`,
          };
        setState({ symbolStatusVersion: getState().symbolStatusVersion + 1 });
      });
  }
}
