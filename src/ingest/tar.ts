/**
 * Minimal tar reader/writer (POSIX ustar, GNU long names, pax `path`). Enough for trace bundles: regular files
 * only; directories, links and devices are skipped on read. No DOM, no Node: runs in workers and tests.
 */
import { type ByteSource, MemorySource } from '../ctf/decode/byte-source';
import { IngestError } from './errors';

export interface TarEntry {
  path: string;
  data: Uint8Array;
  /** Set when the entry was not extracted (its raw name is `path`, `data` is empty): why. */
  skipped?: string;
}

const BLOCK_BYTES = 512;
const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();

function readCString(bytes: Uint8Array, start: number, lengthBytes: number): string {
  let end = start;
  const limit = start + lengthBytes;
  while (end < limit && bytes[end] !== 0) end++;
  return utf8Decoder.decode(bytes.subarray(start, end));
}

function readOctal(bytes: Uint8Array, start: number, lengthBytes: number, what: string, headerOffset: number): number {
  // GNU base-256: high bit of the first byte set, big-endian binary in the rest.
  if (bytes[start] & 0x80) {
    let value = bytes[start] & 0x7f;
    for (let i = 1; i < lengthBytes; i++) value = value * 256 + bytes[start + i];
    return value;
  }
  const text = readCString(bytes, start, lengthBytes).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) {
    throw new IngestError(`corrupt tar header at byte ${headerOffset}: ${what} "${text}" is not an octal number`, {
      byteOffset: headerOffset,
    });
  }
  return parseInt(text, 8);
}

function isZeroBlock(bytes: Uint8Array, start: number): boolean {
  for (let i = start; i < start + BLOCK_BYTES; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** Keyed records of a pax extended header: "<len> key=value\n". */
function parsePax(data: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    let space = pos;
    while (space < data.length && data[space] !== 0x20) space++;
    const recordBytes = parseInt(utf8Decoder.decode(data.subarray(pos, space)), 10);
    if (!Number.isFinite(recordBytes) || recordBytes <= 0) break;
    const record = utf8Decoder.decode(data.subarray(space + 1, pos + recordBytes - 1));
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    pos += recordBytes;
  }
  return out;
}

/** Why an archive entry name must not be extracted (absolute, or climbing out with `..`), or null when it is safe. */
export function unsafeEntryName(raw: string): string | null {
  const path = raw.replace(/\\/g, '/');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'absolute name';
  if (path.split('/').includes('..')) return "name climbs out of the archive with '..'";
  return null;
}

/**
 * An archive entry under its normalized path, or listed as skipped with the reason (its raw name kept, no bytes:
 * `empty` stands for its data).
 */
export function archiveEntry<T extends object>(
  raw: string,
  data: T,
  empty: T,
): (T & { path: string; skipped?: string }) | null {
  const unsafe = unsafeEntryName(raw);
  if (unsafe) return { ...empty, path: raw, skipped: unsafe };
  const path = normalizeEntryPath(raw);
  return path === '' ? null : { ...data, path };
}

/** An archive entry's path: '/'-separated, without empty or '.' parts (unsafe names are skipped before, above). */
export function normalizeEntryPath(path: string): string {
  return path
    .replace(/\\/g, '/')
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}

/** True when the bytes start with a tar header (ustar magic at offset 257). */
export function looksLikeTar(bytes: Uint8Array): boolean {
  if (bytes.length < BLOCK_BYTES) return false;
  return readCString(bytes, 257, 5) === 'ustar';
}

/** A regular file of a tar archive, located in it (or skipped, with the reason: see archiveEntry). */
export interface TarListing {
  path: string;
  offsetBytes: number;
  sizeBytes: number;
  skipped?: string;
}

/**
 * All regular files of a tar archive read through `source`: only the headers (and GNU long names / pax records)
 * are read, so a multi-GB `.tar` (a dropped File, an OPFS file) is listed without holding it.
 */
export function listTar(source: ByteSource): TarListing[] {
  const entries: TarListing[] = [];
  const totalBytes = source.sizeBytes;
  let offset = 0;
  let longName: string | null = null;
  let paxPath: string | null = null;
  while (offset + BLOCK_BYTES <= totalBytes) {
    const block = source.read(offset, BLOCK_BYTES);
    if (isZeroBlock(block, 0)) break; // end-of-archive marker
    const magic = readCString(block, 257, 5);
    if (magic !== 'ustar') {
      // Old v7 tars have no magic; accept them only when the checksum matches.
      if (!checksumMatches(block, 0)) {
        throw new IngestError(`corrupt tar at byte ${offset}: no valid header`, { byteOffset: offset });
      }
    }
    const sizeBytes = readOctal(block, 124, 12, 'size', offset);
    const type = String.fromCharCode(block[156] || 0x30);
    const dataStart = offset + BLOCK_BYTES;
    const dataEnd = dataStart + sizeBytes;
    if (dataEnd > totalBytes) {
      throw new IngestError(
        `truncated tar at byte ${offset}: entry needs ${sizeBytes} bytes, only ${totalBytes - dataStart} remain`,
        { byteOffset: offset },
      );
    }
    offset = dataStart + Math.ceil(sizeBytes / BLOCK_BYTES) * BLOCK_BYTES;

    if (type === 'L') {
      longName = readCString(source.read(dataStart, sizeBytes), 0, sizeBytes);
      continue;
    }
    if (type === 'x') {
      paxPath = parsePax(source.read(dataStart, sizeBytes)).get('path') ?? null;
      continue;
    }
    if (type === 'g' || type === 'K') continue;

    let path: string;
    if (paxPath !== null) path = paxPath;
    else if (longName !== null) path = longName;
    else {
      const name = readCString(block, 0, 100);
      const prefix = magic === 'ustar' ? readCString(block, 345, 155) : '';
      path = prefix ? `${prefix}/${name}` : name;
    }
    longName = null;
    paxPath = null;
    if (type === '0' || type === '7') {
      const entry = archiveEntry(path, { offsetBytes: dataStart, sizeBytes }, { offsetBytes: 0, sizeBytes: 0 });
      if (entry) entries.push(entry);
    }
  }
  return entries;
}

/** All regular files of a tar archive in memory. File data are views into `bytes` (no copy). */
export function readTar(bytes: Uint8Array): TarEntry[] {
  return listTar(new MemorySource(bytes)).map(({ offsetBytes, sizeBytes, ...e }) => ({
    ...e,
    data: bytes.subarray(offsetBytes, offsetBytes + sizeBytes),
  }));
}

function checksumMatches(bytes: Uint8Array, headerOffset: number): boolean {
  const stored = parseInt(readCString(bytes, headerOffset + 148, 8).trim(), 8);
  if (!Number.isFinite(stored)) return false;
  let sum = 0;
  for (let i = 0; i < BLOCK_BYTES; i++) {
    sum += i >= 148 && i < 156 ? 0x20 : bytes[headerOffset + i];
  }
  return sum === stored;
}

function writeString(block: Uint8Array, start: number, lengthBytes: number, text: string): void {
  const encoded = utf8Encoder.encode(text);
  block.set(encoded.subarray(0, lengthBytes), start);
}

function writeOctal(block: Uint8Array, start: number, lengthBytes: number, value: number): void {
  // lengthBytes-1 octal digits then NUL; sizes beyond 8 GiB use GNU base-256.
  const digits = value.toString(8);
  if (digits.length > lengthBytes - 1) {
    block[start] = 0x80;
    let v = value;
    for (let i = lengthBytes - 1; i > 0; i--) {
      block[start + i] = v % 256;
      v = Math.floor(v / 256);
    }
    return;
  }
  writeString(block, start, lengthBytes - 1, digits.padStart(lengthBytes - 1, '0'));
}

function header(path: string, sizeBytes: number, type: string): Uint8Array {
  const block = new Uint8Array(BLOCK_BYTES);
  const pathBytes = utf8Encoder.encode(path);
  let name = path;
  let prefix = '';
  if (pathBytes.length > 100) {
    // ustar split at a '/' so that prefix <= 155 and name <= 100 bytes; callers fall back to pax otherwise.
    const slash = path.lastIndexOf('/', path.length - 1);
    name = path.slice(slash + 1);
    prefix = path.slice(0, slash);
  }
  writeString(block, 0, 100, name);
  writeOctal(block, 100, 8, type === '5' ? 0o755 : 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, sizeBytes);
  writeOctal(block, 136, 12, 0); // mtime 0: a bundle of the same files is byte-identical
  block[156] = type.charCodeAt(0);
  writeString(block, 257, 6, 'ustar');
  writeString(block, 263, 2, '00');
  writeString(block, 345, 155, prefix);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK_BYTES; i++) sum += block[i];
  writeString(block, 148, 7, sum.toString(8).padStart(6, '0'));
  block[154] = 0;
  block[155] = 0x20;
  return block;
}

