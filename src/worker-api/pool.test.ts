import { modelDigest } from '../fixtures/model-digest';
import { describe, expect, it } from 'vitest';

import { corpusEntries } from '../fixtures/corpus';
import { writeTar } from '../ingest/tar';
import { MemoryDir, synthesizeSession } from '../synth/session';
import { decodeFiles } from './decode-service';
import {
  subsetInput,
  buildFromParts,
  decodeSubset,
  modelInputs,
  planPool,
  PoolModelBuild,
  poolSize,
  type DecodedPart,
} from './pool';
import { ownBuffers, unpackInputs } from './unpack-service';
import { dataBytes, type DecodedTrace, type Result, type UnpackedFiles } from './protocol';

type Entry = { path: string; data: Uint8Array };

function unpacked(list: Entry[]): UnpackedFiles<Uint8Array> {
  const r = unpackInputs([{ path: 'trace.tar', data: writeTar(list) }]);
  if (!r.ok) throw new Error(r.failure.message);
  return r.value;
}

/**
 * The pool path run in-process: plan, decode each subset into chunks, then hand the model step every part's
 * messages interleaved one by one (as workers running at once would), so merges wait for chunks mid-way.
 */
function decodeWithPool(
  files: UnpackedFiles,
  workers: number,
  chunkRecords = 1000,
): { result: Result<DecodedTrace>; subsets: number; streams: number } {
  const plan = planPool(files.paths, files.datas.map(dataBytes), workers);
  const logs: Array<Array<(b: PoolModelBuild, k: number) => void>> = plan.subsets.map((subset) => {
    const log: Array<(b: PoolModelBuild, k: number) => void> = [];
    const r = decodeSubset(subsetInput(plan, subset, files), undefined, {
      chunkRecords,
      onOpen: (info) => log.push((b, k) => b.open(k, info)),
      onChunk: (c) => log.push((b, k) => b.chunk(k, c)),
    });
    if (r.ok) {
      expect(r.value.packed.chunks).toEqual([]);
      log.push((b, k) => b.end(k, r.value.packed.dropped, r.value.error));
    } else log.push((b, k) => b.openFailed(k, r.failure, r.rank));
    return log;
  });
  const { metadata, symbolFiles } = modelInputs(files.paths, files.datas);
  const build = new PoolModelBuild(metadata, symbolFiles, logs.length);
  for (let step = 0; logs.some((l) => step < l.length); step++)
    logs.forEach((l, k) => step < l.length && l[step](build, k));
  const result = build.result ?? { ok: false, failure: { kind: 'internal', message: 'no result' } };
  return { result, subsets: plan.subsets.length, streams: plan.streams.length };
}

/** The batch form: whole parts handed to buildFromParts. */
function decodeWithPoolBatch(files: UnpackedFiles, workers: number): Result<DecodedTrace> {
  const plan = planPool(files.paths, files.datas.map(dataBytes), workers);
  const parts: DecodedPart[] = [];
  for (const subset of plan.subsets) {
    const r = decodeSubset(subsetInput(plan, subset, files));
    if (!r.ok) return { ok: false, failure: r.failure };
    parts.push(r.value);
  }
  const { metadata, symbolFiles } = modelInputs(files.paths, files.datas);
  return buildFromParts(metadata, symbolFiles, parts);
}

function expectSameAsSingleWorker(files: UnpackedFiles): void {
  const single = decodeFiles(files);
  if (!single.ok) throw new Error(single.failure.message);
  expect(single.value.model.eventCount).toBeGreaterThan(0);
  for (const workers of [1, 2, 3]) {
    // Small chunks with several subsets: merges stop and resume at chunk ends.
    const { result, subsets, streams } = decodeWithPool(files, workers, workers === 1 ? 1 << 16 : 997);
    expect(subsets).toBe(Math.min(workers, streams));
    if (!result.ok) throw new Error(result.failure.message);
    // Every typed array, name, loss and count of the model.
    expect(modelDigest(result.value.model), `${workers} subsets`).toEqual(modelDigest(single.value.model));
    expect(result.value.traceNames).toEqual(single.value.traceNames);
    expect(result.value.partialFailure).toEqual(single.value.partialFailure);
  }
}

