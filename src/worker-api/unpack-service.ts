/**
 * The unpack worker's job: fetch a hosted trace (streamed to OPFS, with progress) or take dropped files, then
 * locate the trace files in them (archives listed or inflated as streams, never read whole). Runs in a worker so
 * that neither the download nor the inflating touches the main thread. Failures are returned as LoadFailure values
 * with what to fix.
 */
import { transfer } from 'comlink';
import { sizeText } from '../base/size-text';
import { BlobSource, type ByteInput } from '../ctf/decode/byte-source';
import { findCopies } from '../ctf/duplicates';
import { groupTraceFiles } from '../ctf/experiment';
import { memorySpill, sniffArchive, SNIFF_BYTES, type SpillFile } from '../ingest/archive';
import { IngestError } from '../ingest/errors';
import {
  buildFileSet,
  type FileSet,
  type InputFile,
  isSymbolListing,
  type Located,
  locateFiles,
} from '../ingest/file-set';
import { type OpfsFile, OpfsLoad } from './opfs';
import {
  buffersOf,
  byteInputOf,
  dataBytes,
  type FileData,
  throttle,
  type LoadFailure,
  type ProgressCallback,
  type Result,
  type OpfsSlice,
  type SourceFile,
  type UnpackedFiles,
} from './protocol';

function failure(f: LoadFailure): { ok: false; failure: LoadFailure } {
  return { ok: false, failure: f };
}

const TOO_LARGE_HINT =
  'Open a part of the session instead: fewer streams (a subset of the channel0_N / per-CPU files with their metadata), ' +
  'or a shorter recording (lttng snapshot, --tracefile-size/--tracefile-count, or session rotation). ' +
  '`npm run dump` and `npm run analyze` read traces of any size from disk.';

/**
 * Allocation failures (RangeError: Array buffer allocation failed) and storage refusals (OPFS quota) said plainly,
 * with the real size.
 */
export function outOfMemory(name: string, bytes: number, err: unknown, unpacking = false): LoadFailure | null {
  const quota = err instanceof Error && err.name === 'QuotaExceededError';
  if (!(err instanceof RangeError) && !quota) return null;
  const what = quota ? 'storage' : 'memory';
  return {
    kind: 'too-large',
    file: name,
    message: unpacking
      ? `the browser ran out of ${what} unpacking ${name} (${sizeText(bytes)}, inflating to more than the tab can hold): ${err.message}`
      : `the browser ran out of ${what} reading ${name} (${sizeText(bytes)}): ${err.message}`,
    hint: TOO_LARGE_HINT,
  };
}

export function ingestFailure(err: unknown): LoadFailure {
  if (err instanceof IngestError) {
    if (/ inflates \d+:1 /.test(err.message))
      return { kind: 'too-large', message: err.message, file: err.file, hint: TOO_LARGE_HINT };
    const notTrace = /^(not a trace archive|no `metadata` file|nothing to open)|is empty \(0 bytes\)/.test(err.message);
    return {
      kind: notTrace ? 'not-trace' : 'corrupt',
      message: err.message,
      file: err.file,
      byteOffset: err.byteOffset,
      hint: notTrace
        ? 'Open an LTTng trace folder (with its `metadata` file) or a .tar, .tar.gz or .zip of one.'
        : undefined,
    };
  }
  return {
    kind: 'internal',
    message: `unexpected error while unpacking: ${err instanceof Error ? err.message : String(err)}`,
  };
}

/** File name a URL points at ('https://h/x/trace.tar.gz?sig=1' -> 'trace.tar.gz'). */
export function urlFileName(url: URL): string {
  const last = url.pathname.split('/').filter(Boolean).pop();
  if (!last) return url.hostname;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** A URL as it may be shown: user name and password replaced (also in text that does not parse as a URL). */
export function redactUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1***@');
}

