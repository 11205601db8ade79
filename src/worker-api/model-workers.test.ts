/**
 * The worker protocol of the page's load (load-client.ts) run in Node with real MessageChannels: decode services
 * post each chunk to every model service (transferred to the first, cloned to the others), the model services
 * after the first build their partitions and post them to the first, which joins them. The model that comes out
 * must be the one decodeFiles builds, whatever the number of model workers.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelDigest } from '../fixtures/model-digest';
import { corpusEntries, tracePath } from '../fixtures/corpus';
import { writeTar } from '../ingest/tar';
import { MemoryDir, synthesizeSession } from '../synth/session';
import type { TraceModel } from '../model/types';
import { createDecodeService, decodeFiles, type ModelPart } from './decode-service';
import { planPool, subsetInput } from './pool';
import { dataBytes, type UnpackedFiles } from './protocol';
import { unpackInputs } from './unpack-service';

function unpacked(list: Array<{ path: string; data: Uint8Array }>): UnpackedFiles<Uint8Array> {
  const r = unpackInputs(list);
  if (!r.ok) throw new Error(r.failure.message);
  return r.value as UnpackedFiles<Uint8Array>;
}

async function loadWithWorkers(files: UnpackedFiles<Uint8Array>, decoders: number, modelWorkers: number) {
  const plan = planPool(files.paths, files.datas.map(dataBytes), decoders);
  const channels = plan.subsets.map(() => Array.from({ length: modelWorkers }, () => new MessageChannel()));
  const partitionChannels = Array.from({ length: modelWorkers - 1 }, () => new MessageChannel());
  const model = createDecodeService();
  partitionChannels.forEach((c, j) => {
    void createDecodeService().buildPartition(
      files,
      channels.map((ch) => ch[j + 1].port2),
      { index: j + 1, count: modelWorkers },
      c.port1,
    );
  });
  const built = model.build(
    files,
    channels.map((c) => c[0].port2),
    { from: partitionChannels.map((c) => c.port2) },
  );
  plan.subsets.forEach((subset, k) => {
    // Each decode worker has its own copies (the page copies the metadata; transfers detach buffers).
    const input = subsetInput(plan, subset, { ...files, datas: files.datas.map((d) => d.slice()) });
    void createDecodeService().decodePart(
      input,
      channels[k].map((c) => c.port1),
      () => {},
    );
  });
  const head = await built;
  if (!head.ok) throw new Error(head.failure.message);
  // The page's side of the hand-over (load-client.ts): batches as they come, then the files to a fresh worker.
  const parts: Pick<TraceModel, ModelPart> = { threads: [], processes: [], losses: [], cpus: [] };
  await model.sendParts((kind, batch) => (parts[kind] as unknown[]).push(...batch));
  const trace: TraceModel = { ...head.value.model, ...parts };
  const server = createDecodeService();
  await server.adopt(await model.handOff());
  return { trace, bundle: await server.bundle() };
}

async function expectSameModel(files: UnpackedFiles<Uint8Array>, decoders: number): Promise<void> {
  const single = decodeFiles(files);
  if (!single.ok) throw new Error(single.failure.message);
  const want = modelDigest(single.value.model);
  for (const modelWorkers of [1, 3]) {
    const { trace, bundle } = await loadWithWorkers(files, decoders, modelWorkers);
    expect(modelDigest(trace), `${modelWorkers} model workers`).toEqual(want);
    // The first model worker got the files back from the decode workers, and handed them on for the bundle.
    expect(bundle?.size).toBeGreaterThan(0);
  }
}

describe('model workers (Node, real message channels)', () => {
  it('give the one model of the article session from 2 decode workers and 1 or 3 model workers', async () => {
    const dir = new MemoryDir();
    synthesizeSession(dir, { scenario: 'article' });
    await expectSameModel(unpacked([{ path: 'a.tar', data: writeTar(dir.entries('session/')) }]), 2);
  });

  it('give the one model of a cyg-profile trace named by an nm listing (symbols joined across partitions)', async () => {
    const GLX = 'tc-cyg-profile-glxgears-cyg-profile';
    const mapping = new Uint8Array(readFileSync(join(tracePath(GLX), '..', 'cyg-profile-mapping.txt')));
    const files = unpacked([
      { path: 'glx.tar', data: writeTar(corpusEntries(GLX)) },
      { path: 'cyg-profile-mapping.txt', data: mapping },
    ]);
    await expectSameModel(files, 1);
  });
});
