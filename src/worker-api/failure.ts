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
  if (isAllocationFailure(err)) {
    // Nothing bounds a trace but the model: when its columns (or a packet) cannot be allocated, say so rather than
    // let the tab die later. The model built so far is shown when the failure came from a decode worker.
    return {
      kind: 'too-large',
      message: `this trace's model does not fit in the memory the browser gives this page: an allocation failed (${(err as Error).message})`,
      hint:
        'Open a part of the session (a subset of the per-CPU stream files with their metadata, or a shorter recording), ' +
        'or use `npm run analyze`, which reads traces of any size from disk.',
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'internal', message: `the viewer failed while decoding: ${message}` };
}

/** V8's refusals to allocate (typed arrays, array buffers, arrays past their limit). */
export function isAllocationFailure(err: unknown): boolean {
  return (
    err instanceof RangeError &&
    /allocation failed|invalid typed array length|invalid array length|array buffer/i.test(err.message)
  );
}

/**
 * A failure between the workers and the page (a crash, a refused structured clone), as the page shows it. A model
 * too large to be copied to the page (comlink: "Unserializable return value"; DataCloneError) is said as such,
 * with the events decoded.
 */
export function handOverFailure(err: unknown, decodedEvents: () => number): LoadFailure {
  const message = err instanceof Error ? err.message : String(err);
  if (/unserializable|could not be cloned|DataCloneError|out of memory/i.test(message) || isAllocationFailure(err)) {
    return {
      kind: 'too-large',
      message: `this trace's model (${decodedEvents().toLocaleString('en-US')} events decoded) could not be handed to the page: the browser refused to copy it (${message})`,
      hint:
        'Open a part of the session (a subset of the per-CPU stream files with their metadata, or a shorter recording), ' +
        'or use `npm run analyze`, which reads traces of any size from disk.',
    };
  }
  return { kind: 'internal', message };
}
