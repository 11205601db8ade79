import { describe, expect, it } from 'vitest';
import { tracePath } from '../fixtures/corpus';
import { modelOfFolder } from '../fixtures/decode-folder';
import { generatedModel, smallModel } from '../fixtures/model-fixture';
import { PART_BATCH, packValue, unpackValue } from './model-transfer';

describe('model transfer packing', () => {
  it('restores every thread table exactly, as views into one buffer', () => {
    const model = smallModel();
    const packed = packValue(model.threads);
    const copy = structuredClone(packed, { transfer: [packed.bytes] });
    const threads = unpackValue(copy);
    expect(threads).toEqual(model.threads);
    expect(threads[0].slices.startNs).toBeInstanceOf(Float64Array);
    expect(threads[0].slices.startNs.buffer).toBe(threads[1].slices.depth.buffer);
  });

  it('keeps alignment for mixed element sizes in a larger generated model', () => {
    const model = generatedModel({ slices: 20_000, threads: 37, maxDepth: 9, seed: 3 });
    const threads = unpackValue(packValue(model.threads));
    expect(threads).toEqual(model.threads);
  });

  it("restores a kernel trace's per-CPU run tables, batch by batch as the page fetches them", () => {
    const model = modelOfFolder(tracePath('tc-many-threads'));
    expect(model.cpus.length).toBeGreaterThan(1);
    const cpus = [];
    for (let start = 0; start < model.cpus.length; start += PART_BATCH.cpus) {
      const packed = packValue(model.cpus.slice(start, start + PART_BATCH.cpus));
      cpus.push(...unpackValue(structuredClone(packed, { transfer: [packed.bytes] })));
    }
    expect(cpus).toEqual(model.cpus);
    expect(cpus[0].thread).toBeInstanceOf(Int32Array);
  });
});
