/**
 * Archive sniffing and unpacking by content, not by name: gzip (then tar inside), zip, tar. Archives are read
 * through a ByteSource in chunks and nothing is held whole: a `.tar`'s files are located in the archive itself;
 * gzip and zip are inflated as streams (fflate) into spill files (OPFS files in the browser, memory in Node), and
 * their files are located in those. A corrupt stream is reported with its byte offset. No DOM: runs in the unpack
 * worker and in Node tests.
 */
import { Gunzip, Unzip, UnzipInflate } from 'fflate';
import { crc32Update } from '../base/crc32';
import { sizeText } from '../base/size-text';
import { type ByteSource, MemorySource } from '../ctf/decode/byte-source';
import { IngestError } from './errors';
import { archiveEntry, listTar, looksLikeTar, type TarEntry, unsafeEntryName } from './tar';

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

/**
 * What an archive may inflate to in memory (a memory spill joins its bytes into one buffer, and browsers refuse an
 * ArrayBuffer beyond about 2 GiB). Inflating into OPFS has no such bound.
 */
export const MAX_INFLATED_BYTES = 2 * 2 ** 30;
/**
 * Inflated bytes after which the ratio so far is trusted to project the total (gzip bomb check): enough that a
 * sparse first file (zero-padded packets) does not decide alone.
 */
const PROJECT_AFTER_BYTES = 128 << 20;

/** Why inflating stops early: more output than `maxBytes`, now or projected from the ratio so far. */
function inflationLimit(
  name: string,
  inBytes: number,
  consumed: number,
  outBytes: number,
  maxBytes: number,
): IngestError | null {
  const ratio = outBytes / Math.max(1, consumed);
  const projected = ratio * inBytes;
  if (outBytes > maxBytes || (outBytes >= PROJECT_AFTER_BYTES && projected > maxBytes)) {
    return new IngestError(
      `${name} inflates ${Math.round(ratio)}:1 (a gzip bomb, or far too large): its ${sizeText(inBytes)} would make about ` +
        `${sizeText(projected)}, more than the ${sizeText(maxBytes)} a tab can hold (stopped after ${sizeText(outBytes)})`,
      { file: name, byteOffset: consumed },
    );
  }
  return null;
}

/** A file that inflated bytes are appended to; `finish` gives it back, readable, with the caller's handle. */
export interface SpillFile<H> {
  /**
   * What it can hold: bounded in memory (inflating stops there, and gzip bombs are refused early from their ratio);
   * Infinity for a file on disk (OPFS), where the disk is the bound and a refused write says so.
   */
  readonly maxBytes: number;
  /** `write` copies the chunk out before it returns (to a file): the caller may then reuse the chunk's buffer. */
  readonly copies?: boolean;
  write(chunk: Uint8Array): void;
  finish(): { source: ByteSource; handle: H };
}

/** Makes spill files (one per compressed archive). */
export type Spill<H> = (name: string) => SpillFile<H>;

