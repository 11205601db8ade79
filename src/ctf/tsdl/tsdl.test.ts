import { describe, expect, it } from 'vitest';
import { CtfError } from '../errors';
import type { IntegerClass, SequenceClass, StructClass, VariantClass } from '../schema';
import { parseTsdl } from './resolve';

const HEAD = `/* CTF 1.8 */
typealias integer { size = 8; align = 8; signed = false; } := uint8_t;
typealias integer { size = 32; align = 8; signed = false; } := uint32_t;
typealias integer { size = 64; align = 8; signed = false; } := unsigned long;
`;

function payload(meta: string, event = 0): StructClass {
  const s = parseTsdl(meta);
  const ev = [...s.streams.values()][0].events.get(event);
  if (!ev?.payload) throw new Error('no payload');
  return ev.payload;
}

describe('TSDL parser', () => {
  it('resolves native byte order against a trace block that comes after the aliases', () => {
    const s = parseTsdl(`${HEAD}trace { major = 1; minor = 8; byte_order = be; };
      event { name = e; fields := struct { uint32_t a; integer { size = 16; byte_order = le; } b; }; };`);
    const f = payload(`${HEAD}trace { major = 1; minor = 8; byte_order = be; };
      event { name = e; fields := struct { uint32_t a; integer { size = 16; byte_order = le; } b; }; };`);
    expect(s.byteOrder).toBe('be');
    expect((f.members[0].type as IntegerClass).byteOrder).toBe('be');
    expect((f.members[1].type as IntegerClass).byteOrder).toBe('le');
  });

  it('reads multi-word aliases, scoped typedefs, string without final semicolon, hex/octal/negative literals', () => {
    const f = payload(`${HEAD}trace { major = 1; minor = 8; byte_order = le; };
      event { name = "p:e"; fields := struct {
        typedef integer { size = 12; signed = true; base = hex; } my_t;
        unsigned long big;
        my_t small;
        string { encoding = ASCII } s;
        enum : uint8_t { A = 0x10, B, C = 010 ... 012, "quoted label" } e;
      }; };`);
    expect(f.members.map((m) => m.name)).toEqual(['big', 'small', 's', 'e']);
    expect((f.members[0].type as IntegerClass).size).toBe(64);
    const small = f.members[1].type as IntegerClass;
    expect([small.size, small.signed, small.base, small.align]).toEqual([12, true, 16, 1]);
    expect(f.members[2].type).toEqual({ kind: 'string', encoding: 'ascii' });
    expect((f.members[3].type as IntegerClass).mappings).toEqual([
      { label: 'A', ranges: [[16, 16]] },
      { label: 'B', ranges: [[17, 17]] },
      { label: 'C', ranges: [[8, 10]] },
      { label: 'quoted label', ranges: [[11, 11]] },
    ]);
  });

  it('gives enums the int alias as container by default', () => {
    const f = payload(`typealias integer { size = 16; align = 8; signed = true; } := int;
      trace { major = 1; minor = 8; byte_order = le; };
      event { name = e; fields := struct { enum { X, Y } e; }; };`);
    const e = f.members[0].type as IntegerClass;
    expect([e.size, e.signed]).toEqual([16, true]);
  });

  it('turns relative and absolute sequence lengths and variant tags into absolute locations', () => {
    const meta = `${HEAD}trace { major = 1; minor = 8; byte_order = le; };
      stream { event.context := struct { uint8_t n; }; };
      event { name = e; fields := struct {
        uint8_t len;
        struct { uint8_t inner_len; uint8_t data[inner_len]; uint8_t outer[len]; } s;
        uint8_t ctxseq[stream.event.context.n];
        enum : uint8_t { _a, b } tag;
        variant <tag> { uint8_t _a; uint32_t b; } v;
        variant <event.fields.tag> { uint8_t _a; uint32_t b; } w;
      }; };`;
    const f = payload(meta);
    const s = f.members[1].type as StructClass;
    expect((s.members[1].type as SequenceClass).length).toEqual({ scope: 'event.payload', path: ['s', 'inner_len'] });
    expect((s.members[2].type as SequenceClass).length).toEqual({ scope: 'event.payload', path: ['len'] });
    expect((f.members[2].type as SequenceClass).length).toEqual({ scope: 'event.common-context', path: ['n'] });
    expect((f.members[4].type as VariantClass).selector).toEqual({ scope: 'event.payload', path: ['tag'] });
    expect((f.members[5].type as VariantClass).selector).toEqual({ scope: 'event.payload', path: ['tag'] });
  });

  it('makes a sequence whose length is an env entry a static array', () => {
    const f = payload(`${HEAD}trace { major = 1; minor = 8; byte_order = le; };
      env { n_cpus = 4; };
      event { name = e; fields := struct { uint8_t per_cpu[env.n_cpus]; }; };`);
    expect(f.members[0].type).toMatchObject({ kind: 'array', length: 4 });
  });

  it("assigns LTTng's roles and the stream clock", () => {
    const s = parseTsdl(`${HEAD}
      clock { name = monotonic; freq = 1000000000; offset = 1000; };
      typealias integer { size = 27; align = 1; signed = false; map = clock.monotonic.value; } := uint27_clock_t;
      trace { major = 1; minor = 8; byte_order = le;
        packet.header := struct { uint32_t magic; uint8_t uuid[16]; uint32_t stream_id; }; };
      stream { id = 0; packet.context := struct { unsigned long timestamp_begin; unsigned long timestamp_end;
        unsigned long content_size; unsigned long packet_size; unsigned long events_discarded; uint32_t cpu_id; };
        event.header := struct { integer { size = 5; align = 1; } id; uint27_clock_t timestamp; } align(8); };
      event { name = e; id = 0; stream_id = 0; };`);
    const sc = s.streams.get(0)!;
    expect(sc.clock).toBe('monotonic');
    expect(s.clocks.get('monotonic')).toMatchObject({ freq: 1e9, offsetCycles: 1000n, originIsUnixEpoch: true });
    const roles = (st: StructClass) => st.members.map((m) => (m.type as IntegerClass).roles?.[0] ?? null);
    expect(roles(sc.packetContext!)).toEqual([
      'default-clock-timestamp',
      'packet-end-default-clock-timestamp',
      'packet-content-length',
      'packet-total-length',
      'discarded-event-record-counter-snapshot',
      null,
    ]);
    expect(roles(sc.eventHeader!)).toEqual(['event-record-class-id', 'default-clock-timestamp']);
    expect(sc.eventHeader!.minAlign).toBe(8);
    expect(s.packetHeader!.members.map((m) => m.name)).toEqual(['magic', 'uuid', 'stream_id']);
  });

  it('reports the metadata line of a syntax error', () => {
    const meta = `${HEAD}trace { major = 1; minor = 8; byte_order = le; };\nevent {\n  name = e;\n  fields := struct { uint32_t ; };\n};`;
    try {
      parseTsdl(meta);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CtfError);
      expect((e as CtfError).line).toBe(8);
      expect((e as CtfError).message).toMatch(/^metadata, metadata line 8: /);
    }
  });

  it('refuses an unknown type, a sequence length that is not an unsigned integer, an unknown tag', () => {
    const base = `${HEAD}trace { major = 1; minor = 8; byte_order = le; };\n`;
    expect(() => parseTsdl(`${base}event { name = e; fields := struct { nope_t x; }; };`)).toThrow(
      /unknown type 'nope_t'/,
    );
    expect(() => parseTsdl(`${base}event { name = e; fields := struct { string n; uint8_t a[n]; }; };`)).toThrow(
      /sequence length 'n' must be an unsigned integer/,
    );
    expect(() => parseTsdl(`${base}event { name = e; fields := struct { variant <t> { uint8_t a; } v; }; };`)).toThrow(
      /cannot find field 't'/,
    );
  });

  it('reads an integer block spelled many times (parsed once) the same each time, with every line still right', () => {
    const int32 = 'integer { size = 32; align = 8; signed = 1; base = 16; }';
    const meta = `${HEAD}trace { major = 1; minor = 8; byte_order = le; };
event { name = a; id = 0; fields := struct { ${int32} x; ${int32} y; }; };
event { name = b; id = 1; fields := struct {
  ${int32} x;
  integer { size = 32; align = 8; signed = 1;
    base = 16; } y;
  ${int32} z; }; };
event { name = c; id = 2; fields := struct { ${int32} x; integer { size = 32; align = 3; } bad; }; };`;
    try {
      parseTsdl(meta);
      expect.unreachable();
    } catch (e) {
      expect((e as CtfError).line).toBe(12);
      expect((e as CtfError).message).toMatch(/integer alignment 3 is not a power of two/);
    }
    const ok = meta.slice(0, meta.lastIndexOf('\nevent'));
    const events = [...parseTsdl(ok).streams.values()][0].events;
    const types = [0, 1].flatMap((id) => events.get(id)?.payload?.members.map((m) => m.type) ?? []);
    expect(types).toHaveLength(5);
    for (const t of types)
      expect(t).toEqual({ kind: 'int', size: 32, align: 8, signed: true, byteOrder: 'le', base: 16 });
    // An error after blocks read from the memo still names its own line.
    expect(() =>
      parseTsdl(`${ok}\n\nevent { name = d; id = 3; fields := struct { ${int32} x; nope_t y; }; };`),
    ).toThrow(/metadata line 13: .*unknown type 'nope_t'/);
  });
});