function fitsUstar(path: string): boolean {
  const bytes = utf8Encoder.encode(path).length;
  if (bytes <= 100) return true;
  const slash = path.lastIndexOf('/');
  if (slash < 0) return false;
  return (
    utf8Encoder.encode(path.slice(slash + 1)).length <= 100 && utf8Encoder.encode(path.slice(0, slash)).length <= 155
  );
}

function paxRecord(key: string, value: string): Uint8Array {
  const body = ` ${key}=${value}\n`;
  const bodyBytes = utf8Encoder.encode(body).length;
  const digits = String(bodyBytes).length;
  let total = bodyBytes + digits;
  if (String(total).length > digits) total++; // the length counts its own digits
  return utf8Encoder.encode(`${total}${body}`);
}

/** The header blocks of one entry (a pax record first when the path is too long for ustar). */
export function tarEntryHead(entryPath: string, sizeBytes: number): Uint8Array[] {
  const path = normalizeEntryPath(entryPath);
  if (path === '') throw new IngestError('writeTar: empty entry path');
  if (fitsUstar(path)) return [header(path, sizeBytes, '0')];
  const pax = paxRecord('path', path);
  return [
    header('PaxHeaders/entry', pax.length, 'x'),
    pax,
    tarPadding(pax.length),
    header(path.slice(-100).replace(/^[^/]*\//, ''), sizeBytes, '0'),
  ];
}

/** Zero bytes after `sizeBytes` of data, up to the next block. */
export function tarPadding(sizeBytes: number): Uint8Array {
  return new Uint8Array((BLOCK_BYTES - (sizeBytes % BLOCK_BYTES)) % BLOCK_BYTES);
}

/** The end-of-archive marker. */
export function tarEnd(): Uint8Array {
  return new Uint8Array(BLOCK_BYTES * 2);
}

/** A ustar archive of regular files (pax `path` records for names too long for ustar). */
export function writeTar(entries: TarEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const entry of entries)
    parts.push(...tarEntryHead(entry.path, entry.data.length), entry.data, tarPadding(entry.data.length));
  parts.push(tarEnd());
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}
