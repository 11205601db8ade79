import { describe, expect, it } from 'vitest';
import { analyzeSelection } from '../analysis/selection';
import { generatedModel } from '../fixtures/model-fixture';
import { copyModelForWorker, createAnalysisService } from './analysis-service';

describe('analysis service', () => {
  it('copies the model in slices into buffers of its own, and the copy answers as the original', async () => {
    const model = generatedModel({ slices: 20_000, threads: 3 });
    let tasks = 0;
    const c = await copyModelForWorker(model, () => (tasks++, false), 16 << 10);
    expect(c).not.toBeNull();
    expect(tasks).toBeGreaterThan(10);
    const { copy, buffers } = c!;
    expect(copy.threads[0].slices.startNs).toEqual(model.threads[0].slices.startNs);
    expect(copy.threads[0].slices.startNs.buffer).not.toBe(model.threads[0].slices.startNs.buffer);
    expect(new Set(buffers).size).toBe(buffers.length);
    // A few buffers for every column of every thread (a long transfer list is slow in Chromium).
    expect(buffers.length).toBeLessThanOrEqual(3);
    const service = createAnalysisService();
    service.setModel(copy);
    const q = { startNs: model.startNs, endNs: model.endNs, threads: null, perThread: false };
    const a = service.analyze(q);
    const b = analyzeSelection(model, q);
    expect(a.functions).toEqual(b.functions);
    expect(a.flame.totalNs).toEqual(b.flame.totalNs);
  });

  it('stops copying when cancelled', async () => {
    const model = generatedModel({ slices: 20_000, threads: 2 });
    expect(await copyModelForWorker(model, () => true, 16 << 10)).toBeNull();
  });
});
