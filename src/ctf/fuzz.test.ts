/**
 * Corrupted real traces (random byte flips, truncations) must decode or fail with a CtfError: never another
 * exception, never a hang.
 */
import { describe, expect, it } from 'vitest';
import { tracePath } from '../test-utils/corpus';
import { CtfError } from './errors';
import { readAll } from './decode/byte-source';
import { openExperiment, type TraceInput } from './experiment';
import { readTraceFolder } from './node-fs';

function mutate(inputs: TraceInput[], seed: number): TraceInput[] {
  let s = seed;
  const rnd = (n: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s % n;
  };
  return inputs.map((t) => {
    const files = new Map<string, Uint8Array>();
    for (const [name, input] of t.files) {
      const bytes = readAll(input);
      if (name === 'metadata' || name.startsWith('index/') || bytes.length === 0) {
        files.set(name, bytes);
        continue;
      }
      let copy = bytes.slice();
      const kind = rnd(3);
      if (kind === 0) {
        for (let k = 0; k < 4; k++) copy[rnd(copy.length)] = rnd(256);
      } else if (kind === 1) {
        copy = copy.subarray(0, rnd(copy.length));
      } else {
        const at = rnd(copy.length);
        for (let k = at; k < Math.min(copy.length, at + 32); k++) copy[k] = 0xff;
      }
      files.set(name, copy);
    }
    return { name: t.name, files };
  });
}

describe('corrupted traces', () => {
  for (const trace of ['tc-cyg-profile-glxgears-cyg-profile-fast', 'bt-multi-domains', 'tc-flipping-endianness']) {
    it(`${trace}: 60 corrupted copies decode or throw a CtfError`, () => {
      const inputs = readTraceFolder(tracePath(trace));
      let errors = 0;
      for (let seed = 1; seed <= 60; seed++) {
        const t0 = performance.now();
        try {
          const exp = openExperiment(mutate(inputs, seed));
          exp.decode(() => {});
        } catch (e) {
          if (!(e instanceof CtfError)) throw new Error(`seed ${seed}: ${(e as Error).stack}`);
          errors++;
        }
        expect(performance.now() - t0).toBeLessThan(5000);
      }
      console.log(`${trace}: ${errors}/60 corrupted copies refused with a CtfError, the others decoded`);
      expect(errors).toBeGreaterThan(0);
    }, 120000);
  }
});

describe('corrupted metadata', () => {
  it('random edits of a kernel TSDL text parse or throw a CtfError', async () => {
    const { metadataText, parseMetadata } = await import('./metadata');
    const inputs = readTraceFolder(tracePath('bt-lttng-tracefile-rotation'));
    const text = metadataText(readAll(inputs[0].files.get('metadata')!));
    let s = 7;
    const rnd = (n: number) => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s % n;
    };
    const junk = '{};=[]<>:.,"*-0x9_a\n';
    let errors = 0;
    for (let k = 0; k < 150; k++) {
      let t = text;
      const at = rnd(t.length);
      if (k % 2 === 0) t = t.slice(0, at) + t.slice(at + 1 + rnd(40));
      else t = t.slice(0, at) + junk[rnd(junk.length)] + t.slice(at + 1);
      try {
        parseMetadata(new TextEncoder().encode(t));
      } catch (e) {
        if (!(e instanceof CtfError)) throw new Error(`edit ${k} at ${at}: ${(e as Error).stack}`);
        expect((e as CtfError).line).toBeGreaterThan(0);
        errors++;
      }
    }
    console.log(`metadata: ${errors}/150 edits refused with a CtfError naming a line`);
    expect(errors).toBeGreaterThan(50);
  });
});
