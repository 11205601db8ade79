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

/** The part of a synchronous file handle (OPFS's `FileSystemSyncAccessHandle`) that `HandleSource` needs. */
export interface SyncReadHandle {
  read(buffer: Uint8Array, options: { at: number }): number;
}

/**
 * `sizeBytes` bytes at `baseBytes` of a file read through a synchronous handle (an OPFS file in a decode worker),
 * a window of BLOB_WINDOW_BYTES at a time into one reused buffer: no round trip to the browser process and no new
 * buffer per window (with `FileReaderSync`, 1 GB read is 1 GB of fresh memory to fault in and collect). Unlike
 * `BlobSource`, a slice handed out is valid only until the next read: for stream decoders, which hold one packet
 * at a time (a packet is done before the next one is read).
 */
export class HandleSource implements ByteSource {
  private window: Uint8Array;
  private windowAt = 0;
  private windowBytes = 0;
  constructor(
    private readonly handle: SyncReadHandle,
    private readonly baseBytes: number,
    readonly sizeBytes: number,
  ) {
    this.window = new Uint8Array(Math.min(BLOB_WINDOW_BYTES, sizeBytes));
  }
  read(offsetBytes: number, lengthBytes: number): Uint8Array {
    const end = Math.min(this.sizeBytes, offsetBytes + lengthBytes);
    if (end <= offsetBytes) return new Uint8Array(0);
    if (offsetBytes < this.windowAt || end > this.windowAt + this.windowBytes) {
      const want = Math.min(this.sizeBytes, Math.max(end, offsetBytes + BLOB_WINDOW_BYTES)) - offsetBytes;
      if (want > this.window.length) this.window = new Uint8Array(want);
      let got = 0;
      while (got < want) {
        const n = this.handle.read(this.window.subarray(got, want), { at: this.baseBytes + offsetBytes + got });
        if (n <= 0) break;
        got += n;
      }
      this.windowAt = offsetBytes;
      this.windowBytes = got;
      // The file is shorter than it was when listed (changed underneath): say so rather than decode stale bytes.
      if (got < end - offsetBytes)
        throw new Error(`the file ended after ${offsetBytes + got} of its ${this.sizeBytes} bytes`);
    }
    return this.window.subarray(offsetBytes - this.windowAt, end - this.windowAt);
  }
}
