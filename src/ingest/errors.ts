/** A failure to unpack or collect trace files: message says what and where (file name, byte offset). */
export class IngestError extends Error {
  readonly file?: string;
  readonly byteOffset?: number;
  constructor(message: string, where: { file?: string; byteOffset?: number } = {}) {
    super(message);
    this.name = 'IngestError';
    this.file = where.file;
    this.byteOffset = where.byteOffset;
  }
}
