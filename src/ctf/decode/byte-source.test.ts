/**
 * Byte sources, and the bound they give: a stream is decoded packet by packet, never read whole. The browser's
 * BlobSource (FileReaderSync in a worker) is exercised by the loading e2e tests, and its read-ahead here with a
 * stand-in reader; here also Node's positioned reads and memory.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeDir } from '../../synth/node-dir';
import { synthesizeSession } from '../../synth/session';
import { openExperiment, type TraceInput } from '../experiment';
import { NodeFileSource, readTraceFolder } from '../node-fs';
import {
  BLOB_WINDOW_BYTES,
  BlobSource,
  type BlobLike,
  type ByteSource,
  HandleSource,
  MemorySource,
  readAll,
} from './byte-source';

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

describe('BlobSource read-ahead (with a FileReaderSync stand-in that counts round trips)', () => {
  /** A Blob stand-in over memory; `reads` counts what FileReaderSync fetched. */
  function rig(size: number) {
    const data = Uint8Array.from({ length: size }, (_, i) => (i * 31 + 5) & 0xff);
    const reads: number[] = [];
    const blob = (start: number, end: number): BlobLike =>
      ({
        size: end - start,
        slice: (a = 0, b = end - start) => blob(start + a, start + Math.min(b, end - start)),
        bytes: () => data.slice(start, end),
      }) as BlobLike & { bytes(): Uint8Array };
    const g = globalThis as { FileReaderSync?: unknown };
    const saved = g.FileReaderSync;
    g.FileReaderSync = class {
      readAsArrayBuffer(b: BlobLike & { bytes(): Uint8Array }): ArrayBuffer {
        const out = b.bytes();
        reads.push(out.length);
        return out.buffer as ArrayBuffer;
      }
    };
    const source = new BlobSource(blob(0, size));
    g.FileReaderSync = saved;
    return { data, reads, source };
  }

  const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

  it('reads packets in order with one round trip per window, and earlier slices stay intact', () => {
    const packet = 256 << 10;
    const { data, reads, source } = rig(20 * packet + 1000);
    const first = source.read(0, packet);
    for (let at = packet; at < data.length; at += packet)
      expect(same(source.read(at, packet), data.subarray(at, Math.min(data.length, at + packet))), `at ${at}`).toBe(
        true,
      );
    expect(same(first, data.subarray(0, packet))).toBe(true); // after the window moved on
    expect(reads.length).toBe(Math.ceil(data.length / BLOB_WINDOW_BYTES));
    expect(source.read(data.length - 10, 100)).toEqual(data.subarray(data.length - 10)); // clipped at the end
    expect(source.read(5, 3)).toEqual(data.subarray(5, 8)); // back to the start: a new window
  });
});

describe('HandleSource (a synchronous file handle read into one reused window)', () => {
  /** A file of `size` bytes behind a handle whose reads are counted; the slice under test starts at `base`. */
  function rig(size: number, base: number) {
    const file = Uint8Array.from({ length: base + size }, (_, i) => (i * 17 + 3) & 0xff);
    const reads: number[] = [];
    const handle = {
      read(buffer: Uint8Array, { at }: { at: number }): number {
        const n = Math.max(0, Math.min(buffer.length, file.length - at));
        buffer.set(file.subarray(at, at + n));
        reads.push(n);
        return n;
      },
    };
    return { data: file.subarray(base), reads, file, handle };
  }
  const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

  it('reads packets in order from its place in the file, one handle read per window, into one buffer', () => {
    const packet = 256 << 10;
    const base = 12_345;
    const { data, reads, handle } = rig(20 * packet + 1000, base);
    const source = new HandleSource(handle, base, data.length);
    const buffers = new Set<ArrayBufferLike>();
    for (let at = 0; at < data.length; at += packet) {
      const got = source.read(at, packet);
      expect(same(got, data.subarray(at, Math.min(data.length, at + packet))), `at ${at}`).toBe(true);
      buffers.add(got.buffer);
    }
    expect(reads.length).toBe(Math.ceil(data.length / BLOB_WINDOW_BYTES));
    expect(buffers.size).toBe(1); // no new memory per window
    expect(same(source.read(data.length - 10, 100), data.subarray(data.length - 10))).toBe(true); // clipped
    expect(same(source.read(5, 3), data.subarray(5, 8))).toBe(true); // back to the start
  });

  it('takes a packet larger than its window, and says so when the file is shorter than listed', () => {
    const { data, handle } = rig(BLOB_WINDOW_BYTES * 3, 0);
    const source = new HandleSource(handle, 0, data.length);
    expect(same(source.read(100, BLOB_WINDOW_BYTES * 2), data.subarray(100, 100 + BLOB_WINDOW_BYTES * 2))).toBe(true);
    const cut = new HandleSource(handle, 0, data.length + 5000);
    expect(() => cut.read(data.length - 10, 1000)).toThrow(
      `the file ended after ${data.length} of its ${data.length + 5000} bytes`,
    );
  });
});
