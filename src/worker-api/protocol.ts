/**
 * What crosses the worker boundary while loading a trace. Failures come back as values (LoadFailure), not thrown
 * errors, because comlink keeps only the message of a thrown error and the UI needs the kind, file and byte.
 */
import { BlobSource, type ByteInput, type ByteSource, readAll } from '../ctf/decode/byte-source';
import type { TraceModel } from '../model/types';

export type LoadPhase = 'read' | 'fetch' | 'unpack' | 'decode' | 'done';

export interface LoadProgress {
  phase: LoadPhase;
  /** Bytes received (fetch), read or inflated (unpack). */
  doneBytes: number;
  /** Total bytes, null when the server sent no Content-Length. */
  totalBytes: number | null;
  /** Events decoded so far (decode phase). */
  events: number;
}

export type ProgressCallback = (p: LoadProgress) => void;

export type LoadFailureKind =
  | 'unreachable' // network error and the host does not answer even without CORS
  | 'cors' // the host answers, but without Access-Control-Allow-Origin
  | 'http' // 404 and other statuses
  | 'bad-url'
  | 'not-trace' // not an archive, no metadata
  | 'corrupt' // archive or CTF data damaged: file and byte when known
  | 'too-large' // more than a browser tab can hold
  | 'stalled' // a worker made no progress for several seconds and was stopped (watchdog.ts)
  | 'internal';

export interface LoadFailure {
  kind: LoadFailureKind;
  /** One sentence: what went wrong, and where. */
  message: string;
  /** What the user can do about it. */
  hint?: string;
  url?: string;
  status?: number;
  file?: string;
  byteOffset?: number;
}

export type Result<T> = { ok: true; value: T } | { ok: false; failure: LoadFailure };

/** A loose file or an archive handed to the unpack worker (Blobs clone cheaply: the worker reads them). */
export interface SourceFile {
  path: string;
  blob: Blob;
}

/** Where a stream file lies in an OPFS file (a download or an inflated archive): decode workers read it there. */
export interface OpfsSlice {
  entry: FileSystemFileHandle;
  offsetBytes: number;
}

/**
 * A file's data: bytes (small files: metadata, indexes, symbols), or a Blob that decode workers read packet by
 * packet (stream files in the browser: a dropped File, a slice of a `.tar`, an OPFS file). In one thread only
 * (Node's CLIs and tests, never sent to a worker), also a ByteSource: a file on disk read by positioned reads.
 */
export type FileData = Uint8Array | Blob | ByteSource;

function isByteSourceData(d: FileData): d is ByteSource {
  return !(d instanceof Uint8Array) && typeof (d as Partial<ByteSource>).read === 'function';
}

/** Unpacked trace files, ready for the decode workers. Bytes are views whose buffers are transferred. */
export interface UnpackedFiles<D extends FileData = FileData> {
  label: string;
  traceDirs: string[];
  paths: string[];
  datas: D[];
  totalBytes: number;
  /** Said in the page: e.g. the trace is held in memory because the browser has no OPFS. */
  notice?: string;
  /** Archive entries skipped, copies left out: one sentence each, shown in the trace summary. */
  warnings?: string[];
  /** Per file (same order as `paths`): where a stream file read from OPFS lies there, else null. */
  opfs?: Array<OpfsSlice | null>;
}

export interface DecodedTrace {
  model: TraceModel;
  /** Names of the traces as the decoder saw them ('kernel', 'ust/uid/1000/64-bit', '' for a lone trace). */
  traceNames: string[];
  /** Decoding stopped at corruption: what was decoded before it is in the model. */
  partialFailure?: LoadFailure;
  /** The experiment's warnings (Experiment.warnings), shown in the trace summary. */
  warnings?: string[];
}

/** Unique ArrayBuffers behind a list of views, for a transfer list (Blobs are cloned, not transferred). */
export function buffersOf(views: FileData[]): ArrayBuffer[] {
  const set = new Set<ArrayBuffer>();
  for (const v of views) if (v instanceof Uint8Array) set.add(v.buffer as ArrayBuffer);
  return [...set];
}

/** Size in bytes of a file's data. */
export function dataBytes(d: FileData): number {
  return d instanceof Uint8Array ? d.length : isByteSourceData(d) ? d.sizeBytes : d.size;
}

/** A file's data for the decoder: bytes as they are, a Blob read on demand (FileReaderSync: workers only). */
export function byteInputOf(d: FileData): ByteInput {
  return d instanceof Uint8Array || isByteSourceData(d) ? d : new BlobSource(d);
}

/** Bytes of a small file (metadata, index, symbols), which always travel as bytes. */
export function bytesOf(d: FileData, path: string): Uint8Array {
  if (d instanceof Uint8Array) return d;
  if (isByteSourceData(d)) return readAll(d);
  throw new Error(`${path} should have been read into memory by the unpack worker`);
}

/** Calls `send` at most every `intervalMs`, plus a final flush. */
export function throttle<T>(send: (value: T) => void, intervalMs = 50): { push(value: T): void; flush(): void } {
  let last = -Infinity;
  let pending: T | null = null;
  return {
    push(value: T) {
      const now = performance.now();
      if (now - last >= intervalMs) {
        last = now;
        pending = null;
        send(value);
      } else {
        pending = value;
      }
    },
    flush() {
      if (pending !== null) send(pending);
      pending = null;
    },
  };
}
