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

/** Splits `items` into batches of `size`, each with the buffers it can move. Mutates items (copies shared arrays). */
export function transferBatches<T>(items: T[], size: number): TransferBatch<T>[] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  const held = batches.map((b) => typedArraysIn(b));
  const batchOf = new Map<ArrayBufferLike, number>();
  const shared = new Set<ArrayBufferLike>();
  held.forEach((list, k) => {
    for (const { array } of list) {
      const seen = batchOf.get(array.buffer);
      if (seen === undefined) batchOf.set(array.buffer, k);
      else if (seen !== k) shared.add(array.buffer);
    }
  });
  return batches.map((batch, k) => {
    const buffers = new Set<ArrayBuffer>();
    for (const h of held[k]) {
      if (shared.has(h.array.buffer)) h.holder[h.key] = h.array.slice();
      else if (h.array.buffer instanceof ArrayBuffer) buffers.add(h.array.buffer);
    }
    // Copies made above have buffers of their own: move them too.
    for (const h of typedArraysIn(batch)) if (h.array.buffer instanceof ArrayBuffer) buffers.add(h.array.buffer);
    return { items: batch, buffers: [...buffers] };
  });
}
