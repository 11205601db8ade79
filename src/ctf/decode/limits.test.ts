/**
 * Impossible lengths in real traces (metadata edited as a damaged copy or a tracer bug would): each is a CtfError
 * naming the field, the packet and the byte at once, never a loop over billions of elements.
 */
import { describe, expect, it } from 'vitest';
import { tracePath } from '../../fixtures/corpus';
import { CtfError } from '../errors';
import { openExperiment, type TraceInput } from '../experiment';
import { metadataText } from '../metadata';
import { readTraceFolder } from '../node-fs';
import { readAll } from './byte-source';
import { ColumnTables } from './columns';
import { minBits } from './limits';

function withMetadataEdit(trace: string, from: string, to: string): TraceInput[] {
  const inputs = readTraceFolder(tracePath(trace));
  const t = inputs[0];
  const text = metadataText(readAll(t.files.get('metadata')!));
  expect(text).toContain(from);
  t.files.set('metadata', new TextEncoder().encode(text.replace(from, to)));
  return inputs;
}

function decodeError(inputs: TraceInput[]): CtfError {
  try {
    openExperiment(inputs).decode(() => {});
  } catch (e) {
    expect(e).toBeInstanceOf(CtfError);
    return e as CtfError;
  }
  throw new Error('decoded without an error');
}

describe('impossible lengths', () => {
  for (const n of ['4294967295', '2147483648', '100000']) {
    it(`a static array uuid[${n}] in the packet header`, () => {
      const err = decodeError(withMetadataEdit('bt-smalltrace', 'uint8_t  uuid[16]', `uint8_t  uuid[${n}]`));
      expect(err.file).toBe('dummystream');
      expect(err.byteOffset).toBe(4); // after the 4-byte magic
      expect(err.message).toContain(`packet.header field 'uuid': length ${n} of 8 bits`);
      expect(err.message).toContain('packet at byte 0');
    });
  }

  it('a static array of empty structs (elements that take no bits) longer than the bits left', () => {
    const err = decodeError(withMetadataEdit('bt-smalltrace', 'uint8_t  uuid[16]', 'struct { } uuid[4294967295]'));
    expect(err.message).toMatch(
      /packet\.header field 'uuid': length 4294967295 needs at least 4294967295 bits, only \d+ are left/,
    );
  });

  it('a CTF 2 static-length BLOB of 2^32 - 1 bytes', () => {
    const inputs = readTraceFolder(tracePath('tc-CTF2-7.0-smalltrace'));
    const t = inputs[0];
    const json = new TextDecoder().decode(readAll(t.files.get('metadata')!));
    expect(json).toContain('"length": 16,');
    // Without its uuid role (which the metadata checks is 16 bytes): a plain BLOB the decoder must bound.
    const edited = json
      .replace('"length": 16,', '"length": 4294967295,')
      .replace(/"roles":\s*\[\s*"metadata-stream-uuid"\s*\],/, '');
    t.files.set('metadata', new TextEncoder().encode(edited));
    const err = decodeError(inputs);
    expect(err.message).toContain("packet.header field 'uuid': length 4294967295 of 8 bits");
    expect(err.byteOffset).toBe(4);
  });

  it('a fixed-size payload longer than its packet: skipped in one step when it fits, else the field is named', () => {
    // sched_switch's payload is all fixed-size fields, which the column readers skip as one block when it fits;
    // when it does not, the members are skipped one by one and the first that does not fit says so.
    const edit = () => withMetadataEdit('tc-flipping-endianness', '_prev_comm[16]', '_prev_comm[100000000]');
    const generic = decodeError(edit());
    let columns: unknown;
    try {
      openExperiment(edit()).decodeColumns(new ColumnTables(() => null, false), () => {}, undefined, true);
    } catch (e) {
      columns = e;
    }
    expect(columns).toBeInstanceOf(CtfError);
    const err = columns as CtfError;
    expect(err.message).toMatch(
      /event\.payload field '_prev_comm': length 100000000 of 8 bits needs at least 800000000 bits, only \d+ are left in the packet \(event at bit 1408 of the packet, packet at byte 0\)$/,
    );
    // The generic decoder (values read) words it its own way, at the same place.
    expect([err.file, err.byteOffset]).toEqual([generic.file, generic.byteOffset]);
    expect(generic.message).toMatch(/event\.payload field '_prev_comm': text array goes beyond the end of the packet/);
  });

  for (const n of ['4294967295', '2147483648', '100000000']) {
    it(`a text array the column readers read, _prev_comm[${n}]: its length checked as the closures check it`, () => {
      const inputs = withMetadataEdit('tc-flipping-endianness', '_prev_comm[16]', `_prev_comm[${n}]`);
      const tables = new ColumnTables((name) => (name === 'sched_switch' ? [['prev_comm', 'str']] : null));
      let err: unknown;
      try {
        openExperiment(inputs).decodeColumns(tables, () => {});
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CtfError);
      expect((err as CtfError).message).toMatch(
        new RegExp(
          `event\\.payload field '_prev_comm': length ${n} of 8 bits needs at least \\d+ bits, only \\d+ are left`,
        ),
      );
    });
  }

  it('a sequence whose length field reads 2^31 - 1', () => {
    // The sequence's length field widened to 32 bits of the bytes that follow it: a huge, impossible length.
    const inputs = withMetadataEdit(
      'bt-sequence',
      'seq_int_field[ __seq_int_field_length ]',
      'seq_int_field[ 2147483647 ]',
    );
    const err = decodeError(inputs);
    expect(err.message).toMatch(
      /event\.payload field '_seq_int_field': length 2147483647 of 32 bits needs at least \d+ bits, only \d+ are left in the packet \(event at bit \d+ of the packet, packet at byte \d+\)/,
    );
  });
});

describe('impossible sizes and alignments in the metadata', () => {
  // An alignment past 2^31 wraps the readers' 32-bit position masks: the cursor went back to the packet start for ever.
  for (const align of ['2147483648', '4294967296', '9007199254740993']) {
    it(`align = ${align}`, () => {
      const inputs = withMetadataEdit(
        'bt-sequence',
        'integer { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _seq_int_field[',
        `integer { size = 32; align = ${align}; signed = 1; encoding = none; base = 10; } _seq_int_field[`,
      );
      let err: unknown;
      try {
        openExperiment(inputs);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CtfError);
      // The TSDL resolver refuses it first, naming the line (checkSchemaLimits also stops a CTF 2 schema).
      expect((err as CtfError).message).toMatch(/metadata line \d+: .*align/);
    });
  }
});

describe('minBits', () => {
  it('is a lower bound of a field class size, alignment not counted', () => {
    const u8 = { kind: 'int', size: 8, align: 8, signed: false, byteOrder: 'le', base: 10 } as const;
    expect(minBits(u8)).toBe(8);
    expect(minBits({ kind: 'array', length: 16, element: u8, minAlign: 1 })).toBe(128);
    expect(
      minBits({
        kind: 'struct',
        members: [
          { name: 'a', type: u8 },
          { name: 'b', type: u8 },
        ],
        minAlign: 64,
      }),
    ).toBe(16);
  });
});
