/**
 * Archive sniffing and unpacking by content, not by name: gzip (then tar inside), zip, tar. fflate does the
 * inflating; gzip is inflated in chunks so that a corrupt stream is reported with its byte offset and a caller can
 * show progress. No DOM: runs in the unpack worker and in Node tests.
 */
import { Gunzip, unzipSync } from 'fflate';
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
export function gunzip(name: string, bytes: Uint8Array, onProgress?: BytesProgress): Uint8Array {
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
  try {
    while (offset < bytes.length) {
      const end = Math.min(bytes.length, offset + GUNZIP_CHUNK_BYTES);
      stream.push(bytes.subarray(offset, end), end === bytes.length);
      onProgress?.(end, bytes.length);
      offset = end;
    }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const at = /unexpected EOF/i.test(reason) ? bytes.length : offset;
    throw new IngestError(`corrupt gzip at byte ${at} in ${name}: ${reason}`, { file: name, byteOffset: at });
  }
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
  try {
    files = unzipSync(bytes, { filter: (f) => !f.name.endsWith('/') });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new IngestError(`corrupt zip ${name}: ${reason}`, { file: name });
  }
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
