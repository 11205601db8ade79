/**
 * Archive sniffing and unpacking by content, not by name: gzip (then tar inside), zip, tar. Archives are read
 * through a ByteSource in chunks and nothing is held whole: a `.tar`'s files are located in the archive itself;
 * gzip and zip are inflated as streams (fflate) into spill files (OPFS files in the browser, memory in Node), and
 * their files are located in those. A corrupt stream is reported with its byte offset. No DOM: runs in the unpack
 * worker and in Node tests.
 */
import { Gunzip, Unzip, UnzipInflate } from 'fflate';
import { type ByteSource, MemorySource } from '../ctf/decode/byte-source';
import { IngestError } from './errors';
import { listTar, looksLikeTar, normalizeEntryPath, type TarEntry } from './tar';

export type ArchiveKind = 'gzip' | 'zip' | 'tar';

/** Progress of a byte-consuming step: done and total bytes of the input. */
export type BytesProgress = (doneBytes: number, totalBytes: number) => void;

/** Bytes needed to sniff an archive (the tar magic is at 257). */
export const SNIFF_BYTES = 512;

export function sniffArchive(bytes: Uint8Array): ArchiveKind | null {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip';
  if (
    bytes.length >= 4 &&
    bytes[0] === 0x50 &&
    bytes[1] === 0x4b &&
    ((bytes[2] === 0x03 && bytes[3] === 0x04) || (bytes[2] === 0x05 && bytes[3] === 0x06))
  ) {
    return 'zip';
  }
  if (looksLikeTar(bytes)) return 'tar';
  return null;
}

/** `session.tar.gz` -> `session`. */
export function archiveStem(name: string): string {
  const base = name.split('/').pop() ?? name;
  const stem = base.replace(/\.(tar\.gz|tar\.gzip|tgz|tar|zip|gz)$/i, '');
  return stem === '' ? base : stem;
}

const INPUT_CHUNK_BYTES = 1 << 20;

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

function crc32Update(crc: number, data: Uint8Array): number {
  let c = crc;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return c;
}

/** A file that inflated bytes are appended to; `finish` gives it back, readable, with the caller's handle. */
export interface SpillFile<H> {
  write(chunk: Uint8Array): void;
  finish(): { source: ByteSource; handle: H };
}

/** Makes spill files (one per compressed archive). */
export type Spill<H> = (name: string) => SpillFile<H>;

/** The Node and fallback spill: chunks in memory, joined into one buffer at the end. */
export function memorySpill(): SpillFile<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  return {
    write(chunk) {
      parts.push(chunk);
      total += chunk.length;
    },
    finish() {
      let bytes: Uint8Array;
      if (parts.length === 1) bytes = parts[0];
      else {
        bytes = new Uint8Array(total);
        let pos = 0;
        for (const p of parts) {
          bytes.set(p, pos);
          pos += p.length;
        }
      }
      parts.length = 0;
      return { source: new MemorySource(bytes), handle: bytes };
    },
  };
}

/** Feed `source` to `push` in chunks (the last one flagged), with progress; returns the offset reached on error. */
function feed(source: ByteSource, push: (chunk: Uint8Array, final: boolean) => void, onProgress?: BytesProgress): void {
  const total = source.sizeBytes;
  if (total === 0) push(new Uint8Array(0), true);
  for (let offset = 0; offset < total; ) {
    const end = Math.min(total, offset + INPUT_CHUNK_BYTES);
    push(source.read(offset, end - offset), end === total);
    onProgress?.(end, total);
    offset = end;
  }
}

/**
 * Inflate a gzip stream from `source` into `out`; errors name the file and the byte offset (of the 1 MiB input
 * chunk that failed). fflate does not check the gzip CRC: without it a damaged stream can inflate to plausible
 * garbage, so it is checked here (single-member files).
 */
export function gunzipTo(name: string, source: ByteSource, out: (chunk: Uint8Array) => void, onProgress?: BytesProgress): void {
  let outBytes = 0;
  let crc = -1;
  const stream = new Gunzip();
  let members = 0; // onmember fires for members after the first
  stream.onmember = () => {
    members++;
  };
  stream.ondata = (chunk) => {
    out(chunk);
    outBytes += chunk.length;
    crc = crc32Update(crc, chunk);
  };
  let offset = 0;
  try {
    feed(
      source,
      (chunk, final) => {
        stream.push(chunk, final);
        offset += chunk.length;
      },
      onProgress,
    );
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const at = /unexpected EOF/i.test(reason) ? source.sizeBytes : Math.floor(offset / INPUT_CHUNK_BYTES) * INPUT_CHUNK_BYTES;
    throw new IngestError(`corrupt gzip at byte ${at} in ${name}: ${reason}`, { file: name, byteOffset: at });
  }
  // Single-member gzip: the trailer holds CRC32 and size mod 2^32 of the output.
  if (members === 0 && source.sizeBytes >= 18) {
    const t = source.read(source.sizeBytes - 8, 8);
    const storedCrc = (t[0] | (t[1] << 8) | (t[2] << 16) | (t[3] << 24)) >>> 0;
    const storedSize = (t[4] | (t[5] << 8) | (t[6] << 16) | (t[7] << 24)) >>> 0;
    if (storedSize !== outBytes % 2 ** 32 || storedCrc !== (crc ^ -1) >>> 0) {
      throw new IngestError(`corrupt gzip in ${name}: the CRC32 check failed, the file is damaged`, { file: name });
    }
  }
}

