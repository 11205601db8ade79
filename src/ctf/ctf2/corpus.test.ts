/**
 * Every CTF 2 trace of the corpus (Trace Compass's `CTF2-*` test traces) must parse, and those that are the
 * JSON re-expression of a CTF 1.8 trace of the corpus (`tc-CTF2-7.0-X` <-> `bt-X`) must give the same schema as
 * the TSDL front end gives for the twin: same clocks, streams, event classes, field names, integer sizes,
 * alignments, byte orders, roles and enum mappings.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifest, tracePath } from '../../fixtures/corpus';
import { metadataText, parseMetadata } from '../metadata';
import type { FieldClass, FieldLocation, StructClass, TraceSchema } from '../schema';
import { parseCtf2Metadata } from './parse';

const ctf2Traces = manifest()
  .map((e) => e.name)
  .filter((n) => n.startsWith('tc-CTF2-'));

const metadataBytes = (trace: string): Uint8Array => new Uint8Array(readFileSync(join(tracePath(trace), 'metadata')));

/** Names as shown: one leading underscore stripped (CTF 1.8 rule; CTF 2 names have none). */
const shown = (n: string): string => (n.startsWith('_') ? n.slice(1) : n);
const loc = (l: FieldLocation): string => `${l.scope}/${l.path.map(shown).join('/')}`;
const range = (r: [number | bigint, number | bigint]): string => `${r[0]}..${r[1]}`;

/** A syntax-neutral shape of a field class: what both front ends must agree on. */
function shape(fc: FieldClass | undefined): unknown {
  if (!fc) return null;
  switch (fc.kind) {
    case 'int':
      return {
        int: `${fc.signed ? 's' : 'u'}${fc.size}`,
        align: fc.align,
        bo: fc.byteOrder,
        base: fc.base,
        clock: fc.mappedClock ?? null,
        roles: fc.roles ?? [],
        mappings: (fc.mappings ?? []).map((m) => `${m.label}=${m.ranges.map(range).join(',')}`),
      };
    case 'float':
      return { float: fc.size, align: fc.align, bo: fc.byteOrder };
    case 'string':
      return 'string';
    case 'blob':
      // CTF 1.8 writes the packet header's uuid as `uint8_t uuid[16]`, CTF 2 as a 16-byte BLOB
      return typeof fc.length === 'number' ? `bytes[${fc.length}]` : { blob: loc(fc.length) };
    case 'array':
      if (fc.element.kind === 'int' && fc.element.size === 8 && !fc.element.signed && !fc.element.encoding) {
        return `bytes[${fc.length}]`;
      }
      return { array: fc.length, element: shape(fc.element) };
    case 'sequence':
      return { sequence: loc(fc.length), element: shape(fc.element) };
    case 'struct':
      return { align: fc.minAlign, members: fc.members.map((m) => [shown(m.name), shape(m.type)]) };
    case 'variant':
      return { variant: loc(fc.selector), options: fc.options.map((o) => [o.name, shape(o.type)]) };
    default:
      return fc;
  }
}

function schemaShape(s: TraceSchema): unknown {
  return {
    byteOrder: s.byteOrder,
    uuid: s.uuid ? Array.from(s.uuid) : null,
    env: s.env,
    packetHeader: shape(s.packetHeader),
    clocks: [...s.clocks.values()].map((c) => ({
      name: c.name,
      freq: c.freq,
      offsetCycles: c.offsetSeconds * BigInt(c.freq) + c.offsetCycles,
      unixEpoch: c.originIsUnixEpoch,
      uuid: c.uuid ?? null,
      description: c.description ?? null,
    })),
    streams: [...s.streams.values()].map((sc) => ({
      id: sc.id,
      clock: sc.clock ?? null,
      packetContext: shape(sc.packetContext),
      eventHeader: shape(sc.eventHeader),
      eventCommonContext: shape(sc.eventCommonContext),
      events: [...sc.events.values()].map((e) => ({
        id: e.id,
        streamClassId: e.streamClassId,
        name: e.name,
        logLevel: e.logLevel ?? null,
        specificContext: shape(e.specificContext),
        payload: shape(e.payload),
      })),
    })),
  };
}

