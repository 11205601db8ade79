/**
 * The model step partitioned by thread (../model/assemble.ts): K partitions, each reading every record and
 * building its own threads' columns, joined into one model, must give the unpartitioned model to the last byte
 * of every table (thread order, string indices, processes, CPU runs, losses, symbols, Python sources, anomalies,
 * counts) on every `ok` corpus trace and on synthesized article and scale sessions, for K = 1 to 4. Partitions
 * are built as the model workers would build them: one PoolModelBuild each, fed the same messages, then joined.
 */
import { modelDigest } from '../fixtures/model-digest';
import { describe, expect, it } from 'vitest';
import { corpusEntries, manifest } from '../fixtures/corpus';
import { writeTar } from '../ingest/tar';
import { MemoryDir, synthesizeSession } from '../synth/session';
import { decodeFiles } from './decode-service';
import {
  subsetInput,
  buildFromParts,
  decodeSubset,
  joinPartitions,
  modelInputs,
  planPool,
  PoolModelBuild,
  workerShape,
  type DecodedPart,
} from './pool';
import { dataBytes, type UnpackedFiles } from './protocol';
import { unpackInputs } from './unpack-service';

function unpacked(list: Array<{ path: string; data: Uint8Array }>): UnpackedFiles {
  const r = unpackInputs([{ path: 'trace.tar', data: writeTar(list) }]);
  if (!r.ok) throw new Error(r.failure.message);
  return r.value;
}

function decodeParts(files: UnpackedFiles, workers: number, chunkRecords?: number): DecodedPart[] {
  const plan = planPool(files.paths, files.datas.map(dataBytes), workers);
  return plan.subsets.map((subset) => {
    const r = decodeSubset(subsetInput(plan, subset, files), undefined, { chunkRecords });
    if (!r.ok) throw new Error(r.failure.message);
    return r.value;
  });
}

/** K model workers: one build per partition, each given every part's messages, then the join. */
function partitionedModel(files: UnpackedFiles, parts: DecodedPart[], k: number) {
  const { metadata, symbolFiles } = modelInputs(files.paths, files.datas);
  const builds = Array.from(
    { length: k },
    (_, index) => new PoolModelBuild(metadata, symbolFiles, parts.length, undefined, { count: k, run: [index] }),
  );
  for (const b of builds) parts.forEach((p, j) => b.open(j, { originNs: p.packed.originNs, hasPackets: p.hasPackets }));
  parts.forEach((p, j) => {
    for (const c of p.packed.chunks) for (const b of builds) b.chunk(j, c);
    for (const b of builds) b.end(j, p.packed.dropped, p.error, p.warnings);
  });
  const outputs = builds.map((b) => {
    if (!b.output?.ok) throw new Error(b.output ? b.output.failure.message : 'partition did not complete');
    return b.output.value;
  });
  // Each partition built only its own threads, and together all of them once.
  const owned = outputs.map((o) => o.partitions[0].threads.length);
  expect(owned.reduce((a, b) => a + b, 0)).toBe(outputs[0].partitions[0].threadCount);
  if (k === 1) {
    // One partition is the whole model: the build joins it itself, once.
    if (!builds[0].result?.ok) throw new Error('no model from one partition');
    expect(() => joinPartitions(outputs)).toThrow(/joined already/);
    return { trace: builds[0].result.value, owned };
  }
  for (const b of builds) expect(b.result).toBeNull(); // one partition of several: no model until the join
  return { trace: joinPartitions(outputs.reverse()), owned };
}

