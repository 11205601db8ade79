/**
 * "Download as .tar.gz": the loaded files as one archive that reopens as the same experiment. Built as a stream
 * (tar headers, then each file read in chunks, through fflate's streaming gzip), so a multi-GB trace whose files are
 * Blobs (dropped files, OPFS files) is bundled without ever being in memory whole.
 */
import { Gzip } from 'fflate';
import { asByteSource } from '../ctf/decode/byte-source';
import { tarEnd, tarEntryHead, tarPadding } from '../ingest/tar';
import { byteInputOf, dataBytes, type FileData } from './protocol';
import { SYMBOLS_PREFIX } from './unpack-service';

const READ_CHUNK_BYTES = 1 << 20;
/** Compressed output gathered into a Blob part every this many bytes (the browser may keep Blob data on disk). */
const BLOB_PART_BYTES = 16 << 20;

/** Streams the .tar.gz of the files, under `label/`, to `out`. Blobs are read with FileReaderSync (workers). */
export function writeBundle(label: string, paths: string[], datas: FileData[], out: (chunk: Uint8Array) => void): void {
  const root = label.replace(/[^A-Za-z0-9._-]+/g, '_') || 'trace';
  const gz = new Gzip({ level: 6 }, (chunk) => out(chunk));
  paths.forEach((p, i) => {
    const d = datas[i];
    const size = dataBytes(d);
    for (const part of tarEntryHead(
      p.startsWith(SYMBOLS_PREFIX) ? p.slice(SYMBOLS_PREFIX.length) : `${root}/${p}`,
      size,
    ))
      gz.push(part);
    const source = asByteSource(byteInputOf(d));
    for (let off = 0; off < size; off += READ_CHUNK_BYTES)
      gz.push(source.read(off, Math.min(READ_CHUNK_BYTES, size - off)));
    gz.push(tarPadding(size));
  });
  gz.push(tarEnd(), true);
}

/** The bundle in memory (Node, tests). */
export function bundleFiles(label: string, paths: string[], datas: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  writeBundle(label, paths, datas, (c) => parts.push(c));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** The bundle as a Blob, built in parts (worker). */
export function bundleBlob(label: string, paths: string[], datas: FileData[]): Blob {
  const blobs: Blob[] = [];
  let pending: Uint8Array<ArrayBuffer>[] = [];
  let pendingBytes = 0;
  const fold = () => {
    if (pending.length > 0) blobs.push(new Blob(pending));
    pending = [];
    pendingBytes = 0;
  };
  writeBundle(label, paths, datas, (c) => {
    pending.push(c as Uint8Array<ArrayBuffer>);
    pendingBytes += c.length;
    if (pendingBytes >= BLOB_PART_BYTES) fold();
  });
  fold();
  return new Blob(blobs, { type: 'application/gzip' });
}
