/**
 * Random access to a file's bytes without holding it whole: the CTF decoder reads one packet at a time through it,
 * the ELF reader one section at a time. Implementations: memory (here), Blobs in workers (src/ctf/decode/
 * byte-source.ts), file descriptors in Node.
 */
export interface ByteSource {
  readonly sizeBytes: number;
  /**
   * `lengthBytes` bytes from `offsetBytes` (fewer at the end of the source). The result is the caller's: a source
   * never reuses it, so a decoder may keep it as long as it decodes that packet.
   */
  read(offsetBytes: number, lengthBytes: number): Uint8Array;
}

/** What a trace file can be given as: bytes in memory, or a source read on demand. */
export type ByteInput = Uint8Array | ByteSource;

export function isByteSource(x: ByteInput): x is ByteSource {
  return !(x instanceof Uint8Array);
}

/** Bytes in memory (tests, small files): reads are views, no copy. */
export class MemorySource implements ByteSource {
  readonly sizeBytes: number;
  constructor(private readonly bytes: Uint8Array) {
    this.sizeBytes = bytes.length;
  }
  read(offsetBytes: number, lengthBytes: number): Uint8Array {
    return this.bytes.subarray(offsetBytes, Math.min(this.sizeBytes, offsetBytes + lengthBytes));
  }
}

export function asByteSource(x: ByteInput): ByteSource {
  return isByteSource(x) ? x : new MemorySource(x);
}

export function sizeOf(x: ByteInput): number {
  return isByteSource(x) ? x.sizeBytes : x.length;
}

/** The whole input: for the small files (metadata, packet indexes) that are parsed in one piece. */
export function readAll(x: ByteInput): Uint8Array {
  return isByteSource(x) ? x.read(0, x.sizeBytes) : x;
}
