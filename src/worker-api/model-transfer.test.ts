import { describe, expect, it } from 'vitest';
import { tracePath } from '../fixtures/corpus';
import { modelOfFolder } from '../fixtures/decode-folder';
import { generatedModel } from '../fixtures/model-fixture';
import { COMPACT_MAX_BYTES, THREADS_PER_BUFFER, typedArraysIn } from '../model/arena';
import type { ThreadModel } from '../model/types';
import { PART_BATCH, transferBatches } from './model-transfer';

/** What the page receives: every batch posted with its transfer list (structuredClone moves like postMessage). */
function send<T>(items: Array<T | undefined>, size: number): { received: T[]; buffersPerBatch: number[] } {
  const received: T[] = [];
  const buffersPerBatch: number[] = [];
  for (const b of transferBatches(items, size)) {
    buffersPerBatch.push(b.buffers.length);
    received.push(...structuredClone(b.items, { transfer: b.buffers }));
  }
  return { received, buffersPerBatch };
}

describe('model hand-over to the page', () => {
  const model = modelOfFolder(tracePath('tc-many-threads'));

  it('moves each group of threads in one buffer, leaving the worker nothing to hold', () => {
    expect(model.threads.length).toBeGreaterThan(THREADS_PER_BUFFER);
    const expected = structuredClone(model.threads);
    const worker: Array<ThreadModel | undefined> = [...model.threads];
    const { received, buffersPerBatch } = send(worker, PART_BATCH.threads);
    // The worker's list lets go of every entry it sent.
    expect(worker.every((t) => t === undefined)).toBe(true);
    expect(received).toEqual(expected);
    // The builder compacted every group: one buffer a batch for the small columns, not one per column.
    const large = (batch: ThreadModel[]) =>
      typedArraysIn(batch).filter((h) => h.array.byteLength > COMPACT_MAX_BYTES).length;
    buffersPerBatch.forEach((n, k) =>
      expect(n).toBe(1 + large(expected.slice(k * PART_BATCH.threads, (k + 1) * PART_BATCH.threads))),
    );
    const [a, b] = received.slice(0, THREADS_PER_BUFFER).filter((t) => t.states!.count > 0);
    expect(a.states!.startNs.buffer === b.states!.endNs.buffer).toBe(true);
    // Moved, not copied: the worker's views are detached now.
    const busy = model.threads.find((t) => t.states!.count > 0)!;
    expect(busy.states!.startNs.length).toBe(0);
  });

  it('copies arrays whose buffer two batches would share, so no batch reads a detached buffer', () => {
    const threads = modelOfFolder(tracePath('tc-many-threads')).threads;
    const expected = structuredClone(threads);
    const { received } = send<ThreadModel>(threads, 7); // groups of 200 cut into batches of 7
    expect(received).toEqual(expected);
  });

  it('moves plain tables (generated slices, per-CPU runs) batch by batch', () => {
    const gen = generatedModel({ slices: 20_000, threads: 37, maxDepth: 9, seed: 3 });
    const expectedThreads = structuredClone(gen.threads);
    expect(send(gen.threads, PART_BATCH.threads).received).toEqual(expectedThreads);
    const cpus = modelOfFolder(tracePath('tc-many-threads')).cpus;
    expect(cpus.length).toBeGreaterThan(1);
    const expectedCpus = structuredClone(cpus);
    const got = send(cpus, 1).received;
    expect(got).toEqual(expectedCpus);
    expect(got[0].thread).toBeInstanceOf(Int32Array);
  });
});
