/**
 * End to end through the decoder: CTF 2 corpus traces whose data streams are byte for byte those of a CTF 1.8
 * trace of the corpus must decode to that twin's reference decoding (babeltrace2's, `expected/<twin>.ndjson.gz`),
 * since only the metadata syntax differs. And `tc-CTF2-vl-ints`, which has no twin, must decode its
 * variable-length integers to the values worked out by hand below.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifest, referenceRecords, tracePath } from '../../fixtures/corpus';
import type { TraceEvent } from '../event';
import { openExperiment } from '../index';
import { readTraceFolder } from '../node-fs';
import { decodeToRecords, type RefRecord } from '../reference-format';

/** Every file under `dir` except `metadata`, by relative path. */
function dataFiles(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n !== 'metadata') out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

function sameData(a: string, b: string): boolean {
  const fa = dataFiles(tracePath(a));
  const fb = dataFiles(tracePath(b));
  if (fa.size === 0 || fa.size !== fb.size) return false;
  for (const [k, v] of fa) {
    const w = fb.get(k);
    if (!w || !v.equals(w)) return false;
  }
  return true;
}

function decodeEvents(name: string): TraceEvent[] {
  const events: TraceEvent[] = [];
  openExperiment(readTraceFolder(tracePath(name))).decode((e) => events.push(e));
  return events;
}