/**
 * Why a request failed with a bare TypeError (the browser says nothing more): a CORS refusal, a redirect the
 * browser would not follow (to a non-http address), or no answer at all. An opaque request succeeds in the first
 * case; a request that does not follow redirects sees the redirect in the second (browsers refuse no-cors
 * requests that do not follow redirects, so that one is a CORS request).
 */
async function diagnoseFetchFailure(url: URL): Promise<'cors' | 'redirect' | 'unreachable' | { redirectTo: string }> {
  try {
    await fetch(url.href, { mode: 'no-cors' });
    return 'cors';
  } catch {
    // not answered, or redirected somewhere that fails
  }
  try {
    const r = await fetch(url.href, { redirect: 'manual' });
    // Browsers hide the target of a redirect (opaqueredirect); Node shows it.
    if (r.type === 'opaqueredirect') return 'redirect';
    const to = r.headers.get('location');
    if (r.status >= 300 && r.status < 400) return to ? { redirectTo: new URL(to, url).href } : 'redirect';
  } catch {
    // no answer at all
  }
  return 'unreachable';
}

/** A download larger than `sink` can hold (a memory sink; an OPFS file has no bound but the disk). */
function downloadTooLarge(
  name: string,
  url: string,
  bytes: number,
  maxBytes: number,
): { ok: false; failure: LoadFailure } {
  return failure({
    kind: 'too-large',
    file: name,
    url,
    message: `${name} is ${sizeText(bytes)}: more than the ${sizeText(maxBytes)} this browser can hold in memory (it gives the page no Origin Private File System to store it)`,
    hint: TOO_LARGE_HINT,
  });
}

/** Bytes read at a time into one reused buffer where the sink copies what it is given (a download to OPFS). */
const DOWNLOAD_BLOCK_BYTES = 4 << 20;

/**
 * A response body's bytes, chunk by chunk (null at the end). With `reuse` (the sink copies each chunk before the
 * next read) and a byte stream, a BYOB reader fills one 4 MiB buffer again and again: the stream's own chunks are
 * a new buffer of tens of KiB each, 1 GB of garbage for a 1 GB download, and one write per chunk.
 */
function bodyReader(
  body: ReadableStream<Uint8Array>,
  reuse: boolean,
  onPartial: (bufferedBytes: number) => void,
): { read(): Promise<Uint8Array | null>; cancel(): void; bufferedBytes(): number } {
  let byob: ReadableStreamBYOBReader | null = null;
  if (reuse) {
    try {
      byob = body.getReader({ mode: 'byob' });
    } catch {
      byob = null; // not a byte stream here: the default reader
    }
  }
  if (!byob) {
    const reader = body.getReader();
    return {
      read: async () => {
        const r = await reader.read();
        return r.done ? null : r.value;
      },
      cancel: () => void reader.cancel(),
      bufferedBytes: () => 0,
    };
  }
  const byobReader = byob;
  let buffer: ArrayBuffer = new ArrayBuffer(DOWNLOAD_BLOCK_BYTES);
  let ended = false;
  let filled = 0;
  return {
    read: async () => {
      filled = 0;
      while (!ended && filled < buffer.byteLength) {
        // Each read transfers the buffer; the view it gives back holds it.
        const r = await byobReader.read(new Uint8Array(buffer, filled, buffer.byteLength - filled));
        if (r.value) {
          buffer = r.value.buffer as ArrayBuffer;
          filled += r.value.byteLength;
          if (!r.done && filled < buffer.byteLength) onPartial(filled); // progress while a block fills
        }
        if (r.done) ended = true;
      }
      return filled > 0 ? new Uint8Array(buffer, 0, filled) : null;
    },
    cancel: () => void byobReader.cancel(),
    /** Bytes read into the block that `read` has not returned yet (what a broken download got besides its blocks). */
    bufferedBytes: () => filled,
  };
}

