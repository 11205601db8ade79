/**
 * The unpack worker's job: fetch a hosted trace (streamed, with progress) or read dropped files, then unpack
 * archives into a flat file set. Runs in a worker so that neither the download nor the inflating touches the
 * main thread. Failures are returned as LoadFailure values with what to fix.
 */
import { transfer } from 'comlink';
import { sizeText } from '../base/size-text';
import { findCopies } from '../ctf/duplicates';
import { groupTraceFiles } from '../ctf/experiment';
import { IngestError } from '../ingest/errors';
import { buildFileSet, type InputFile } from '../ingest/file-set';
import {
  buffersOf,
  throttle,
  type LoadFailure,
  type ProgressCallback,
  type Result,
  type SourceFile,
  type UnpackedFiles,
} from './protocol';

function failure(f: LoadFailure): { ok: false; failure: LoadFailure } {
  return { ok: false, failure: f };
}

/**
 * What one tab can hold: the files stay in memory while they decode (and for "Download as .tar.gz"), and a single
 * ArrayBuffer (one file, one download) is refused by browsers beyond about 2 GiB. Checked before reading, so a
 * huge drop or download fails at once with a message instead of freezing or crashing the tab.
 */
export const MAX_FILE_BYTES = 2 * 2 ** 30;
export const MAX_TOTAL_BYTES = 4 * 2 ** 30;

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

const TOO_LARGE_HINT =
  'Open a part of the session instead: fewer streams (a subset of the channel0_N / per-CPU files with their metadata), ' +
  'or a shorter recording (lttng snapshot, --tracefile-size/--tracefile-count, or session rotation). ' +
  '`npm run dump` and `npm run analyze` read traces of any size from disk.';

/** A failure when `bytes` (one file, or all of them when `total`) is more than a tab can hold; null when it fits. */
export function sizeFailure(name: string, bytes: number, total = false): LoadFailure | null {
  const limit = total ? MAX_TOTAL_BYTES : MAX_FILE_BYTES;
  if (bytes <= limit) return null;
  return {
    kind: 'too-large',
    file: total ? undefined : name,
    message: total
      ? `the files opened add up to ${gib(bytes)}: more than the ${gib(limit)} a browser tab can hold`
      : `${name} is ${gib(bytes)}: more than the ${gib(limit)} a browser tab can read as one file`,
    hint: TOO_LARGE_HINT,
  };
}

/** Allocation failures (RangeError: Array buffer allocation failed) said plainly, with the real size. */
export function outOfMemory(name: string, bytes: number, err: unknown, unpacking = false): LoadFailure | null {
  if (!(err instanceof RangeError)) return null;
  return {
    kind: 'too-large',
    file: name,
    message: unpacking
      ? `the browser ran out of memory unpacking ${name} (${sizeText(bytes)}, inflating to more than the tab can hold): ${err.message}`
      : `the browser ran out of memory reading ${name} (${sizeText(bytes)}): ${err.message}`,
    hint: TOO_LARGE_HINT,
  };
}

export function ingestFailure(err: unknown): LoadFailure {
  if (err instanceof IngestError) {
    if (/ inflates \d+:1 /.test(err.message)) return { kind: 'too-large', message: err.message, file: err.file, hint: TOO_LARGE_HINT };
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
  return { kind: 'internal', message: `unexpected error while unpacking: ${err instanceof Error ? err.message : String(err)}` };
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

/** Download with progress; tells unreachable hosts from CORS refusals and failed redirects by retrying opaquely. */
export async function fetchBytes(
  rawUrl: string,
  onProgress: (doneBytes: number, totalBytes: number | null) => void,
  baseUrl?: string,
): Promise<Result<{ name: string; bytes: Uint8Array }>> {
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
      message: response.status === 404 ? `trace not found (${status}): ${url.href}` : `the server answered ${status} for ${url.href}`,
      hint: response.status === 404 ? 'Check the link: the server has no file at this address.' : undefined,
    });
  }
  const lengthHeader = response.headers.get('content-length');
  const encoded = response.headers.get('content-encoding');
  // With Content-Encoding, Content-Length counts compressed bytes while the stream yields decoded ones.
  const totalBytes = lengthHeader && !encoded ? Number(lengthHeader) : null;
  const tooLarge = totalBytes !== null ? sizeFailure(urlFileName(url), totalBytes) : null;
  if (tooLarge) return failure({ ...tooLarge, url: url.href });
  let buffer = new Uint8Array(totalBytes ?? 1 << 20);
  let doneBytes = 0;
  if (!response.body) {
    buffer = new Uint8Array(await response.arrayBuffer());
    doneBytes = buffer.length;
  } else {
    const reader = response.body.getReader();
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (err) {
        return failure({
          kind: 'unreachable',
          url: url.href,
          message: `the download of ${url.href} broke off after ${doneBytes} bytes: ${err instanceof Error ? err.message : err}`,
        });
      }
      if (chunk.done) break;
      const value = chunk.value;
      const tooBig = sizeFailure(urlFileName(url), doneBytes + value.length);
      if (tooBig) {
        void reader.cancel();
        return failure({ ...tooBig, url: url.href });
      }
      if (doneBytes + value.length > buffer.length) {
        const grown = new Uint8Array(Math.max(buffer.length * 2, doneBytes + value.length));
        grown.set(buffer.subarray(0, doneBytes));
        buffer = grown;
      }
      buffer.set(value, doneBytes);
      doneBytes += value.length;
      onProgress(doneBytes, totalBytes);
    }
  }
  onProgress(doneBytes, totalBytes ?? doneBytes);
  return { ok: true, value: { name: urlFileName(url), bytes: buffer.subarray(0, doneBytes) } };
}

