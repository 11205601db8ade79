/**
 * Archive sniffing and unpacking by content, not by name: gzip (then tar inside), zip, tar. fflate does the
 * inflating; gzip is inflated in chunks so that a corrupt stream is reported with its byte offset and a caller can
 * show progress. No DOM: runs in the unpack worker and in Node tests.
 */
import { Gunzip, unzipSync } from 'fflate';
import { sizeText } from '../base/size-text';
import { IngestError } from './errors';
import { archiveEntry, looksLikeTar, readTar, type TarEntry } from './tar';

export type ArchiveKind = 'gzip' | 'zip' | 'tar';

/** Progress of a byte-consuming step: done and total bytes of the input. */
export type BytesProgress = (doneBytes: number, totalBytes: number) => void;

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

const GUNZIP_CHUNK_BYTES = 1 << 16;

/** gunzip returns one buffer, and browsers refuse an ArrayBuffer beyond about 2 GiB. */
export const MAX_INFLATED_BYTES = 2 * 2 ** 30;
/**
 * Inflated bytes after which the ratio so far is trusted to project the total (gzip bomb check): enough that a
 * sparse first file (zero-padded packets) does not decide alone.
 */
const PROJECT_AFTER_BYTES = 128 << 20;

/** Why inflating stops early: more output than `maxBytes`, now or projected from the ratio so far. */
function inflationLimit(name: string, inBytes: number, consumed: number, outBytes: number, maxBytes: number): IngestError | null {
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

/** Inflate a gzip stream; errors name the file and the byte offset (of the 64 KiB input chunk that failed). */
export function gunzip(name: string, bytes: Uint8Array, onProgress?: BytesProgress, maxBytes = MAX_INFLATED_BYTES): Uint8Array {
  const parts: Uint8Array[] = [];
  let outBytes = 0;
  // fflate does not check the gzip CRC: without it a damaged stream can inflate to plausible garbage.
  let crc = -1;
  const stream = new Gunzip();
  let members = 0; // onmember fires for members after the first
  stream.onmember = () => {
    members++;
  };
  stream.ondata = (chunk) => {
    parts.push(chunk);
    outBytes += chunk.length;
    crc = crc32Update(crc, chunk);
  };
  let offset = 0;
  let tooMuch: IngestError | null = null;
  try {
    while (offset < bytes.length) {
      const end = Math.min(bytes.length, offset + GUNZIP_CHUNK_BYTES);
      stream.push(bytes.subarray(offset, end), end === bytes.length);
      onProgress?.(end, bytes.length);
      offset = end;
      // Checked per 64 KiB of input (at most ~64 MiB of output at deflate's 1032:1 ratio).
      tooMuch = inflationLimit(name, bytes.length, end, outBytes, maxBytes);
      if (tooMuch) break;
    }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const at = /unexpected EOF/i.test(reason) ? bytes.length : offset;
    throw new IngestError(`corrupt gzip at byte ${at} in ${name}: ${reason}`, { file: name, byteOffset: at });
  }
  if (tooMuch) throw tooMuch;
  // Single-member gzip: the trailer holds CRC32 and size mod 2^32 of the output.
  if (members === 0 && bytes.length >= 18) {
    const t = bytes.length - 8;
    const storedCrc = (bytes[t] | (bytes[t + 1] << 8) | (bytes[t + 2] << 16) | (bytes[t + 3] << 24)) >>> 0;
    const storedSize = (bytes[t + 4] | (bytes[t + 5] << 8) | (bytes[t + 6] << 16) | (bytes[t + 7] << 24)) >>> 0;
    if (storedSize !== outBytes % 2 ** 32 || storedCrc !== (crc ^ -1) >>> 0) {
      throw new IngestError(`corrupt gzip in ${name}: the CRC32 check failed, the file is damaged`, { file: name });
    }
  }
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(outBytes);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

function unzip(name: string, bytes: Uint8Array): TarEntry[] {
  let files: Record<string, Uint8Array>;
  // The sizes a zip declares are checked before anything is inflated.
  let declared = 0;
  let tooMuch: IngestError | null = null;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        declared += f.originalSize;
        tooMuch ??= inflationLimit(name, bytes.length, bytes.length, declared, MAX_INFLATED_BYTES);
        return !f.name.endsWith('/') && tooMuch === null;
      },
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new IngestError(`corrupt zip ${name}: ${reason}`, { file: name });
  }
  if (tooMuch) throw tooMuch;
  return Object.entries(files).flatMap(([path, data]) => archiveEntry(path, data) ?? []);
}

function untar(name: string, bytes: Uint8Array): TarEntry[] {
  try {
    return readTar(bytes);
  } catch (err) {
    if (err instanceof IngestError) {
      throw new IngestError(`${err.message} (in ${name})`, { file: name, byteOffset: err.byteOffset });
    }
    throw err;
  }
}

/**
 * Files of an archive. gzip holding tar is unpacked through; a gzip of a single file yields that file under the
 * archive's stem. Returns null when the bytes are no archive. Nested archives inside are left as files.
 */
export function unpackArchive(name: string, bytes: Uint8Array, onProgress?: BytesProgress): TarEntry[] | null {
  const kind = sniffArchive(bytes);
  if (kind === null) return null;
  if (kind === 'zip') {
    const entries = unzip(name, bytes);
    onProgress?.(bytes.length, bytes.length);
    return entries;
  }
  if (kind === 'tar') {
    const entries = untar(name, bytes);
    onProgress?.(bytes.length, bytes.length);
    return entries;
  }
  const inner = gunzip(name, bytes, onProgress);
  if (looksLikeTar(inner)) return untar(name, inner);
  return [{ path: archiveStem(name), data: inner }];
}
