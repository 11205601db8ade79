/**
 * End-to-end decoding of small hand-built traces: big-endian odd-sized fields, 27-bit timestamps that wrap,
 * extended headers, text sequences, losses, corrupt data after valid events, the k-way merge.
 */
import { describe, expect, it } from 'vitest';
import { CtfError } from '../errors';
import type { LossRecord, TraceEvent } from '../event';
import { groupTraceFiles, openExperiment } from '../experiment';

class BitWriterBE {
  bits: number[] = [];
  put(value: bigint | number, size: number): this {
    const v = BigInt(value);
    for (let i = size - 1; i >= 0; i--) this.bits.push(Number((v >> BigInt(i)) & 1n));
    return this;
  }
  align(n: number): this {
    while (this.bits.length % n !== 0) this.bits.push(0);
    return this;
  }
  get length(): number {
    return this.bits.length;
  }
  bytes(totalBytes: number): Uint8Array {
    const out = new Uint8Array(totalBytes);
    this.bits.forEach((b, i) => {
      if (b) out[i >> 3] |= 0x80 >> (i & 7);
    });
    return out;
  }
}

const META = `/* CTF 1.8 */
typealias integer { size = 8; align = 8; signed = false; } := uint8_t;
typealias integer { size = 32; align = 8; signed = false; } := uint32_t;
typealias integer { size = 64; align = 8; signed = false; } := uint64_t;
clock { name = monotonic; freq = 1000000000; offset = 1000000000000000000; };
typealias integer { size = 27; align = 1; signed = false; map = clock.monotonic.value; } := uint27_clock_monotonic_t;
typealias integer { size = 64; align = 8; signed = false; map = clock.monotonic.value; } := uint64_clock_monotonic_t;
trace { major = 1; minor = 8; byte_order = be; packet.header := struct { uint32_t magic; uint32_t stream_id; }; };
env { domain = "kernel"; tracer_name = "lttng-modules"; };
stream { id = 0;
  packet.context := struct { uint64_clock_monotonic_t timestamp_begin; uint64_clock_monotonic_t timestamp_end;
    uint64_t content_size; uint64_t packet_size; uint64_t packet_seq_num; uint64_t events_discarded; uint32_t cpu_id; };
  event.header := struct {
    enum : integer { size = 5; align = 1; signed = false; } { compact = 0 ... 30, extended = 31 } id;
    variant <id> { struct { uint27_clock_monotonic_t timestamp; } compact;
                   struct { uint32_t id; uint64_clock_monotonic_t timestamp; } extended; } v;
  } align(8);
};
event { name = "tick"; id = 0; stream_id = 0; fields := struct {
  integer { size = 3; align = 1; signed = true; } small;
  integer { size = 13; align = 1; } odd;
  uint8_t _n;
  integer { size = 8; align = 8; encoding = UTF8; } _text[_n];
}; };
`;

const MASK27 = 2 ** 27 - 1;

interface Ev {
  ts: number; // full clock value
  extended?: boolean;
  small: number;
  odd: number;
  text: string;
}