describe('decode pool', () => {
  it('sizes the pool from the cores (one each), at most 4 and one per stream', () => {
    expect(poolSize(2, 8)).toBe(2);
    expect(poolSize(8, 8)).toBe(4);
    expect(poolSize(3, 8)).toBe(3);
    expect(poolSize(16, 2)).toBe(2);
    expect(poolSize(2, 1)).toBe(1);
    expect(poolSize(undefined, 8)).toBe(2);
  });

  it('gives every unpacked file its own buffer, so that each can move to a different worker', () => {
    const files = unpacked(corpusEntries('bt-multi-domains', 's'));
    const own = ownBuffers(files.datas);
    expect(new Set(own.map((d) => d.buffer)).size).toBe(own.length);
    own.forEach((d, i) => {
      expect(d.byteOffset).toBe(0);
      expect(d.byteLength).toBe(d.buffer.byteLength);
      expect(Array.from(d)).toEqual(Array.from(files.datas[i]));
    });
  });

  it("spreads streams by bytes, gives every subset all metadata and its streams' index files", () => {
    const files = unpacked(corpusEntries('bt-multi-domains', 's'));
    const plan = planPool(files.paths, files.datas.map(dataBytes), 3);
    expect(plan.subsets).toHaveLength(3);
    expect(plan.streams).toHaveLength(8);
    const names = plan.subsets.map((s) => s.map((i) => files.paths[i]));
    for (const n of names) {
      expect(n).toContain('kernel/metadata');
      expect(n).toContain('ust/metadata');
      for (const p of n) if (p.endsWith('.idx')) expect(n).toContain(p.replace('/index/', '/').replace(/\.idx$/, ''));
    }
    const streamsOnce = names.flat().filter((p) => plan.streams.includes(p));
    expect(streamsOnce.sort()).toEqual([...plan.streams].sort());
    const most = Math.max(...plan.subsetBytes);
    const biggestStream = Math.max(...plan.streams.map((s) => files.datas[files.paths.indexOf(s)].length));
    expect(most - Math.min(...plan.subsetBytes)).toBeLessThanOrEqual(biggestStream);
  });

  for (const name of ['tc-many-threads', 'tc-cyg-profile-glxgears-cyg-profile', 'bt-multi-domains', 'tc-hello-lost']) {
    it(`builds the same model from 1, 2 and 3 subsets as the single worker: ${name}`, () => {
      expectSameAsSingleWorker(unpacked(corpusEntries(name)));
    });
  }

  it('keeps the lost events of tc-hello-lost through the pool, streamed or in whole parts', () => {
    const files = unpacked(corpusEntries('tc-hello-lost'));
    const { result } = decodeWithPool(files, 2);
    const batch = decodeWithPoolBatch(files, 2);
    if (!result.ok || !batch.ok) throw new Error('pool decode failed');
    expect(result.value.model.losses.length).toBeGreaterThan(0);
    expect(modelDigest(batch.value.model)).toEqual(modelDigest(result.value.model));
  });

  it('builds the same model from subsets of a synthesized article session (kernel + user space)', () => {
    const dir = new MemoryDir();
    synthesizeSession(dir, { scenario: 'article' });
    expectSameAsSingleWorker(unpacked(dir.entries('session/')));
  });

  it('reports a corrupt stream with its file and byte, and keeps every valid event of the other streams', () => {
    // Two traces in one experiment: one of them has valid events, then invalid ones.
    const files = unpacked([
      ...corpusEntries('tc-cyg-profile-glxgears-cyg-profile', 'both/glx'),
      ...corpusEntries('bt-fail-valid-events-then-invalid-events', 'both/bad'),
    ]);
    const single = decodeFiles(files);
    if (!single.ok) throw new Error(single.failure.message);
    expect(single.value.partialFailure?.file).toMatch(/^bad\//);
    expect(single.value.partialFailure?.byteOffset).toBeTypeOf('number');
    for (const workers of [2, 3]) {
      const { result } = decodeWithPool(files, workers);
      if (!result.ok) throw new Error(result.failure.message);
      expect(result.value.partialFailure).toEqual(single.value.partialFailure);
      expect(modelDigest(result.value.model)).toEqual(modelDigest(single.value.model));
    }
  });

  it('refuses a trace whose metadata is invalid, as the single worker does', () => {
    const files = unpacked(corpusEntries('bt-fail-metadata-syntax-error'));
    const single = decodeFiles(files);
    const { result } = decodeWithPool(files, 2);
    expect(single.ok).toBe(false);
    expect(result.ok).toBe(false);
    if (!result.ok && !single.ok) expect(result.failure).toEqual(single.failure);
  });
});
