/**
 * Where the decoder's bytes come from. Stream files are never held whole: the scanner and the stream decoders read
 * one packet (or one packet header) at a time through a `ByteSource`, so memory is a few packets per stream
 * whatever the trace's size. Reads are synchronous because the decoder is: in a worker, `FileReaderSync` reads a
 * slice of a `File`/`Blob` (the user's file, a `.tar` entry, an OPFS file) synchronously; in Node, positioned reads
 * on a file descriptor (`../node-fs.ts`); in tests, plain memory.
 */

export { asByteSource, isByteSource, MemorySource, readAll, sizeOf } from '../../base/byte-source';
export type { ByteInput, ByteSource } from '../../base/byte-source';
import type { ByteSource } from '../../base/byte-source';

/** The part of `Blob` this file needs (structural, so that the decoder does not depend on DOM typings). */
export interface BlobLike {
  readonly size: number;
  slice(start?: number, end?: number): BlobLike;
}

interface FileReaderSyncLike {
  readAsArrayBuffer(blob: BlobLike): ArrayBuffer;
}

/** True where blobs can be read synchronously: dedicated workers (not the page's main thread, not Node). */
export function canReadBlobsSync(): boolean {
  return typeof (globalThis as { FileReaderSync?: unknown }).FileReaderSync === 'function';
}

/** Bytes read ahead from a Blob at once: each `FileReaderSync` read is a round trip to the browser process. */
export const BLOB_WINDOW_BYTES = 4 << 20;

/**
 * A `File`/`Blob` read slice by slice with `FileReaderSync` (workers only). A `File` from a drop or from OPFS is
 * backed by disk: only the slices read are in memory. Reads go through a window of BLOB_WINDOW_BYTES (packets are
 * read in order, and a 1 GB trace's packets one read each made the decode worker wait more than it decoded); a
 * slice handed out stays valid when the window moves on (a new window is a new buffer).
 */
export class BlobSource implements ByteSource {
  readonly sizeBytes: number;
  private readonly reader: FileReaderSyncLike;
  private window = new Uint8Array(0);
  private windowAt = 0;
  constructor(private readonly blob: BlobLike) {
    const ctor = (globalThis as { FileReaderSync?: new () => FileReaderSyncLike }).FileReaderSync;
    if (!ctor) throw new Error('FileReaderSync is not available here: blobs are read by sources in workers only');
    this.reader = new ctor();
    this.sizeBytes = blob.size;
  }
  read(offsetBytes: number, lengthBytes: number): Uint8Array {
    const end = Math.min(this.sizeBytes, offsetBytes + lengthBytes);
    if (end <= offsetBytes) return new Uint8Array(0);
    if (offsetBytes < this.windowAt || end > this.windowAt + this.window.length) {
      const windowEnd = Math.min(this.sizeBytes, Math.max(end, offsetBytes + BLOB_WINDOW_BYTES));
      this.window = new Uint8Array(this.reader.readAsArrayBuffer(this.blob.slice(offsetBytes, windowEnd)));
      this.windowAt = offsetBytes;
    }
    return this.window.subarray(offsetBytes - this.windowAt, end - this.windowAt);
  }
}
