import { describe, expect, it } from 'vitest';
import { CtfError } from '../errors';
import type { FieldClass, StructClass } from '../schema';
import { parseCtf2Metadata } from './parse';

/** RFC 7464 framing, as LTTng writes it. bigint values become exact JSON integer literals. */
const seq = (...frags: unknown[]): string =>
  frags
    .map((f) => {
      const json = JSON.stringify(f, (_k, v: unknown) => (typeof v === 'bigint' ? `@big:${v}` : v), 1);
      return `\x1e${json.replace(/"@big:(-?\d+)"/g, '$1')}\n`;
    })
    .join('');

const u = (length: number, extra: Record<string, unknown> = {}) => ({
  type: 'fixed-length-unsigned-integer',
  length,
  'byte-order': 'little-endian',
  alignment: 8,
  ...extra,
});

const preamble = { type: 'preamble', version: 2, uuid: [...Array(16).keys()] };

/** A kernel-like trace in the final CTF2-SPEC-2.0 layout (what LTTng 2.15 writes), every field class type. */
const full = seq(
  preamble,
  { type: 'field-class-alias', name: 'u32', 'field-class': u(32) },
  { type: 'field-class-alias', name: 'u64-ts', 'field-class': u(64, { roles: ['default-clock-timestamp'] }) },
  {
    type: 'field-class-alias',
    name: 'pkt-header',
    'field-class': {
      type: 'structure',
      'member-classes': [
        { name: 'magic', 'field-class': u(32, { roles: ['packet-magic-number'], 'preferred-display-base': 16 }) },
        { name: 'uuid', 'field-class': { type: 'static-length-blob', length: 16, roles: ['metadata-stream-uuid'] } },
        { name: 'stream_id', 'field-class': u(32, { roles: ['data-stream-class-id'] }) },
      ],
    },
  },
  {
    type: 'trace-class',
    namespace: 'lttng.org,2009',
    uid: 'f8b5e9b0-0000-4000-8000-000000000000',
    environment: { domain: 'kernel', tracer_major: 2, big: 18446744073709551615n, neg: -3 },
    'packet-header-field-class': 'pkt-header',
  },
  {
    type: 'clock-class',
    id: 'monotonic',
    name: 'monotonic',
    frequency: 1000000000,
    origin: 'unix-epoch',
    'offset-from-origin': { seconds: 1700000000, cycles: 123 },
    description: 'Monotonic Clock',
  },
  {
    type: 'data-stream-class',
    id: 3,
    'default-clock-class-id': 'monotonic',
    'packet-context-field-class': {
      type: 'structure',
      'member-classes': [
        { name: 'timestamp_begin', 'field-class': 'u64-ts' },
        { name: 'timestamp_end', 'field-class': u(64, { roles: ['packet-end-default-clock-timestamp'] }) },
        { name: 'packet_size', 'field-class': u(64, { roles: ['packet-total-length'] }) },
        { name: 'cpu_id', 'field-class': 'u32' },
      ],
    },
    'event-record-header-field-class': {
      type: 'structure',
      'minimum-alignment': 8,
      'member-classes': [
        {
          name: 'id',
          'field-class': {
            type: 'fixed-length-unsigned-integer',
            length: 5,
            'byte-order': 'little-endian',
            roles: ['event-record-class-id'],
            mappings: { compact: [[0, 30]], extended: [[31, 31]] },
          },
        },
        {
          name: 'v',
          'field-class': {
            type: 'variant',
            'selector-field-location': { path: ['id'] },
            options: [
              {
                name: 'compact',
                'selector-field-ranges': [[0, 30]],
                'field-class': {
                  type: 'structure',
                  'member-classes': [
                    {
                      name: 'timestamp',
                      'field-class': u(27, { alignment: 1, roles: ['default-clock-timestamp'] }),
                    },
                  ],
                },
              },
              {
                name: 'extended',
                'selector-field-ranges': [[31, 31]],
                'field-class': {
                  type: 'structure',
                  'member-classes': [
                    { name: 'id', 'field-class': u(32, { roles: ['event-record-class-id'] }) },
                    { name: 'timestamp', 'field-class': 'u64-ts' },
                  ],
                },
              },
            ],
          },
        },
      ],
    },
    'event-record-common-context-field-class': {
      type: 'structure',
      'member-classes': [{ name: 'tid', 'field-class': u(32) }],
    },
  },
  {
    type: 'event-record-class',
    id: 7,
    'data-stream-class-id': 3,
    name: 'everything',
    attributes: { 'lttng.org,2009': { 'log-level': 'debug:line' } },
    'specific-context-field-class': {
      type: 'structure',
      'member-classes': [
        {
          name: 'flag',
          'field-class': { type: 'fixed-length-boolean', length: 8, 'byte-order': 'big-endian', alignment: 8 },
        },
      ],
    },
    'payload-field-class': {
      type: 'structure',
      'minimum-alignment': 32,
      'member-classes': [
        {
          name: 'bits',
          'field-class': {
            type: 'fixed-length-bit-array',
            length: 3,
            'byte-order': 'little-endian',
            'bit-order': 'last-to-first',
          },
        },
        {
          name: 'perms',
          'field-class': {
            type: 'fixed-length-bit-map',
            length: 8,
            'byte-order': 'little-endian',
            flags: { read: [[0, 0]], write: [[1, 1]], special: [[4, 6]] },
          },
        },
        {
          name: 'state',
          'field-class': {
            type: 'fixed-length-signed-integer',
            length: 64,
            'byte-order': 'big-endian',
            'bit-order': 'last-to-first',
            alignment: 64,
            'preferred-display-base': 2,
            mappings: { low: [[-9223372036854775808n, -1]], high: [[0, 9223372036854775807n]] },
          },
        },
        {
          name: 'ratio',
          'field-class': {
            type: 'fixed-length-floating-point-number',
            length: 64,
            'byte-order': 'little-endian',
            alignment: 64,
          },
        },
        { name: 'vu', 'field-class': { type: 'variable-length-unsigned-integer', 'preferred-display-base': 16 } },
        { name: 'vs', 'field-class': { type: 'variable-length-signed-integer', mappings: { minus: [[-5, -1]] } } },
        { name: 'comm', 'field-class': { type: 'static-length-string', length: 16 } },
        { name: 'len', 'field-class': u(16) },
        {
          name: 'name',
          'field-class': {
            type: 'dynamic-length-string',
            'length-field-location': { path: ['len'] },
            encoding: 'utf-16le',
          },
        },
        { name: 'text', 'field-class': { type: 'null-terminated-string', encoding: 'utf-32be' } },
        {
          name: 'digest',
          'field-class': { type: 'static-length-blob', length: 20, 'media-type': 'application/octet-stream' },
        },
        { name: 'data', 'field-class': { type: 'dynamic-length-blob', 'length-field-location': { path: ['len'] } } },
        {
          name: 'pairs',
          'field-class': {
            type: 'static-length-array',
            length: 2,
            'minimum-alignment': 16,
            'element-field-class': {
              type: 'structure',
              'member-classes': [
                { name: 'n', 'field-class': u(8) },
                // relative to the element struct: its own `n`
                {
                  name: 'items',
                  'field-class': {
                    type: 'dynamic-length-array',
                    'length-field-location': { path: ['n'] },
                    'element-field-class': 'u32',
                  },
                },
                // null: up to the payload struct, then its `len`
                {
                  name: 'more',
                  'field-class': {
                    type: 'dynamic-length-array',
                    'length-field-location': { path: [null, 'len'] },
                    'element-field-class': u(8),
                  },
                },
              ],
            },
          },
        },
        { name: 'has', 'field-class': { type: 'fixed-length-boolean', length: 8, 'byte-order': 'little-endian' } },
        {
          name: 'maybe',
          'field-class': { type: 'optional', 'selector-field-location': { path: ['has'] }, 'field-class': 'u32' },
        },
        {
          name: 'maybe2',
          'field-class': {
            type: 'optional',
            'selector-field-location': { origin: 'event-record-common-context', path: ['tid'] },
            'selector-field-ranges': [[1, 100]],
            'field-class': { type: 'null-terminated-string' },
          },
        },
        {
          name: 'choice',
          'field-class': {
            type: 'variant',
            'selector-field-location': { origin: 'event-record-payload', path: ['len'] },
            options: [
              { name: 'small', 'selector-field-ranges': [[0, 9]], 'field-class': u(8) },
              {
                'selector-field-ranges': [
                  [10, 10],
                  [20, 30],
                ],
                'field-class': { type: 'null-terminated-string' },
              },
            ],
          },
        },
      ],
    },
  },
);