/**
 * Download with progress into `sink` chunk by chunk (an OPFS file in the browser): the trace is never one buffer.
 * Tells unreachable hosts from CORS refusals and failed redirects by retrying opaquely.
 */
export async function fetchInto<H>(
  rawUrl: string,
  onProgress: (doneBytes: number, totalBytes: number | null) => void,
  openSink: () => Promise<SpillFile<H>>,
  baseUrl?: string,
): Promise<Result<{ name: string; handle: H; sizeBytes: number }>> {
  let url: URL;
  try {
    url = new URL(rawUrl, baseUrl);
  } catch {
    return failure({ kind: 'bad-url', message: `not a valid trace URL: ${redactUrl(rawUrl)}`, url: redactUrl(rawUrl) });
  }
  if (url.username !== '' || url.password !== '') {
    // Refused before any request: the password would go to the host in clear and end up in the page's link.
    const shown = new URL(url.href);
    shown.username = '';
    shown.password = '';
    return failure({
      kind: 'bad-url',
      message: `trace URLs with a user name or password are refused (nothing was requested): ${redactUrl(url.href)}`,
      url: redactUrl(url.href),
      hint: `Host the trace where it can be read without credentials, or use a link with a token in its query instead (${shown.href}?...).`,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return failure({
      kind: 'bad-url',
      message: `only http and https trace URLs can be opened, not ${url.protocol.replace(':', '')}: ${redactUrl(rawUrl)}`,
      url: url.href,
    });
  }
  let response: Response;
  try {
    response = await fetch(url.href);
  } catch {
    const why = await diagnoseFetchFailure(url);
    if (why === 'cors') {
      return failure({
        kind: 'cors',
        url: url.href,
        message: `${url.host} answered, but refused to share ${urlFileName(url)} with this page (CORS)`,
        hint: `The host must send the header \`Access-Control-Allow-Origin: *\` (or this viewer's origin) with the trace file. Locally, \`npm run serve-trace -- PATH\` does.`,
      });
    }
    if (why !== 'unreachable') {
      const to = typeof why === 'object' ? new URL(why.redirectTo) : null;
      const target =
        to && to.protocol !== 'http:' && to.protocol !== 'https:'
          ? `to a ${to.protocol.replace(':', '')} address (${redactUrl(to.href)}), which a web page cannot fetch: only http and https can be opened`
          : to
            ? `to ${redactUrl(to.href)}, which could not be fetched (not reachable, or it refuses cross-origin requests)`
            : 'to an address the browser would not fetch (not http or https, unreachable, or without CORS headers)';
      return failure({
        kind: 'http',
        url: url.href,
        message: `${url.host} answered with a redirect ${target}`,
        hint: 'Link the final http(s) address of the trace file instead.',
      });
    }
    return failure({
      kind: 'unreachable',
      url: url.href,
      message: `cannot reach ${url.host}: the request for ${url.href} got no answer`,
      hint: `Check that the server is up and the address is right. If it is up, it may refuse cross-origin requests: it must send \`Access-Control-Allow-Origin\`.`,
    });
  }
  if (!response.ok) {
    const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    return failure({
      kind: 'http',
      url: url.href,
      status: response.status,
      message:
        response.status === 404
          ? `trace not found (${status}): ${url.href}`
          : `the server answered ${status} for ${url.href}`,
      hint: response.status === 404 ? 'Check the link: the server has no file at this address.' : undefined,
    });
  }
  const lengthHeader = response.headers.get('content-length');
  const encoded = response.headers.get('content-encoding');
  // With Content-Encoding, Content-Length counts compressed bytes while the stream yields decoded ones.
  const totalBytes = lengthHeader && !encoded ? Number(lengthHeader) : null;
  const name = urlFileName(url);
  let doneBytes = 0;
  try {
    const sink = await openSink();
    if (totalBytes !== null && totalBytes > sink.maxBytes)
      return downloadTooLarge(name, url.href, totalBytes, sink.maxBytes);
    if (!response.body) {
      const all = new Uint8Array(await response.arrayBuffer());
      sink.write(all);
      doneBytes = all.length;
    } else {
      const reader = bodyReader(response.body, sink.copies === true, (buffered) =>
        onProgress(doneBytes + buffered, totalBytes),
      );
      for (;;) {
        let chunk: Uint8Array | null;
        try {
          chunk = await reader.read();
        } catch (err) {
          return failure({
            kind: 'unreachable',
            url: url.href,
            message: `the download of ${url.href} broke off after ${doneBytes + reader.bufferedBytes()} bytes: ${err instanceof Error ? err.message : err}`,
          });
        }
        if (chunk === null) break;
        if (doneBytes + chunk.length > sink.maxBytes) {
          reader.cancel();
          return downloadTooLarge(name, url.href, doneBytes + chunk.length, sink.maxBytes);
        }
        sink.write(chunk);
        doneBytes += chunk.length;
        onProgress(doneBytes, totalBytes);
      }
    }
    onProgress(doneBytes, totalBytes ?? doneBytes);
    return { ok: true, value: { name, handle: sink.finish().handle, sizeBytes: doneBytes } };
  } catch (err) {
    const oom = outOfMemory(name, Math.max(doneBytes, totalBytes ?? 0), err);
    if (oom) return failure({ ...oom, url: url.href });
    throw err;
  }
}

/** Download into memory (Node tools and tests; the page's path streams into OPFS through fetchInto). */
export async function fetchBytes(
  rawUrl: string,
  onProgress: (doneBytes: number, totalBytes: number | null) => void,
  baseUrl?: string,
): Promise<Result<{ name: string; bytes: Uint8Array }>> {
  const r = await fetchInto(rawUrl, onProgress, async () => memorySpill(), baseUrl);
  return r.ok ? { ok: true, value: { name: r.value.name, bytes: r.value.handle } } : r;
}

/** Files in memory to trace files (Node tools and tests; the browser's path is openBlobs). */
export function unpackInputs(
  inputs: InputFile[],
  onProgress?: (done: number, total: number) => void,
): Result<UnpackedFiles<Uint8Array>> {
  try {
    const set = buildFileSet(inputs, onProgress);
    // A stream or trace given twice is opened once, before the pool splits the files (one worker per copy would
    // otherwise count the events twice).
    const copies = findCopies(groupTraceFiles(set.files));
    for (const p of copies.dropped) set.files.delete(p);
    const warnings = [...set.skipped, ...copies.warnings];
    const paths = [...set.files.keys()];
    const datas = paths.map((p) => set.files.get(p)!);
    for (const [path, data] of set.symbolFiles) {
      paths.push(`${SYMBOLS_PREFIX}${path}`);
      datas.push(data);
    }
    const totalBytes = datas.reduce((n, d) => n + d.length, 0);
    return { ok: true, value: { label: set.label, traceDirs: set.traceDirs, paths, datas, totalBytes, warnings } };
  } catch (err) {
    // An archive can inflate to far more than it weighs: allocation failures say so rather than "internal error".
    const name = inputs.map((i) => i.path).join(', ');
    return failure(
      outOfMemory(
        name,
        inputs.reduce((n, i) => n + i.data.length, 0),
        err,
        true,
      ) ?? ingestFailure(err),
    );
  }
}

/** Paths of symbol mapping files travel with the trace files under this prefix (never a trace path: hidden). */
export const SYMBOLS_PREFIX = '.symbols/';

/**
 * Every file in its own ArrayBuffer (files of a tar are views into one inflated buffer): the page hands each
 * decode worker of the pool only its files, and a buffer can be transferred to one worker only. Blobs are left
 * as they are (they clone without copying their bytes).
 */
export function ownBuffers<D extends FileData>(datas: D[]): D[] {
  const seen = new Set<ArrayBufferLike>();
  return datas.map((d) => {
    if (!(d instanceof Uint8Array)) return d;
    const whole = d.byteOffset === 0 && d.byteLength === d.buffer.byteLength && !seen.has(d.buffer);
    seen.add(d.buffer);
    return whole ? d : (d.slice() as D);
  });
}

function withTransfer(r: Result<UnpackedFiles>): Result<UnpackedFiles> {
  if (!r.ok) return r;
  r.value.datas = ownBuffers(r.value.datas);
  return transfer(r, buffersOf(r.value.datas));
}

/** Where an archive's inflated bytes or a download went: an OPFS file, or memory when the browser has no OPFS. */
type Stored = Blob | Uint8Array | OpfsFile;

/** Files the model and every decode worker read whole (small): metadata, packet indexes, symbol mappings. */
function readWhole(path: string): boolean {
  return (
    path.startsWith(SYMBOLS_PREFIX) ||
    path === 'metadata' ||
    path.endsWith('/metadata') ||
    /(^|\/)index\/[^/]+\.idx$/.test(path)
  );
}

const NO_OPFS_NOTICE =
  'This browser gives the page no Origin Private File System (private window, or storage turned off): the trace ' +
  'is held in memory, which limits the size it can open.';

/**
 * Dropped or downloaded files (Blobs) to trace files, without copies: loose files stay Blobs, a `.tar`'s files are
 * slices of it, compressed archives are inflated as streams into OPFS (else memory, with a notice) and their files
 * are slices of that. Small files (metadata, indexes, symbols) are read into bytes. Runs in the unpack worker
 * (FileReaderSync reads the Blobs).
 */
async function openBlobs(
  files: Array<SourceFile & { stored?: OpfsFile }>,
  opfs: OpfsLoad | null,
  onProgress: ProgressCallback,
  notices: string[],
): Promise<Result<UnpackedFiles>> {
  // A download comes with its OPFS file (`stored`): its slices can then be read there by the decode workers.
  const inputs = files.map((f) => ({ path: f.path, source: new BlobSource(f.blob), handle: f.stored ?? f.blob }));
  // Spill files are created (asynchronously) before the synchronous expansion takes them.
  const spills: Array<SpillFile<Stored>> = [];
  for (const [i, input] of inputs.entries()) {
    const kind = sniffArchive(input.source.read(0, SNIFF_BYTES));
    if (kind !== 'gzip' && kind !== 'zip') continue;
    if (opfs) spills.push(await opfs.create(`inflated-${i}`));
    else {
      spills.push(memorySpill());
      if (!notices.includes(NO_OPFS_NOTICE)) notices.push(NO_OPFS_NOTICE);
    }
  }
  const unpackProgress = throttle(onProgress);
  const totalIn = inputs.reduce((n, i) => n + i.source.sizeBytes, 0);
  let located: FileSet<Located<Stored>>;
  try {
    located = locateFiles(
      inputs,
      () => spills.shift()!,
      (d, t) => unpackProgress.push({ phase: 'unpack', doneBytes: d, totalBytes: t, events: 0 }),
    );
  } catch (err) {
    const name = files.map((f) => f.path).join(', ');
    return failure(outOfMemory(name, totalIn, err, true) ?? ingestFailure(err));
  }
  unpackProgress.flush();
  const blobs = new Map<Stored, Promise<Blob>>();
  files.forEach((f) => f.stored && blobs.set(f.stored, Promise.resolve(f.blob)));
  const blobOf = (h: Stored): Promise<Blob> => {
    let b = blobs.get(h);
    if (!b) {
      b =
        h instanceof Blob
          ? Promise.resolve(h)
          : h instanceof Uint8Array
            ? Promise.resolve(new Blob([h as Uint8Array<ArrayBuffer>]))
            : h.file();
      blobs.set(h, b);
    }
    return b;
  };
  const paths: string[] = [];
  const datas: FileData[] = [];
  const inOpfs: Array<OpfsSlice | null> = [];
  let totalBytes = 0;
  const add = async (path: string, l: Located<Stored>, whole = readWhole(path)) => {
    const slice = (await blobOf(l.in)).slice(l.offsetBytes, l.offsetBytes + l.sizeBytes);
    paths.push(path);
    datas.push(whole ? new Uint8Array(await slice.arrayBuffer()) : slice);
    const stored = l.in;
    inOpfs.push(
      !whole && !(stored instanceof Blob) && !(stored instanceof Uint8Array)
        ? { entry: stored.entry, offsetBytes: l.offsetBytes }
        : null,
    );
    totalBytes += l.sizeBytes;
  };
  for (const [path, l] of located.files) await add(path, l);
  // A stream or trace given twice is opened once, before the pool splits the files (one worker per copy would
  // otherwise count the events twice). Only files of equal size are read to be compared (duplicates.ts).
  const copies = findCopies(
    groupTraceFiles(new Map<string, ByteInput>(paths.map((p, i) => [p, byteInputOf(datas[i])]))),
  );
  const dropped = new Set(copies.dropped);
  for (let i = paths.length - 1; i >= 0; i--) {
    if (!dropped.has(paths[i])) continue;
    totalBytes -= dataBytes(datas[i]);
    paths.splice(i, 1);
    datas.splice(i, 1);
    inOpfs.splice(i, 1);
  }
  // nm listings are read whole (the model reads them); ELF files stay Blobs, read lazily by the symbolizer.
  for (const [path, l] of located.symbolFiles) await add(`${SYMBOLS_PREFIX}${path}`, l, isSymbolListing(path));
  return {
    ok: true,
    value: {
      label: located.label,
      traceDirs: located.traceDirs,
      paths,
      datas,
      totalBytes,
      notice: notices.length > 0 ? notices.join(' ') : undefined,
      warnings: [...located.skipped, ...copies.warnings],
      opfs: inOpfs.some((o) => o !== null) ? inOpfs : undefined,
    },
  };
}

export function createUnpackService(baseUrl?: string) {
  return {
    /** `loadId`: the load's OPFS directory, kept while the page holds its lock (opfs.ts). */
    async openUrl(url: string, onProgress: ProgressCallback, loadId?: string): Promise<Result<UnpackedFiles>> {
      const opfs = loadId !== undefined ? await OpfsLoad.open(loadId) : null;
      const notices: string[] = [];
      const fetchProgress = throttle(onProgress);
      const fetched = await fetchInto<Stored>(
        url,
        (doneBytes, totalBytes) => fetchProgress.push({ phase: 'fetch', doneBytes, totalBytes, events: 0 }),
        async () => {
          if (opfs) return opfs.create('download');
          notices.push(NO_OPFS_NOTICE);
          return memorySpill();
        },
        baseUrl,
      );
      fetchProgress.flush();
      if (!fetched.ok) return fetched;
      const { handle } = fetched.value;
      const blob =
        handle instanceof Blob
          ? handle
          : handle instanceof Uint8Array
            ? new Blob([handle as Uint8Array<ArrayBuffer>])
            : await handle.file();
      const stored = handle instanceof Blob || handle instanceof Uint8Array ? undefined : handle;
      const r = await openBlobs([{ path: fetched.value.name, blob, stored }], opfs, onProgress, notices);
      if (!r.ok && r.failure.kind === 'not-trace') r.failure.url = url;
      return withTransfer(r);
    },

    async openFiles(
      files: SourceFile[],
      onProgress: ProgressCallback,
      loadId?: string,
    ): Promise<Result<UnpackedFiles>> {
      const opfs = loadId !== undefined ? await OpfsLoad.open(loadId) : null;
      return withTransfer(await openBlobs(files, opfs, onProgress, []));
    },
  };
}

export type UnpackService = ReturnType<typeof createUnpackService>;