/** Inflate a gzip held in memory (tests, small files). */
export function gunzip(name: string, bytes: Uint8Array, onProgress?: BytesProgress): Uint8Array {
  const spill = memorySpill();
  gunzipTo(name, new MemorySource(bytes), (c) => spill.write(c), onProgress);
  return spill.finish().handle;
}

/** A file of an archive, located in the archive itself (tar) or in the spill file it was inflated into. */
export interface ArchiveEntry<H> {
  path: string;
  in: H;
  offsetBytes: number;
  sizeBytes: number;
}

/** Inflate every file of a zip, in order, into one spill file (fflate's streaming unzip: no central directory). */
function unzipTo<H>(name: string, source: ByteSource, out: SpillFile<H>, onProgress?: BytesProgress): ArchiveEntry<H>[] {
  const located: Array<{ path: string; offsetBytes: number; sizeBytes: number }> = [];
  let written = 0;
  let failure: string | null = null;
  const unzipper = new Unzip((file) => {
    if (file.name.endsWith('/')) return; // directory entry
    const offsetBytes = written;
    file.ondata = (err, data, final) => {
      if (err) {
        failure ??= `${file.name}: ${err.message}`;
        return;
      }
      out.write(data);
      written += data.length;
      if (final) located.push({ path: normalizeEntryPath(file.name), offsetBytes, sizeBytes: written - offsetBytes });
    };
    file.start();
  });
  unzipper.register(UnzipInflate);
  try {
    feed(source, (chunk, final) => unzipper.push(chunk, final), onProgress);
  } catch (err) {
    failure ??= err instanceof Error ? err.message : String(err);
  }
  if (failure !== null) throw new IngestError(`corrupt zip ${name}: ${failure}`, { file: name });
  const { handle } = out.finish();
  return located.filter((e) => e.path !== '').map((e) => ({ ...e, in: handle }));
}

function untar<H>(name: string, source: ByteSource, handle: H): ArchiveEntry<H>[] {
  try {
    return listTar(source).map((e) => ({ ...e, in: handle }));
  } catch (err) {
    if (err instanceof IngestError) {
      throw new IngestError(`${err.message} (in ${name})`, { file: name, byteOffset: err.byteOffset });
    }
    throw err;
  }
}

/**
 * Files of an archive read through `source` (`self` is the caller's handle on the archive itself). gzip holding
 * tar is unpacked through; a gzip of a single file yields that file under the archive's stem. Returns null when
 * the bytes are no archive. Nested archives inside are left as files.
 */
export function expandArchive<H>(
  name: string,
  source: ByteSource,
  self: H,
  spill: Spill<H>,
  onProgress?: BytesProgress,
): ArchiveEntry<H>[] | null {
  const kind = sniffArchive(source.read(0, SNIFF_BYTES));
  if (kind === null) return null;
  if (kind === 'zip') return unzipTo(name, source, spill(name), onProgress);
  if (kind === 'tar') {
    const entries = untar(name, source, self);
    onProgress?.(source.sizeBytes, source.sizeBytes);
    return entries;
  }
  const out = spill(name);
  gunzipTo(name, source, (c) => out.write(c), onProgress);
  const inner = out.finish();
  if (looksLikeTar(inner.source.read(0, SNIFF_BYTES))) return untar(name, inner.source, inner.handle);
  return [{ path: archiveStem(name), in: inner.handle, offsetBytes: 0, sizeBytes: inner.source.sizeBytes }];
}

/** Files of an archive in memory, as views (Node tools and tests). */
export function unpackArchive(name: string, bytes: Uint8Array, onProgress?: BytesProgress): TarEntry[] | null {
  const entries = expandArchive(name, new MemorySource(bytes), bytes, () => memorySpill(), onProgress);
  return entries && entries.map((e) => ({ path: e.path, data: e.in.subarray(e.offsetBytes, e.offsetBytes + e.sizeBytes) }));
}
