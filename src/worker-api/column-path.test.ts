/**
 * The column path (the decoder's per-class column readers, what every model is built from) against the generic
 * decoder (every field of every event as a TraceEvent, packed by EventPacker.addEvent): the same model, to the
 * last byte of every table, on every `ok` corpus trace and on synthesized article and scale sessions. The column
 * readers skip what the model does not read; a wrong skip, a missed field or a different conversion shows here.
 */
import { modelDigest } from '../fixtures/model-digest';
import { describe, expect, it } from 'vitest';
import { groupTraceFiles, openExperiment } from '../ctf';
import type { ByteInput } from '../ctf/decode/byte-source';
import { writeTar } from '../ingest/tar';
import { modelFromEvents } from '../model/packed-events';
import type { TraceModel } from '../model/types';
import { MemoryDir, synthesizeSession } from '../synth/session';
import { corpusEntries, manifest } from '../fixtures/corpus';
import { decodeFiles } from './decode-service';
import { modelInputs } from './pool';
import { byteInputOf, type UnpackedFiles } from './protocol';
import { SYMBOLS_PREFIX, unpackInputs } from './unpack-service';

function unpacked(list: Array<{ path: string; data: Uint8Array }>): UnpackedFiles {
  const r = unpackInputs([{ path: 'trace.tar', data: writeTar(list) }]);
  if (!r.ok) throw new Error(r.failure.message);
  return r.value;
}

/** Generic decoder -> TraceEvents -> packer -> builder. */
function genericModel(files: UnpackedFiles): TraceModel {
  const traceFiles = new Map<string, ByteInput>();
  files.paths.forEach((p, i) => {
    if (!p.startsWith(SYMBOLS_PREFIX)) traceFiles.set(p, byteInputOf(files.datas[i]));
  });
  const experiment = openExperiment(groupTraceFiles(traceFiles));
  const { symbolFiles } = modelInputs(files.paths, files.datas);
  const opts = {
    sources: experiment.traces.map((t) => ({ name: t.name, domain: t.domain, env: t.env })),
    originNs: experiment.originNs,
    symbolFiles: symbolFiles.size > 0 ? symbolFiles : undefined,
  };
  return modelFromEvents(opts, (packer) =>
    experiment.decode(
      (e) => packer.addEvent(e),
      (l) => packer.addLoss(l),
    ),
  );
}

function columnModel(files: UnpackedFiles): TraceModel {
  const r = decodeFiles(files);
  if (!r.ok) throw new Error(r.failure.message);
  expect(r.value.partialFailure).toBeUndefined();
  return r.value.model;
}

function expectSameModel(files: UnpackedFiles, minEvents: number): void {
  const column = columnModel(files);
  const generic = genericModel(files);
  expect(column.eventCount).toBeGreaterThanOrEqual(minEvents);
  expect(modelDigest(column)).toEqual(modelDigest(generic));
}

describe('column path = generic decoder', () => {
  const ok = manifest().filter((m) => m.expect === 'ok');
  it('covers the corpus', () => {
    expect(ok.length).toBeGreaterThan(20);
  });
  for (const entry of ok) {
    it(`builds the same model: ${entry.name}`, () => {
      expectSameModel(unpacked(corpusEntries(entry.name)), entry.events ?? 0);
    });
  }

  it('builds the same model: synthesized article session (kernel + user space, statedump, C frames)', () => {
    const dir = new MemoryDir();
    synthesizeSession(dir, { scenario: 'article' });
    expectSameModel(unpacked(dir.entries('session/')), 1000);
  });

  it('builds the same model: synthesized scale session', () => {
    const dir = new MemoryDir();
    const r = synthesizeSession(dir, { scenario: 'scale', events: 200_000, seed: 3 });
    expect(r.kernel.events + r.ust.events).toBeGreaterThanOrEqual(200_000);
    expectSameModel(unpacked(dir.entries('session/')), 200_000);
  });
});
