import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { manifest, tracePath, corpusEntries } from '../fixtures/corpus';
import { writeTar } from '../ingest/tar';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFiles } from './bundle';
import { decodeFiles } from './decode-service';
import { unpackInputs } from './unpack-service';
import type { UnpackedFiles } from './protocol';

function unpacked(name: string, data: Uint8Array): UnpackedFiles<Uint8Array> {
  const r = unpackInputs([{ path: name, data }]);
  if (!r.ok) throw new Error(r.failure.message);
  return r.value;
}

const GLX = 'tc-cyg-profile-glxgears-cyg-profile';

describe('decode service', () => {
  it('decodes a corpus .tar.gz into a model with every event of the reference decoding', () => {
    const files = unpacked('glx.tar.gz', gzipSync(writeTar(corpusEntries(GLX))));
    const progress: number[] = [];
    const r = decodeFiles(files, (p) => progress.push(p.events));
    if (!r.ok) throw new Error(r.failure.message);
    const expected = manifest().find((m) => m.name === GLX)!.events!;
    expect(r.value.model.eventCount).toBe(expected);
    expect(r.value.model.threads.length).toBeGreaterThan(0);
    expect(r.value.traceNames).toEqual(['']);
    expect(progress.at(-1)).toBe(expected);
    expect(r.value.partialFailure).toBeUndefined();
  });

  it('passes an nm-style mapping given beside the trace to the model: C frames get symbol names', () => {
    const mapping = new Uint8Array(readFileSync(join(tracePath(GLX), '..', 'cyg-profile-mapping.txt')));
    const plain = decodeFiles(unpacked('glx.tar', writeTar(corpusEntries(GLX))));
    const r = unpackInputs([
      { path: 'glx.tar', data: writeTar(corpusEntries(GLX)) },
      { path: 'cyg-profile-mapping.txt', data: mapping },
    ]);
    if (!r.ok || !plain.ok) throw new Error('unpack failed');
    const named = decodeFiles(r.value);
    if (!named.ok) throw new Error(named.failure.message);
    const hexNames = (m: typeof named.value.model) =>
      m.threads.reduce((n, t) => n + Array.from(t.slices.name).filter((i) => /^0x/.test(m.strings[i])).length, 0);
    expect(hexNames(plain.value.model)).toBeGreaterThan(0);
    expect(hexNames(named.value.model)).toBeLessThan(hexNames(plain.value.model));
  });

  it('puts the kernel and user-space traces of a session on one model, and its bundle reopens identically', () => {
    const files = unpacked('session.tar', writeTar(corpusEntries('bt-multi-domains', 'my session')));
    const r = decodeFiles(files);
    if (!r.ok) throw new Error(r.failure.message);
    expect(r.value.traceNames.sort()).toEqual(['kernel', 'ust']);
    const again = decodeFiles(unpacked('download.tar.gz', bundleFiles(files.label, files.paths, files.datas)));
    if (!again.ok) throw new Error(again.failure.message);
    expect(again.value.traceNames).toEqual(r.value.traceNames);
    expect(again.value.model.eventCount).toBe(r.value.model.eventCount);
    expect(again.value.model.threads.map((t) => [t.tid, t.name, t.slices.count])).toEqual(
      r.value.model.threads.map((t) => [t.tid, t.name, t.slices.count]),
    );
  });

  it('names the file and byte of a stream cut short', () => {
    const cut = corpusEntries(GLX).map((e) =>
      e.path.endsWith('/channel0_1')
        ? { path: e.path, data: e.data.subarray(0, Math.floor(e.data.length / 2) + 3) }
        : e,
    );
    const r = decodeFiles(unpacked('cut.tar', writeTar(cut)));
    const failure = r.ok ? r.value.partialFailure : r.failure;
    expect(failure?.kind).toBe('corrupt');
    expect(failure?.file).toBe('channel0_1');
    expect(failure?.byteOffset).toBeTypeOf('number');
    expect(failure?.message).toMatch(/channel0_1.*byte \d+/);
  });

  it('refuses an invalid trace of the corpus with a message naming the problem', () => {
    const r = decodeFiles(unpacked('bad.tar', writeTar(corpusEntries('bt-fail-metadata-syntax-error'))));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.failure.kind).toBe('corrupt');
      expect(r.failure.message).toMatch(/metadata/);
    }
  });
});