function expectSameForEveryK(files: UnpackedFiles, minEvents: number, decodeWorkers = 1): number[][] {
  const single = decodeFiles(files);
  if (!single.ok) throw new Error(single.failure.message);
  expect(single.value.model.eventCount).toBeGreaterThanOrEqual(minEvents);
  const want = modelDigest(single.value.model);
  const parts = decodeParts(files, decodeWorkers, decodeWorkers > 1 ? 997 : undefined);
  const owned: number[][] = [];
  for (const k of [1, 2, 3, 4]) {
    const { trace, owned: o } = partitionedModel(files, parts, k);
    owned.push(o);
    expect(modelDigest(trace.model), `${k} partitions`).toEqual(want);
    expect(trace.partialFailure).toEqual(single.value.partialFailure);
    expect(trace.warnings).toEqual(single.value.warnings);
  }
  // All partitions in one build (the Node and benchmark form) give the same.
  const { metadata, symbolFiles } = modelInputs(files.paths, files.datas);
  const inOne = buildFromParts(metadata, symbolFiles, parts, undefined, 3);
  if (!inOne.ok) throw new Error(inOne.failure.message);
  expect(modelDigest(inOne.value.model), '3 partitions in one build').toEqual(want);
  return owned;
}

describe('model partitioned by thread = one model builder', () => {
  const ok = manifest().filter((m) => m.expect === 'ok');
  it('covers the corpus', () => {
    expect(ok.length).toBeGreaterThan(20);
  });
  for (const entry of ok) {
    it(`builds the same model in 1 to 4 partitions: ${entry.name}`, () => {
      expectSameForEveryK(unpacked(corpusEntries(entry.name)), entry.events ?? 0);
    });
  }

  it('builds the same model in 1 to 4 partitions: synthesized article session (kernel + UST, statedump, C frames)', () => {
    const dir = new MemoryDir();
    synthesizeSession(dir, { scenario: 'article' });
    const owned = expectSameForEveryK(unpacked(dir.entries('session/')), 1000, 2);
    // The work is split: with 4 partitions every one builds some threads.
    expect(owned[3].every((n) => n > 0)).toBe(true);
  });

  it('builds the same model in 1 to 4 partitions: synthesized scale session, from 3 decode parts', () => {
    const dir = new MemoryDir();
    synthesizeSession(dir, { scenario: 'scale', events: 200_000, seed: 5 });
    const owned = expectSameForEveryK(unpacked(dir.entries('session/')), 200_000, 3);
    const total = owned[0][0];
    expect(total).toBeGreaterThan(100);
    // tid modulo 4 spreads the threads: no partition gets more than half of them.
    for (const n of owned[3]) expect(n).toBeLessThan(total / 2);
  });

  it('gives a machine one model worker per two cores, at most 4, and the decode workers the rest', () => {
    const shape = (cores: number) => {
      const s = workerShape(cores, 8);
      return [s.decode, s.model];
    };
    expect(shape(2)).toEqual([2, 1]);
    expect(shape(3)).toEqual([3, 1]);
    expect(shape(4)).toEqual([3, 2]);
    expect(shape(8)).toEqual([4, 4]);
    expect(shape(16)).toEqual([4, 4]);
    expect(workerShape(undefined, 8)).toEqual({ decode: 2, model: 1 });
    expect(workerShape(2, 8, 3)).toEqual({ decode: 1, model: 3 }); // ?modelWorkers=3 on this machine
    expect(workerShape(8, 2)).toEqual({ decode: 2, model: 4 }); // one decode worker per stream at most
  });

  it('refuses partitions that do not fit together', () => {
    const files = unpacked(corpusEntries('tc-hello-lost'));
    const parts = decodeParts(files, 1);
    const { metadata, symbolFiles } = modelInputs(files.paths, files.datas);
    const half = new PoolModelBuild(metadata, symbolFiles, 1, undefined, { count: 2, run: [1] });
    parts.forEach((p, j) => half.open(j, { originNs: p.packed.originNs, hasPackets: p.hasPackets }));
    parts.forEach((p, j) => {
      for (const c of p.packed.chunks) half.chunk(j, c);
      half.end(j, p.packed.dropped, p.error, p.warnings);
    });
    if (!half.output?.ok) throw new Error('partition failed');
    const output = half.output.value;
    expect(() => joinPartitions([output])).toThrow(/do not fit together/);
  });
});