const payloadOf = (text: string, stream = 3, ev = 7): StructClass => {
  const p = parseCtf2Metadata(text).streams.get(stream)?.events.get(ev)?.payload;
  if (!p) throw new Error('no payload');
  return p;
};
const member = (s: StructClass, name: string): FieldClass => {
  const m = s.members.find((x) => x.name === name);
  if (!m) throw new Error(`no member ${name}`);
  return m.type;
};

describe('parseCtf2Metadata: a complete CTF 2.0 trace', () => {
  const schema = parseCtf2Metadata(full);

  it('reads the preamble, trace class and clock class', () => {
    expect(schema.version).toBe('2');
    expect(Array.from(schema.uuid ?? [])).toEqual([...Array(16).keys()]);
    expect(schema.byteOrder).toBe('le');
    // 2^64-1 must stay exact: JSON.parse would round it
    expect(schema.env).toEqual({ domain: 'kernel', tracer_major: 2, big: 18446744073709551615n, neg: -3 });
    expect(schema.clocks.get('monotonic')).toEqual({
      name: 'monotonic',
      freq: 1e9,
      offsetSeconds: 1700000000n,
      offsetCycles: 123n,
      originIsUnixEpoch: true,
      description: 'Monotonic Clock',
    });
  });

  it('expands aliases, keeping roles and display base', () => {
    const ph = schema.packetHeader!;
    expect(ph.members.map((m) => m.name)).toEqual(['magic', 'uuid', 'stream_id']);
    expect(member(ph, 'magic')).toEqual({
      kind: 'int',
      size: 32,
      align: 8,
      signed: false,
      byteOrder: 'le',
      base: 16,
      roles: ['packet-magic-number'],
    });
    expect(member(ph, 'uuid')).toEqual({ kind: 'blob', length: 16, roles: ['metadata-stream-uuid'] });
    const pc = schema.streams.get(3)!.packetContext!;
    // the default-clock-timestamp role maps the integer to the stream's default clock
    expect(member(pc, 'timestamp_begin')).toMatchObject({
      size: 64,
      roles: ['default-clock-timestamp'],
      mappedClock: 'monotonic',
    });
    expect(member(pc, 'timestamp_end')).toMatchObject({
      mappedClock: 'monotonic',
      roles: ['packet-end-default-clock-timestamp'],
    });
    expect(member(pc, 'cpu_id')).toEqual({ kind: 'int', size: 32, align: 8, signed: false, byteOrder: 'le', base: 10 });
  });

  it('reads the LTTng compact event header: 5-bit enum id (alignment defaults to 1) and variant', () => {
    const sc = schema.streams.get(3)!;
    expect(sc.id).toBe(3);
    expect(sc.clock).toBe('monotonic');
    const eh = sc.eventHeader!;
    expect(eh.minAlign).toBe(8);
    expect(member(eh, 'id')).toEqual({
      kind: 'int',
      size: 5,
      align: 1,
      signed: false,
      byteOrder: 'le',
      base: 10,
      roles: ['event-record-class-id'],
      mappings: [
        { label: 'compact', ranges: [[0, 30]] },
        { label: 'extended', ranges: [[31, 31]] },
      ],
    });
    const v = member(eh, 'v');
    expect(v.kind).toBe('variant');
    if (v.kind !== 'variant') return;
    expect(v.selector).toEqual({ scope: 'event.header', path: ['id'] });
    expect(v.options.map((o) => [o.name, o.ranges])).toEqual([
      ['compact', [[0, 30]]],
      ['extended', [[31, 31]]],
    ]);
    const ext = v.options[1].type as StructClass;
    expect(member(ext, 'timestamp')).toMatchObject({ size: 64, mappedClock: 'monotonic' });
  });

  it('reads the event record class, its log level and context', () => {
    const ev = schema.streams.get(3)!.events.get(7)!;
    expect(ev).toMatchObject({ id: 7, streamClassId: 3, name: 'everything', logLevel: 13 });
    expect(member(ev.specificContext!, 'flag')).toEqual({ kind: 'bool', size: 8, align: 8, byteOrder: 'be' });
  });

  it('reads every fixed-length class, with bit order only when not the default', () => {
    const p = payloadOf(full);
    expect(p.minAlign).toBe(32);
    expect(member(p, 'bits')).toEqual({
      kind: 'bitarray',
      size: 3,
      align: 1,
      byteOrder: 'le',
      bitOrder: 'last-to-first',
    });
    expect(member(p, 'perms')).toEqual({
      kind: 'bitarray',
      size: 8,
      align: 1,
      byteOrder: 'le',
      flags: [
        { label: 'read', ranges: [[0, 0]] },
        { label: 'write', ranges: [[1, 1]] },
        { label: 'special', ranges: [[4, 6]] },
      ],
    });
    // big-endian + last-to-first is the default: no bitOrder; 64-bit bounds kept exact as bigint
    expect(member(p, 'state')).toEqual({
      kind: 'int',
      size: 64,
      align: 64,
      signed: true,
      byteOrder: 'be',
      base: 2,
      mappings: [
        { label: 'low', ranges: [[-9223372036854775808n, -1]] },
        { label: 'high', ranges: [[0, 9223372036854775807n]] },
      ],
    });
    expect(member(p, 'ratio')).toEqual({ kind: 'float', size: 64, align: 64, byteOrder: 'le' });
  });

  it('reads variable-length integers, strings and BLOBs', () => {
    const p = payloadOf(full);
    expect(member(p, 'vu')).toEqual({ kind: 'varint', signed: false, base: 16 });
    expect(member(p, 'vs')).toEqual({
      kind: 'varint',
      signed: true,
      base: 10,
      mappings: [{ label: 'minus', ranges: [[-5, -1]] }],
    });
    expect(member(p, 'comm')).toEqual({ kind: 'static-string', length: 16, encoding: 'utf-8' });
    expect(member(p, 'name')).toEqual({
      kind: 'dynamic-string',
      length: { scope: 'event.payload', path: ['len'] },
      encoding: 'utf-16le',
    });
    expect(member(p, 'text')).toEqual({ kind: 'string', encoding: 'utf-32be' });
    expect(member(p, 'digest')).toEqual({ kind: 'blob', length: 20 });
    expect(member(p, 'data')).toEqual({ kind: 'blob', length: { scope: 'event.payload', path: ['len'] } });
  });

  it('resolves relative locations inside array elements and with null (go up)', () => {
    const pairs = member(payloadOf(full), 'pairs');
    expect(pairs.kind).toBe('array');
    if (pairs.kind !== 'array') return;
    expect(pairs.length).toBe(2);
    expect(pairs.minAlign).toBe(16);
    const el = pairs.element as StructClass;
    expect(member(el, 'items')).toMatchObject({
      kind: 'sequence',
      length: { scope: 'event.payload', path: ['pairs', 'n'] },
      minAlign: 1,
    });
    expect(member(el, 'more')).toMatchObject({ kind: 'sequence', length: { scope: 'event.payload', path: ['len'] } });
  });

  it('reads optionals (boolean and integer selectors) and a variant with an unnamed option', () => {
    const p = payloadOf(full);
    expect(member(p, 'maybe')).toEqual({
      kind: 'optional',
      selector: { scope: 'event.payload', path: ['has'] },
      type: { kind: 'int', size: 32, align: 8, signed: false, byteOrder: 'le', base: 10 },
    });
    expect(member(p, 'maybe2')).toEqual({
      kind: 'optional',
      selector: { scope: 'event.common-context', path: ['tid'] },
      ranges: [[1, 100]],
      type: { kind: 'string', encoding: 'utf-8' },
    });
    const c = member(p, 'choice');
    if (c.kind !== 'variant') throw new Error('not a variant');
    expect(c.selector).toEqual({ scope: 'event.payload', path: ['len'] });
    expect(c.options[1]).toEqual({
      name: '',
      ranges: [
        [10, 10],
        [20, 30],
      ],
      type: { kind: 'string', encoding: 'utf-8' },
    });
  });

  it('gives a schema that survives structured cloning (it is sent to a worker)', () => {
    expect(structuredClone(schema)).toEqual(schema);
  });

  it('skips empty records and takes the byte order from the packet magic', () => {
    const s = parseCtf2Metadata(
      '\n\x1e\n' +
        seq(preamble, {
          type: 'trace-class',
          'packet-header-field-class': {
            type: 'structure',
            'member-classes': [
              {
                name: 'magic',
                'field-class': { ...u(32), 'byte-order': 'big-endian', roles: ['packet-magic-number'] },
              },
            ],
          },
        }) +
        '\x1e',
    );
    expect(s.byteOrder).toBe('be');
    expect(s.streams.size).toBe(0);
  });
});