/** The Node and fallback spill: chunks in memory, joined into one buffer at the end. */
export function memorySpill(maxBytes = MAX_INFLATED_BYTES): SpillFile<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  return {
    maxBytes,
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

/** Input pushed to an inflater at a time: the bomb check runs between pushes (at most ~64 MiB out at 1032:1). */
const PUSH_BYTES = 64 << 10;

/**
 * Feed `source` to `push` (read 1 MiB at a time, pushed 64 KiB at a time, the last piece flagged), with progress.
 * `push` gets the input offset after its piece.
 */
function feed(
  source: ByteSource,
  push: (chunk: Uint8Array, final: boolean, endBytes: number) => void,
  onProgress?: BytesProgress,
): void {
  const total = source.sizeBytes;
  if (total === 0) push(new Uint8Array(0), true, 0);
  for (let offset = 0; offset < total;) {
    const read = source.read(offset, Math.min(total, offset + INPUT_CHUNK_BYTES) - offset);
    for (let at = 0; at < read.length; at += PUSH_BYTES) {
      const end = offset + Math.min(read.length, at + PUSH_BYTES);
      push(read.subarray(at, at + PUSH_BYTES), end === total, end);
      onProgress?.(end, total);
    }
    offset += read.length;
  }
}

/**
 * Inflate a gzip stream from `source` into `out`; errors name the file and the byte offset (of the 64 KiB input
 * piece that failed). Past `out.maxBytes` (a memory spill), inflating stops, early when the ratio so far projects
 * beyond it (gzip bombs). fflate does not check the gzip CRC: without it a damaged stream can inflate to plausible
 * garbage, so it is checked here (single-member files).
 */
export function gunzipTo(name: string, source: ByteSource, out: SpillFile<unknown>, onProgress?: BytesProgress): void {
  let outBytes = 0;
  let crc = -1;
  const stream = new Gunzip();
  let members = 0; // onmember fires for members after the first
  stream.onmember = () => {
    members++;
  };
  stream.ondata = (chunk) => {
    out.write(chunk);
    outBytes += chunk.length;
    crc = crc32Update(crc, chunk);
  };
  let offset = 0;
  let tooMuch: IngestError | null = null;
  try {
    feed(
      source,
      (chunk, final, end) => {
        stream.push(chunk, final);
        offset = end;
        tooMuch = inflationLimit(name, source.sizeBytes, end, outBytes, out.maxBytes);
        if (tooMuch) throw tooMuch;
      },
      onProgress,
    );
  } catch (err) {
    if (err === tooMuch) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    const at = /unexpected EOF/i.test(reason) ? source.sizeBytes : offset;
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

/** Inflate a gzip held in memory (tests, small files), refused past `maxBytes`. */
export function gunzip(
  name: string,
  bytes: Uint8Array,
  onProgress?: BytesProgress,
  maxBytes = MAX_INFLATED_BYTES,
): Uint8Array {
  const spill = memorySpill(maxBytes);
  gunzipTo(name, new MemorySource(bytes), spill, onProgress);
  return spill.finish().handle;
}

/** A file of an archive, located in the archive itself (tar) or in the spill file it was inflated into. */
export interface ArchiveEntry<H> {
  path: string;
  in: H;
  offsetBytes: number;
  sizeBytes: number;
  /** Not extracted (unsafe name, kept raw in `path`; no bytes): why. */
  skipped?: string;
}

const u16 = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u32 = (b: Uint8Array, at: number) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
/** A central directory larger than this is not read for the declared sizes (the inflating check still holds). */
const MAX_CENTRAL_DIRECTORY_BYTES = 64 << 20;

/**
 * The uncompressed sizes a zip declares in its central directory, summed (read through `source`: the end record,
 * then the directory), or null when they cannot be read (no end record, zip64, damaged).
 */
function zipDeclaredBytes(source: ByteSource): number | null {
  const tailBytes = Math.min(source.sizeBytes, 22 + 0xffff);
  const tail = source.read(source.sizeBytes - tailBytes, tailBytes);
  let end = tail.length - 22;
  while (end >= 0 && u32(tail, end) !== 0x06054b50) end--;
  if (end < 0) return null;
  const count = u16(tail, end + 10);
  const dirBytes = u32(tail, end + 12);
  const dirOffset = u32(tail, end + 16);
  if (dirOffset === 0xffffffff || dirBytes > MAX_CENTRAL_DIRECTORY_BYTES || dirOffset + dirBytes > source.sizeBytes)
    return null;
  const dir = source.read(dirOffset, dirBytes);
  let total = 0;
  for (let at = 0, n = 0; n < count; n++) {
    if (at + 46 > dir.length || u32(dir, at) !== 0x02014b50) return null;
    const sizeBytes = u32(dir, at + 24);
    if (sizeBytes === 0xffffffff) return null;
    total += sizeBytes;
    at += 46 + u16(dir, at + 28) + u16(dir, at + 30) + u16(dir, at + 32);
  }
  return total;
}

/**
 * Inflate every file of a zip, in order, into one spill file (fflate's streaming unzip, from the local headers).
 * Into memory, the sizes the central directory declares are checked first, and the output while inflating.
 * Entries with unsafe names are listed as skipped, not inflated.
 */
function unzipTo<H>(
  name: string,
  source: ByteSource,
  out: SpillFile<H>,
  onProgress?: BytesProgress,
): ArchiveEntry<H>[] {
  if (Number.isFinite(out.maxBytes)) {
    const declared = zipDeclaredBytes(source);
    const refused =
      declared === null ? null : inflationLimit(name, source.sizeBytes, source.sizeBytes, declared, out.maxBytes);
    if (refused) throw refused;
  }
  const located: Array<Omit<ArchiveEntry<H>, 'in'>> = [];
  let written = 0;
  let failure: string | null = null;
  const unzipper = new Unzip((file) => {
    if (file.name.endsWith('/')) return; // directory entry
    const offsetBytes = written;
    const unsafe = unsafeEntryName(file.name);
    if (unsafe) {
      located.push({ path: file.name, offsetBytes: 0, sizeBytes: 0, skipped: unsafe });
      return;
    }
    file.ondata = (err, data, final) => {
      if (err) {
        failure ??= `${file.name}: ${err.message}`;
        return;
      }
      out.write(data);
      written += data.length;
      if (!final) return;
      const entry = archiveEntry(
        file.name,
        { offsetBytes, sizeBytes: written - offsetBytes },
        { offsetBytes: 0, sizeBytes: 0 },
      );
      if (entry) located.push(entry);
    };
    file.start();
  });
  unzipper.register(UnzipInflate);
  let tooMuch: IngestError | null = null;
  try {
    feed(
      source,
      (chunk, final, end) => {
        unzipper.push(chunk, final);
        tooMuch = inflationLimit(name, source.sizeBytes, end, written, out.maxBytes);
        if (tooMuch) throw tooMuch;
      },
      onProgress,
    );
  } catch (err) {
    if (err === tooMuch) throw err;
    failure ??= err instanceof Error ? err.message : String(err);
  }
  if (failure !== null) throw new IngestError(`corrupt zip ${name}: ${failure}`, { file: name });
  const { handle } = out.finish();
  return located.map((e) => ({ ...e, in: handle }));
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
  gunzipTo(name, source, out, onProgress);
  const inner = out.finish();
  if (looksLikeTar(inner.source.read(0, SNIFF_BYTES))) return untar(name, inner.source, inner.handle);
  return [{ path: archiveStem(name), in: inner.handle, offsetBytes: 0, sizeBytes: inner.source.sizeBytes }];
}

/** Files of an archive in memory, as views (Node tools and tests). */
export function unpackArchive(name: string, bytes: Uint8Array, onProgress?: BytesProgress): TarEntry[] | null {
  const entries = expandArchive(name, new MemorySource(bytes), bytes, () => memorySpill(), onProgress);
  return (
    entries &&
    entries.map(({ in: inflated, offsetBytes, sizeBytes, ...e }) => ({
      ...e,
      data: inflated.subarray(offsetBytes, offsetBytes + sizeBytes),
    }))
  );
}
