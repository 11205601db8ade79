/**
 * Random access to a file's bytes without holding it whole: ELF files are read section by section, so a 500 MB
 * debug file costs only the sections a lookup needs. Same shape as the decoder's byte source, so a File/Blob or fd
 * reader plugs in unchanged.
 */
export interface ByteSource {
  readonly sizeBytes: number;
  /** Bytes [offsetBytes, offsetBytes + lengthBytes), clipped to the end; may be a view, never written to. */
  read(offsetBytes: number, lengthBytes: number): Uint8Array;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    sizeBytes: bytes.length,
    read: (offsetBytes, lengthBytes) => bytes.subarray(offsetBytes, Math.min(bytes.length, offsetBytes + lengthBytes)),
  };
}
