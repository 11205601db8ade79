/** Every decoder failure. The message says what and where: file, byte offset or metadata line, what was expected. */
export class CtfError extends Error {
  readonly file?: string;
  readonly byteOffset?: number;
  readonly line?: number;

  constructor(message: string, where: { file?: string; byteOffset?: number; line?: number } = {}) {
    const parts: string[] = [];
    if (where.file !== undefined) parts.push(where.file || '(trace)');
    if (where.line !== undefined) parts.push(`metadata line ${where.line}`);
    if (where.byteOffset !== undefined) parts.push(`byte ${where.byteOffset}`);
    super(parts.length > 0 ? `${parts.join(', ')}: ${message}` : message);
    this.name = 'CtfError';
    this.file = where.file;
    this.byteOffset = where.byteOffset;
    this.line = where.line;
  }
}