export function unpackInputs(inputs: InputFile[], onProgress?: (done: number, total: number) => void): Result<UnpackedFiles> {
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
    return failure(outOfMemory(name, inputs.reduce((n, i) => n + i.data.length, 0), err, true) ?? ingestFailure(err));
  }
}

/** Paths of symbol mapping files travel with the trace files under this prefix (never a trace path: hidden). */
export const SYMBOLS_PREFIX = '.symbols/';

/**
 * Every file in its own ArrayBuffer (files of a tar are views into one inflated buffer): the page hands each
 * decode worker of the pool only its files, and a buffer can be transferred to one worker only.
 */
export function ownBuffers(datas: Uint8Array[]): Uint8Array[] {
  const seen = new Set<ArrayBufferLike>();
  return datas.map((d) => {
    const whole = d.byteOffset === 0 && d.byteLength === d.buffer.byteLength && !seen.has(d.buffer);
    seen.add(d.buffer);
    return whole ? d : d.slice();
  });
}

function withTransfer(r: Result<UnpackedFiles>): Result<UnpackedFiles> {
  if (!r.ok) return r;
  r.value.datas = ownBuffers(r.value.datas);
  return transfer(r, buffersOf(r.value.datas));
}

export function createUnpackService(baseUrl?: string) {
  return {
    async openUrl(url: string, onProgress: ProgressCallback): Promise<Result<UnpackedFiles>> {
      const fetchProgress = throttle(onProgress);
      const fetched = await fetchBytes(
        url,
        (doneBytes, totalBytes) => fetchProgress.push({ phase: 'fetch', doneBytes, totalBytes, events: 0 }),
        baseUrl,
      );
      fetchProgress.flush();
      if (!fetched.ok) return fetched;
      const unpackProgress = throttle(onProgress);
      const r = unpackInputs([{ path: fetched.value.name, data: fetched.value.bytes }], (doneBytes, totalBytes) =>
        unpackProgress.push({ phase: 'unpack', doneBytes, totalBytes, events: 0 }),
      );
      unpackProgress.flush();
      if (!r.ok && r.failure.kind === 'not-trace') r.failure.url = url;
      return withTransfer(r);
    },

    async openFiles(files: SourceFile[], onProgress: ProgressCallback): Promise<Result<UnpackedFiles>> {
      const totalBytes = files.reduce((n, f) => n + f.blob.size, 0);
      const tooLarge = files.map((f) => sizeFailure(f.path, f.blob.size)).find((x) => x !== null) ?? sizeFailure('', totalBytes, true);
      if (tooLarge) return failure(tooLarge);
      const readProgress = throttle(onProgress);
      const inputs: InputFile[] = [];
      let doneBytes = 0;
      for (const f of files) {
        try {
          inputs.push({ path: f.path, data: new Uint8Array(await f.blob.arrayBuffer()) });
        } catch (err) {
          return failure(outOfMemory(f.path, f.blob.size, err) ?? {
            kind: 'internal',
            file: f.path,
            message: `cannot read ${f.path}: ${err instanceof Error ? err.message : String(err)}`,
          });
        }
        doneBytes += f.blob.size;
        readProgress.push({ phase: 'read', doneBytes, totalBytes, events: 0 });
      }
      readProgress.flush();
      const unpackProgress = throttle(onProgress);
      const r = unpackInputs(inputs, (d, t) => unpackProgress.push({ phase: 'unpack', doneBytes: d, totalBytes: t, events: 0 }));
      unpackProgress.flush();
      return withTransfer(r);
    },
  };
}

export type UnpackService = ReturnType<typeof createUnpackService>;
