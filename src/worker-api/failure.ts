/** Decoder errors as LoadFailures: what crosses the worker boundary (comlink keeps only a thrown error's message). */
import { CtfError } from '../ctf';
import type { LoadFailure } from './protocol';

export function ctfFailure(err: unknown): LoadFailure {
  if (err instanceof CtfError) {
    return {
      kind: 'corrupt',
      message: err.message,
      file: err.file,
      byteOffset: err.byteOffset,
      hint:
        err.file !== undefined
          ? `The file ${err.file || '(trace)'} is damaged${err.byteOffset !== undefined ? ` at byte ${err.byteOffset}` : ''}, or is not valid CTF.`
          : undefined,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'internal', message: `the viewer failed while decoding: ${message}` };
}