/** Order by time, then by content: babeltrace2 may order events with the same time differently. */
function canonical<T extends { t: string | null }>(list: T[]): T[] {
  const key = (x: T): string => JSON.stringify(x);
  return [...list].sort((a, b) => {
    if (a.t !== b.t) {
      if (a.t === null) return -1;
      if (b.t === null) return 1;
      const d = BigInt(a.t) - BigInt(b.t);
      if (d !== 0n) return d < 0n ? -1 : 1;
    }
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

const twins = manifest()
  .map((e) => e.name)
  .filter((n) => n.startsWith('tc-CTF2-7.0-'))
  .map((n) => [n, `bt-${n.slice('tc-CTF2-7.0-'.length)}`] as const)
  .filter(([, twin]) => manifest().some((e) => e.name === twin && e.expect === 'ok'))
  .filter(([n, twin]) => sameData(n, twin));

describe('CTF 2 traces decode like their CTF 1.8 twins', () => {
  it('has byte-identical twins to compare', () => {
    // tc-CTF2-7.0-debug-info differs from bt-debug-info by one stream byte, so 8 of the 9 twins qualify
    expect(twins.map(([n]) => n)).not.toContain('tc-CTF2-7.0-debug-info');
    expect(twins.length).toBe(8);
  });

  it.each(twins)('%s decodes to the reference decoding of %s', (name, twin) => {
    const { records, error } = decodeToRecords(openExperiment(readTraceFolder(tracePath(name))));
    expect(error).toBeNull();
    const ref = referenceRecords(twin) as RefRecord[];
    const refEvents = ref.filter((r) => r.k === 'event');
    const events = records.filter((r) => r.k === 'event');
    expect(events.length).toBe(refEvents.length);
    expect(canonical(events)).toEqual(canonical(refEvents));

    // Losses come from the discarded-event-record-counter-snapshot and packet-sequence-number roles.
    const lossKey = (r: RefRecord) =>
      r.k === 'event' ? null : { k: r.k, count: r.count, t: r.begin, end: r.end, stream: r.stream };
    const refLosses = ref.filter((r) => r.k !== 'event').map(lossKey) as { t: string | null }[];
    const gotLosses = records.filter((r) => r.k !== 'event').map(lossKey) as { t: string | null }[];
    expect(canonical(gotLosses)).toEqual(canonical(refLosses));
  });
});

describe('tc-CTF2-7.0-debug-info, whose stream differs from its twin by one byte', () => {
  it('differs only at byte 190, a "-" that became "_" in a path string', () => {
    const a = readFileSync(join(tracePath('tc-CTF2-7.0-debug-info'), 'channel0_0'));
    const b = readFileSync(join(tracePath('bt-debug-info'), 'channel0_0'));
    expect(a.length).toBe(b.length);
    const diff = [...a.keys()].filter((i) => a[i] !== b[i]);
    expect(diff).toEqual([190]);
    expect([String.fromCharCode(a[190]), String.fromCharCode(b[190])]).toEqual(['_', '-']);
  });

  it("decodes to the twin's reference with that one string changed (the event common context included)", () => {
    const { records, error } = decodeToRecords(openExperiment(readTraceFolder(tracePath('tc-CTF2-7.0-debug-info'))));
    expect(error).toBeNull();
    const ref = referenceRecords('bt-debug-info').filter((r) => r.k === 'event');
    const expected = JSON.parse(JSON.stringify(ref).replace('"/libhello-so"', '"/libhello_so"')) as unknown[];
    expect(records.filter((r) => r.k === 'event')).toEqual(expected);
  });
});

describe('tc-CTF2-vl-ints: variable-length integers', () => {
  /*
   * The stream (133 bytes) has no packet header, context or event header: one packet, every record is event
   * `test`, whose payload is 11 unsigned then 14 signed LEB128 integers. It holds exactly one record. Decoded by
   * hand: 7 value bits per byte, least significant group first, high bit set = more bytes follow; signed ones
   * are sign-extended from the last group's top bit. E.g. `b1 01` = 0x31 + 1<<7 = 177; `e4 7e` = 0x64 + 0x7e<<7
   * = 16228, top bit of 14 set -> 16228 - 2^14 = -156; `ff`x9 `01` = 2^64-1; `80`x9 `7f` = -2^63.
   */
  const bytesAndValues: Array<[string, string, number | bigint]> = [
    ['vu1a', '00', 0],
    ['vu1b', '4d', 77],
    ['vu2', 'b101', 177],
    ['vu3', 'f3d002', 43123],
    ['vu4', '86aeb40a', 21829382],
    ['vu5', '86d4a38a13', 5121829382],
    ['vu6', '86dccfade202', 95121829382],
    ['vu7', '86fcb3aeb39403', 13895121829382],
    ['vu8', 'c3c8e6d0ece5cf01', 913895121855555],
    ['vu9', 'd5aa85e9e89c8fd004', 333333333333333333n],
    ['vu10', 'ffffffffffffffffff01', 18446744073709551615n],
    ['vi1a', '00', 0],
    ['vi1b', '7f', -1],
    ['vi1c', '17', 23],
    ['vi2', 'e47e', -156],
    ['vi3', 'ecc200', 8556],
    ['vi4', 'f7a8a250', -100101001],
    ['vi5', 'afb2a1f01e', 8288491823],
    ['vi6', 'fbcbefa6807b', -171717171717],
    ['vi7', 'b1cde4af88891c', 123456787654321],
    ['vi8', 'c6f2d094f087817e', -1121231234123450],
    ['vi9', 'ffffa7ec85afd1b101', 99999999999999999n],
    ['vi10a', 'bffbc2ffffffffffff00', 9223372036853775807n],
    ['vi10b', 'ffffffffffffffffff00', 9223372036854775807n],
    ['vi10c', '8080808080808080807f', -9223372036854775808n],
  ];

  it('the hand-decoded table covers the whole stream', () => {
    const stream = readFileSync(join(tracePath('tc-CTF2-vl-ints'), 'stream'));
    expect(bytesAndValues.map(([, hex]) => hex).join('')).toBe(stream.toString('hex'));
  });

  it('decodes one event with the hand-decoded values', () => {
    const events = decodeEvents('tc-CTF2-vl-ints');
    expect(events.length).toBe(1);
    const e = events[0];
    expect(e.name).toBe('test');
    expect(e.tsNs).toBeNaN(); // no clock
    expect(e.cpu).toBeNull();
    expect(e.fields).toEqual(Object.fromEntries(bytesAndValues.map(([name, , v]) => [name, v])));
  });
});
