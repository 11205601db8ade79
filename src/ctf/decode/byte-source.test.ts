/**
 * Byte sources, and the bound they give: a stream is decoded packet by packet, never read whole. The browser's
 * BlobSource (FileReaderSync in a worker) is exercised by the loading e2e tests; here Node's positioned reads and
 * memory.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeDir } from '../../synth/node-dir';
import { synthesizeSession } from '../../synth/session';
import { openExperiment, type TraceInput } from '../experiment';
import { NodeFileSource, readTraceFolder } from '../node-fs';
import { type ByteSource, MemorySource, readAll } from './byte-source';

const tmp = mkdtempSync(join(tmpdir(), 'strata-byte-source-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('byte sources', () => {
  const bytes = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7 + 3) & 0xff);
  const file = join(tmp, 'bytes.bin');
  writeFileSync(file, bytes);

  for (const [name, make] of [
    ['memory', () => new MemorySource(bytes)],
    ['node file', () => new NodeFileSource(file, bytes.length)],
  ] as Array<[string, () => ByteSource]>) {
    it(`${name}: reads ranges, clipped at the end`, () => {
      const src = make();
      expect(src.sizeBytes).toBe(10_000);
      expect([...src.read(0, 5)]).toEqual([...bytes.subarray(0, 5)]);
      expect([...src.read(4321, 100)]).toEqual([...bytes.subarray(4321, 4421)]);
      expect(src.read(9_990, 100).length).toBe(10);
      expect(src.read(10_000, 100).length).toBe(0);
      expect(readAll(src)).toEqual(bytes);
    });
  }

  it('node file: more sources than open descriptors still read right (least recently read are reopened)', () => {
    const sources = Array.from({ length: 200 }, () => new NodeFileSource(file, bytes.length));
    for (let round = 0; round < 2; round++) {
      sources.forEach((s, i) => expect(s.read(i * 13, 3)).toEqual(bytes.subarray(i * 13, i * 13 + 3)));
    }
    for (const s of sources) s.close();
  });
});

/** Wraps the stream files' sources to record every read. */
function recorded(traces: TraceInput[]): {
  traces: TraceInput[];
  reads: Array<{ file: string; lengthBytes: number }>;
  streamBytes: number;
} {
  const reads: Array<{ file: string; lengthBytes: number }> = [];
  let streamBytes = 0;
  const out = traces.map((t) => {
    const files = new Map<string, ByteSource | Uint8Array>();
    for (const [name, input] of t.files) {
      if (name === 'metadata' || name.startsWith('index/') || input instanceof Uint8Array) {
        files.set(name, input);
        continue;
      }
      streamBytes += input.sizeBytes;
      const path = `${t.name}/${name}`;
      files.set(name, {
        sizeBytes: input.sizeBytes,
        read(offsetBytes: number, lengthBytes: number) {
          const got = input.read(offsetBytes, lengthBytes);
          reads.push({ file: path, lengthBytes: got.length });
          return got;
        },
      });
    }
    return { name: t.name, files };
  });
  return { traces: out, reads, streamBytes };
}

describe('a trace far larger than what the decoder holds', () => {
  const dir = join(tmp, 'session');
  const packetBytes = 4096;
  const synth = synthesizeSession(new NodeDir(dir), {
    scenario: 'scale',
    events: 200_000,
    seed: 5,
    kernelPacketBytes: packetBytes,
    ustPacketBytes: packetBytes,
  });

  it('reads each stream one packet at a time, each packet once, and decodes as from memory', () => {
    const { traces, reads, streamBytes } = recorded(readTraceFolder(dir));
    const streamCount = traces.reduce(
      (n, t) => n + [...t.files.keys()].filter((f) => f !== 'metadata' && !f.includes('/')).length,
      0,
    );
    // The point of the test: the streams are a hundred packets each on average.
    expect(streamBytes).toBeGreaterThan(100 * streamCount * packetBytes);

    const exp = openExperiment(traces);
    const openReads = reads.length;
    let events = 0;
    let checksum = 0;
    exp.decode((e) => {
      events++;
      checksum = (checksum * 31 + e.tsNs + e.name.length) % 1_000_000_007;
    });
    expect(events).toBe(synth.kernel.events + synth.ust.events);

    // No read is larger than a packet: no stream file is ever read whole, so at most one packet per stream is held.
    expect(Math.max(...reads.map((r) => r.lengthBytes))).toBeLessThanOrEqual(packetBytes);
    // While decoding, every byte of every stream is read exactly once (no prefetch, no re-read).
    const decodeBytes = reads.slice(openReads).reduce((n, r) => n + r.lengthBytes, 0);
    expect(decodeBytes).toBe(streamBytes);

    // Same events as decoding the files from memory.
    const inMemory: TraceInput[] = readTraceFolder(dir).map((t) => ({
      name: t.name,
      files: new Map([...t.files].map(([k]) => [k, readFileSync(join(dir, t.name, k))])),
    }));
    let memEvents = 0;
    let memChecksum = 0;
    openExperiment(inMemory).decode((e) => {
      memEvents++;
      memChecksum = (memChecksum * 31 + e.tsNs + e.name.length) % 1_000_000_007;
    });
    expect([memEvents, memChecksum]).toEqual([events, checksum]);
  });
});