/** The error message of parsing `text`, which must throw a CtfError. */
function errorOf(text: string): CtfError {
  try {
    parseCtf2Metadata(text);
  } catch (e) {
    expect(e).toBeInstanceOf(CtfError);
    return e as CtfError;
  }
  throw new Error('expected a CtfError');
}

const dsc = { type: 'data-stream-class' };
const ev = (payload: unknown, extra: Record<string, unknown> = {}) => ({
  type: 'event-record-class',
  name: 'e',
  'payload-field-class': { type: 'structure', 'member-classes': payload },
  ...extra,
});

describe('parseCtf2Metadata: invalid metadata is refused with the fragment and the problem', () => {
  it('refuses an unknown extension declared in the preamble', () => {
    const e = errorOf(seq({ ...preamble, extensions: { 'example.com,2024': { 'fancy-compression': {} } } }));
    expect(e.message).toContain('fragment #0 (preamble)');
    expect(e.message).toContain('example.com,2024/fancy-compression');
    expect(e.line).toBe(1);
  });

  it('refuses a metadata that does not start with a preamble, or another version', () => {
    expect(errorOf(seq(dsc)).message).toMatch(/fragment #0 \(data-stream-class\).*first fragment must be the preamble/);
    expect(errorOf(seq({ type: 'preamble', version: 3 })).message).toMatch(/unsupported CTF version 3/);
    expect(errorOf('/* CTF 1.8 */').message).toMatch(/no 0x1E/);
  });

  it('names the metadata file when given one', () => {
    let err: unknown;
    try {
      parseCtf2Metadata(seq({ type: 'preamble', version: 3 }), 'kernel/metadata');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CtfError);
    expect((err as CtfError).file).toBe('kernel/metadata');
    expect((err as CtfError).message).toMatch(
      /^kernel\/metadata, metadata line 1: CTF 2 metadata fragment #0 \(preamble\)/,
    );
  });

  it('reports JSON syntax errors with the metadata line', () => {
    const text = seq(preamble) + '\x1e{\n "type": "data-stream-class",\n "id": 1,,\n}\n';
    const e = errorOf(text);
    expect(e.message).toMatch(/fragment #1: JSON syntax error/);
    expect(e.line).toBe(text.slice(0, text.indexOf(',,')).split('\n').length);
  });

  it('names the fragment index, type and property path of a bad field class', () => {
    const e = errorOf(
      seq(preamble, dsc, ev([{ name: 'a', 'field-class': { type: 'fixed-length-unsigned-integer', length: 8 } }])),
    );
    expect(e.message).toContain('fragment #2 (event-record-class "e" (id 0))');
    expect(e.message).toContain('payload-field-class.member-classes[0].field-class.byte-order');
    expect(e.message).toContain('expected "little-endian" or "big-endian"');
    const lines = seq(preamble, dsc).split('\n').length;
    expect(e.line).toBe(lines);
  });

  it.each([
    [
      'an unknown field class type',
      [{ name: 'a', 'field-class': { type: 'quantum-bit' } }],
      /unknown field class type "quantum-bit"/,
    ],
    ['an unknown alias', [{ name: 'a', 'field-class': 'u99' }], /unknown field class alias "u99"/],
    [
      'a duplicate member',
      [
        { name: 'a', 'field-class': u(8) },
        { name: 'a', 'field-class': u(8) },
      ],
      /duplicate structure member name "a"/,
    ],
    [
      'a 24-bit float',
      [
        {
          name: 'f',
          'field-class': { type: 'fixed-length-floating-point-number', length: 24, 'byte-order': 'little-endian' },
        },
      ],
      /16, 32, 64 or 128/,
    ],
    ['an alignment of 3', [{ name: 'a', 'field-class': u(8, { alignment: 3 }) }], /power of two, found 3/],
    [
      'a length location naming no field',
      [{ name: 's', 'field-class': { type: 'dynamic-length-string', 'length-field-location': { path: ['nope'] } } }],
      /location event.payload\/nope: no such field/,
    ],
    [
      'a signed length',
      [
        { name: 'n', 'field-class': { ...u(8), type: 'fixed-length-signed-integer' } },
        {
          name: 's',
          'field-class': {
            type: 'dynamic-length-array',
            'length-field-location': { path: ['n'] },
            'element-field-class': u(8),
          },
        },
      ],
      /the field's class is int, expected an unsigned integer/,
    ],
    [
      'a null above the scope root',
      [{ name: 's', 'field-class': { type: 'dynamic-length-blob', 'length-field-location': { path: [null, 'n'] } } }],
      /length-field-location.path\[0\]: null goes above the root/,
    ],
    [
      'a role outside its scope',
      [{ name: 'n', 'field-class': u(8, { roles: ['packet-total-length'] }) }],
      /role "packet-total-length" is not allowed in the event.payload scope/,
    ],
    [
      'overlapping variant options',
      [
        { name: 'n', 'field-class': u(8) },
        {
          name: 'v',
          'field-class': {
            type: 'variant',
            'selector-field-location': { path: ['n'] },
            options: [
              { name: 'a', 'selector-field-ranges': [[0, 5]], 'field-class': u(8) },
              { name: 'b', 'selector-field-ranges': [[5, 9]], 'field-class': u(8) },
            ],
          },
        },
      ],
      /options "a" and "b" overlap at selector value 5/,
    ],
    [
      'an integer optional selector without ranges',
      [
        { name: 'n', 'field-class': u(8) },
        {
          name: 'o',
          'field-class': { type: 'optional', 'selector-field-location': { path: ['n'] }, 'field-class': u(8) },
        },
      ],
      /the field's class is int, expected a boolean \(optional selector without selector-field-ranges\)/,
    ],
    [
      'an origin named like an Object.prototype property',
      [
        {
          name: 's',
          'field-class': { type: 'dynamic-length-blob', 'length-field-location': { origin: 'toString', path: ['n'] } },
        },
      ],
      /unknown origin "toString"/,
    ],
  ])('refuses %s', (_what, payload, re) => {
    expect(
      errorOf(seq(preamble, { type: 'field-class-alias', name: 'u8', 'field-class': u(8) }, dsc, ev(payload))).message,
    ).toMatch(re);
  });

  it('refuses a location into a scope decoded later', () => {
    const e = errorOf(
      seq(preamble, {
        ...dsc,
        'packet-context-field-class': {
          type: 'structure',
          'member-classes': [
            {
              name: 's',
              'field-class': {
                type: 'dynamic-length-blob',
                'length-field-location': { origin: 'event-record-payload', path: ['n'] },
              },
            },
          ],
        },
      }),
    );
    expect(e.message).toMatch(/fragment #1 \(data-stream-class 0\).*location in event.payload, which is decoded after/);
  });

  it('refuses references to undefined things and duplicates', () => {
    expect(errorOf(seq(preamble, { ...dsc, 'default-clock-class-id': 'rt' })).message).toMatch(
      /unknown clock class "rt"/,
    );
    expect(errorOf(seq(preamble, ev([], { 'data-stream-class-id': 4 }))).message).toMatch(
      /unknown data stream class 4/,
    );
    expect(errorOf(seq(preamble, dsc, ev([]), ev([]))).message).toMatch(
      /fragment #3 .*already has an event record class 0/,
    );
    expect(errorOf(seq(preamble, dsc, dsc)).message).toMatch(/data stream class 0 is already defined/);
    // an alias may only use aliases defined before it
    expect(
      errorOf(
        seq(
          preamble,
          { type: 'field-class-alias', name: 'a', 'field-class': 'b' },
          { type: 'field-class-alias', name: 'b', 'field-class': u(8) },
        ),
      ).message,
    ).toMatch(/fragment #1 \(field-class-alias "a"\).*unknown field class alias "b"/);
    expect(errorOf(seq(preamble, dsc, { type: 'trace-class' })).message).toMatch(
      /trace-class fragment must come before/,
    );
    expect(errorOf(seq(preamble, { type: 'stream-class' })).message).toMatch(/unknown fragment type "stream-class"/);
  });

  it('refuses a timestamp role in a stream without a default clock', () => {
    const e = errorOf(
      seq(preamble, {
        ...dsc,
        'event-record-header-field-class': {
          type: 'structure',
          'member-classes': [{ name: 'timestamp', 'field-class': u(64, { roles: ['default-clock-timestamp'] }) }],
        },
      }),
    );
    expect(e.message).toMatch(/role "default-clock-timestamp" but the data stream class has no default clock class/);
  });
});