describe('CTF 2 corpus traces', () => {
  it('has CTF 2 traces to test', () => {
    expect(ctf2Traces.length).toBeGreaterThanOrEqual(10);
  });

  it.each(ctf2Traces)('%s: metadata parses as CTF 2 with at least one event class', (name) => {
    const schema = parseMetadata(metadataBytes(name));
    expect(schema.version).toBe('2');
    const events = [...schema.streams.values()].flatMap((s) => [...s.events.values()]);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e.name).not.toBe('');
  });

  const twins = ctf2Traces
    .filter((n) => n.startsWith('tc-CTF2-7.0-'))
    .map((n) => [n, `bt-${n.slice('tc-CTF2-7.0-'.length)}`] as const)
    .filter(([, twin]) => manifest().some((e) => e.name === twin));

  it('finds the CTF 1.8 twins', () => {
    expect(twins.length).toBeGreaterThanOrEqual(9);
  });

  it.each(twins)('%s has the same schema as its CTF 1.8 twin %s', (name, twin) => {
    const ctf2 = parseMetadata(metadataBytes(name));
    const tsdl = parseMetadata(metadataBytes(twin));
    expect(tsdl.version).toBe('1.8');
    if (name === 'tc-CTF2-7.0-barectf-event-before-packet') {
      // The two metadata really differ here: TSDL `absolute = false;` but CTF 2 `"origin": "unix-epoch"`.
      expect(tsdl.clocks.get('default')?.originIsUnixEpoch).toBe(false);
      expect(ctf2.clocks.get('default')?.originIsUnixEpoch).toBe(true);
      tsdl.clocks.get('default')!.originIsUnixEpoch = true;
    }
    expect(schemaShape(ctf2)).toEqual(schemaShape(tsdl));
  });

  it('a spot check by hand: lttng-crash header and payload', () => {
    const s = parseMetadata(metadataBytes('tc-CTF2-7.0-lttng-crash'));
    const sc = s.streams.get(0)!;
    expect(sc.clock).toBe('monotonic');
    expect(s.clocks.get('monotonic')).toMatchObject({ freq: 1e9, offsetSeconds: 1565056443n, offsetCycles: 54742594n });
    const eh = sc.eventHeader as StructClass;
    expect(eh.minAlign).toBe(8);
    expect(eh.members[0]).toMatchObject({
      name: 'id',
      type: { kind: 'int', size: 16, roles: ['event-record-class-id'] },
    });
    const ev = sc.events.get(0)!;
    expect(ev.name).toBe('my_app:current_temp');
    expect(ev.logLevel).toBe(13); // "debug:line", the twin's `loglevel = 13`
    expect(ev.payload?.members.map((m) => [m.name, m.type.kind])).toEqual([
      ['temp', 'int'],
      ['status', 'string'],
    ]);
  });
});

describe('CTF 2 metadata in LTTng packets', () => {
  /** Wrap `text` in metadata packets as LTTng writes them (37-byte header, here 256-byte packets). */
  function packetize(text: string, uuid: Uint8Array): Uint8Array {
    const body = new TextEncoder().encode(text);
    const perPacket = 256 - 37;
    const packets: Uint8Array[] = [];
    for (let off = 0; off < body.length; off += perPacket) {
      const chunk = body.subarray(off, off + perPacket);
      const p = new Uint8Array(256);
      const dv = new DataView(p.buffer);
      dv.setUint32(0, 0x75d11d57, true);
      p.set(uuid, 4);
      dv.setUint32(24, (37 + chunk.length) * 8, true);
      dv.setUint32(28, 256 * 8, true);
      p[35] = 2; // major: the kernel tracer writes 2.0 for CTF 2
      p.set(chunk, 37);
      packets.push(p);
    }
    const out = new Uint8Array(packets.length * 256);
    packets.forEach((p, i) => out.set(p, i * 256));
    return out;
  }

  it.each(ctf2Traces)('%s: fragments split across packets give the same schema', (name) => {
    const text = metadataText(metadataBytes(name));
    const direct = parseCtf2Metadata(text);
    const bytes = packetize(text, direct.uuid ?? new Uint8Array(16));
    expect(bytes.length).toBeGreaterThan(256); // really split
    expect(parseMetadata(bytes)).toEqual(direct);
  });
});
