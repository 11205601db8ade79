/**
 * Moving a TraceModel from the model worker to the page without a long main-thread task and without holding it
 * twice. The worker sends the model without its threads (and processes, losses, CPUs), then those in batches. The
 * builder compacts each group of THREADS_PER_BUFFER threads' columns into one buffer (src/model/arena.ts) and the
 * thread batches follow those groups, so every message transfers (moves, never copies) a buffer or a few, is
 * received in its own short task, and the worker's copy is gone the moment the batch is posted: no second copy
 * waits for a garbage collection. A buffer whose arrays fall in two batches (a grouping this did not expect) is
 * not transferred: those arrays are copied, so no batch holds a view into a buffer an earlier one detached.
 */
import { THREADS_PER_BUFFER, typedArraysIn } from '../model/arena';

/** Entries per message: keeps each message's receipt well under 50 ms (a thread holds ~12 columns). */
export const PART_BATCH = { threads: THREADS_PER_BUFFER, processes: 2000, losses: 2000, cpus: 16 } as const;

export interface TransferBatch<T> {
  items: T[];
  /** The buffers this batch moves (post the batch with them as its transfer list). */
  buffers: ArrayBuffer[];
}

/**
 * Splits `items` into batches of `size`, each with the buffers it can move, one at a time: each batch's entries
 * are cleared from `items` as it is handed out, so once posted nothing here holds them. Arrays whose buffer falls
 * in two batches are replaced by copies (in place).
 */
export function* transferBatches<T>(items: Array<T | undefined>, size: number): Generator<TransferBatch<T>> {
  const batchOf = new Map<ArrayBufferLike, number>();
  const shared = new Set<ArrayBufferLike>();
  for (let start = 0, k = 0; start < items.length; start += size, k++) {
    for (const { array } of typedArraysIn(items.slice(start, start + size))) {
      const seen = batchOf.get(array.buffer);
      if (seen === undefined) batchOf.set(array.buffer, k);
      else if (seen !== k) shared.add(array.buffer);
    }
  }
  batchOf.clear();
  for (let start = 0; start < items.length; start += size) {
    const batch = items.slice(start, start + size) as T[];
    items.fill(undefined, start, start + size);
    const buffers = new Set<ArrayBuffer>();
    for (const h of typedArraysIn(batch)) {
      if (shared.has(h.array.buffer)) h.holder[h.key] = h.array.slice();
      const buffer = (h.holder[h.key] as typeof h.array).buffer;
      if (buffer instanceof ArrayBuffer) buffers.add(buffer);
    }
    yield { items: batch, buffers: [...buffers] };
  }
}