function packet(opts: {
  begin: number;
  end: number;
  seq: number;
  discarded: number;
  cpu: number;
  events: Ev[];
  padTo?: number;
}): Uint8Array {
  const body = new BitWriterBE();
  for (const e of opts.events) {
    body.align(8);
    if (e.extended) body.put(31, 5).align(8).put(0, 32).put(e.ts, 64);
    else body.put(0, 5).put(e.ts & MASK27, 27);
    const t = new TextEncoder().encode(e.text);
    body
      .put(e.small & 7, 3)
      .put(e.odd, 13)
      .put(t.length, 8);
    for (const b of t) body.put(b, 8);
  }
  const headerBits = (8 + 52) * 8;
  const content = headerBits + body.length;
  const size = opts.padTo ?? Math.ceil(content / 8 / 16) * 16;
  const w = new BitWriterBE();
  w.put(0xc1fc1fc1, 32).put(0, 32);
  w.put(opts.begin, 64)
    .put(opts.end, 64)
    .put(content, 64)
    .put(size * 8, 64)
    .put(opts.seq, 64)
    .put(opts.discarded, 64)
    .put(opts.cpu, 32);
  w.bits.push(...body.bits);
  return w.bytes(size);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function decodeAll(files: Map<string, Uint8Array>) {
  const exp = openExperiment(groupTraceFiles(files));
  const events: TraceEvent[] = [];
  const losses: LossRecord[] = [];
  exp.decode(
    (e) => events.push(e),
    (l) => losses.push(l),
  );
  return { exp, events, losses };
}

const W = 2 ** 27;

describe('decoding hand-built big-endian traces', () => {
  const p0 = packet({
    begin: W - 10,
    end: 5e9 + 1,
    seq: 0,
    discarded: 0,
    cpu: 1,
    events: [
      { ts: W - 5, small: -3, odd: 0x1abc, text: 'héllo' },
      { ts: W + 3, small: 2, odd: 1, text: '' }, // the 27-bit value wrapped
      { ts: 5e9, extended: true, small: -1, odd: 8191, text: 'far' },
    ],
  });
  const p1 = packet({
    begin: 6e9,
    end: 6e9 + 100,
    seq: 3,
    discarded: 7,
    cpu: 1,
    events: [{ ts: 6e9 + 50, small: 0, odd: 2, text: 'x' }],
  });

  it('rebuilds wrapped and extended timestamps and reads odd-sized fields', () => {
    const { exp, events } = decodeAll(
      new Map([
        ['t/metadata', new TextEncoder().encode(META)],
        ['t/chan_1', concat(p0, p1)],
      ]),
    );
    expect(exp.traces[0].domain).toBe('kernel');
    expect(exp.streams).toEqual([{ trace: 0, file: 'chan_1', cpu: 1, packetCount: 2, bytes: p0.length + p1.length }]);
    expect(events.map((e) => exp.absoluteNs(e.tsNs))).toEqual([
      10n ** 18n + BigInt(W - 5),
      10n ** 18n + BigInt(W + 3),
      10n ** 18n + 5000000000n,
      10n ** 18n + 6000000050n,
    ]);
    expect(events[0]).toMatchObject({
      name: 'tick',
      cpu: 1,
      ctx: null,
      ectx: null,
      fields: { small: -3, odd: 0x1abc, n: 6, text: 'héllo' },
    });
    expect(events[1].fields).toEqual({ small: 2, odd: 1, n: 0, text: '' });
    expect(events[2].fields).toEqual({ small: -1, odd: 8191, n: 3, text: 'far' });
  });

  it('reports discarded events and a packet_seq_num gap with their time ranges', () => {
    const { exp, losses } = decodeAll(
      new Map([
        ['t/metadata', new TextEncoder().encode(META)],
        ['t/chan_1', concat(p0, p1)],
      ]),
    );
    const shown = losses.map((l) => ({
      kind: l.kind,
      count: l.count,
      begin: exp.absoluteNs(l.beginNs),
      end: exp.absoluteNs(l.endNs),
    }));
    expect(shown).toContainEqual({
      kind: 'discarded-events',
      count: 7,
      begin: 10n ** 18n + 5000000001n,
      end: 10n ** 18n + 6000000100n,
    });
    expect(shown).toContainEqual({
      kind: 'discarded-packets',
      count: 2,
      begin: 10n ** 18n + 5000000001n,
      end: 10n ** 18n + 6000000000n,
    });
  });

  it('merges streams by time', () => {
    const a = packet({
      begin: 100,
      end: 400,
      seq: 0,
      discarded: 0,
      cpu: 0,
      events: [100, 300].map((ts) => ({ ts, small: 0, odd: 0, text: 'a' })),
    });
    const b = packet({
      begin: 100,
      end: 400,
      seq: 0,
      discarded: 0,
      cpu: 1,
      events: [200, 400].map((ts) => ({ ts, small: 0, odd: 0, text: 'b' })),
    });
    const { events } = decodeAll(
      new Map([
        ['metadata', new TextEncoder().encode(META)],
        ['c_0', a],
        ['c_1', b],
      ]),
    );
    expect(events.map((e) => `${e.tsNs}:${e.cpu}`)).toEqual(['0:0', '100:1', '200:0', '300:1']);
  });

  it('emits the valid events, then throws a CtfError naming the file, the field and its byte in a corrupt event', () => {
    const bad = packet({
      begin: 100,
      end: 400,
      seq: 0,
      discarded: 0,
      cpu: 0,
      events: [
        { ts: 100, small: 0, odd: 0, text: 'ok' },
        { ts: 200, small: 0, odd: 0, text: 'zz' },
      ],
    });
    // Make the second event's text length run past the packet content.
    const secondEventByte = 60 + 4 + 2 + 1 + 2;
    bad[secondEventByte + 6] = 200;
    const files = new Map([
      ['k/metadata', new TextEncoder().encode(META)],
      ['k/chan_0', bad],
    ]);
    const exp = openExperiment(groupTraceFiles(files));
    const got: string[] = [];
    let err: unknown;
    try {
      exp.decode((e) => got.push(String(e.fields?.text)));
    } catch (e) {
      err = e;
    }
    expect(got).toEqual(['ok']);
    expect(err).toBeInstanceOf(CtfError);
    expect((err as CtfError).file).toBe('k/chan_0');
    // The text starts after the event's 1-byte length: that is where the impossible length bites.
    expect((err as CtfError).byteOffset).toBe(secondEventByte + 7);
    expect((err as CtfError).message).toMatch(
      /event\.payload field '_text': length 200 .* only 16 are left in the packet \(event at bit 552 of the packet, packet at byte 0\)/,
    );
  });

  it('keeps decoding the other streams after a corrupt one, then throws', () => {
    const good = packet({
      begin: 100,
      end: 400,
      seq: 0,
      discarded: 0,
      cpu: 1,
      events: [150, 250, 350].map((ts) => ({ ts, small: 0, odd: 0, text: 'g' })),
    });
    const bad = packet({
      begin: 100,
      end: 400,
      seq: 0,
      discarded: 0,
      cpu: 0,
      events: [
        { ts: 100, small: 0, odd: 0, text: 'ok' },
        { ts: 200, small: 0, odd: 0, text: 'zz' },
      ],
    });
    bad[60 + 4 + 2 + 1 + 2 + 6] = 200;
    const exp = openExperiment(
      groupTraceFiles(
        new Map([
          ['metadata', new TextEncoder().encode(META)],
          ['c_0', bad],
          ['c_1', good],
        ]),
      ),
    );
    const got: string[] = [];
    expect(() => exp.decode((e) => got.push(`${e.cpu}:${e.fields?.text}`))).toThrow(
      /c_0, byte 76: event.payload field '_text': length 200 of 8 bits needs at least 1600 bits/,
    );
    expect(got).toEqual(['0:ok', '1:g', '1:g', '1:g']);
  });

  it('refuses a packet whose size goes beyond the file', () => {
    const p = packet({ begin: 1, end: 2, seq: 0, discarded: 0, cpu: 0, events: [] });
    const files = new Map([
      ['metadata', new TextEncoder().encode(META)],
      ['c', p.subarray(0, p.length - 4)],
    ]);
    expect(() => openExperiment(groupTraceFiles(files))).toThrow(/goes beyond the end of the file/);
  });
});
