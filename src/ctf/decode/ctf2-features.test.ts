/**
 * CTF 2 field classes beyond UTF-8 and the default bit order, decoded end to end from a hand-built trace:
 * UTF-16 / UTF-32 text in NUL-terminated, static- and dynamic-length strings, fixed-length fields with a
 * non-default bit order, binary16 and binary128 floats. Plus: CTF 2 metadata errors name the metadata file.
 */
import { describe, expect, it } from 'vitest';
import { CtfError, openExperiment } from '../index';
import type { TraceEvent } from '../event';
import { floatFromBits } from './bits';

const le = 'little-endian';
const be = 'big-endian';
const u8c = { type: 'fixed-length-unsigned-integer', length: 8, 'byte-order': le, alignment: 8 };
const member = (name: string, fc: object) => ({ name, 'field-class': fc });
const nulString = (encoding: string) => ({ type: 'null-terminated-string', encoding });
const uint = (length: number, byteOrder: string, bitOrder: string, alignment = 1) => ({
  type: 'fixed-length-unsigned-integer',
  length,
  'byte-order': byteOrder,
  'bit-order': bitOrder,
  alignment,
});
const float = (length: number, byteOrder: string) => ({
  type: 'fixed-length-floating-point-number',
  length,
  'byte-order': byteOrder,
  alignment: 8,
});

function trace(members: object[], stream: number[]): TraceEvent {
  const metadata = [
    { type: 'preamble', version: 2 },
    { type: 'trace-class' },
    { type: 'data-stream-class' },
    { type: 'event-record-class', name: 'ev', 'payload-field-class': { type: 'structure', 'member-classes': members } },
  ]
    .map((f) => `\x1e${JSON.stringify(f)}\n`)
    .join('');
  const exp = openExperiment([
    {
      name: '',
      files: new Map([
        ['metadata', new TextEncoder().encode(metadata)],
        ['stream', Uint8Array.from(stream)],
      ]),
    },
  ]);
  const events: TraceEvent[] = [];
  exp.decode((e) => events.push(e));
  expect(events.length).toBe(1);
  return events[0];
}

describe('CTF 2 text encodings', () => {
  it('decodes UTF-16 and UTF-32 strings, ended by a whole NUL code unit', () => {
    const ev = trace(
      [
        member('s16le', nulString('utf-16le')),
        member('s16be', nulString('utf-16be')),
        member('s32le', nulString('utf-32le')),
        member('fixed32be', { type: 'static-length-string', length: 12, encoding: 'utf-32be' }),
        member('n', u8c),
        member('dyn16be', {
          type: 'dynamic-length-string',
          'length-field-location': { path: ['n'] },
          encoding: 'utf-16be',
        }),
        member('after', u8c),
      ],
      // prettier-ignore
      [
        0x61, 0x00, 0x00, 0x01, 0x3d, 0xd8, 0x00, 0xde, 0x00, 0x00, // "aĀ😀": the 00 00 at byte 1 is not a code unit
        0x00, 0x68, 0x00, 0xe9, 0x00, 0x00, // "hé"
        0x41, 0x00, 0x00, 0x00, 0x00, 0xf6, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, // "A😀"
        0x00, 0x00, 0x00, 0x68, 0x00, 0x00, 0x00, 0x69, 0x00, 0x00, 0x00, 0x00, // "hi", NUL
        0x06, // n = 6 bytes
        0x00, 0x21, 0x00, 0x00, 0x00, 0x7a, // "!", NUL, junk
        0x2a,
      ],
    );
    expect(ev.fields).toEqual({
      s16le: 'aĀ😀',
      s16be: 'hé',
      s32le: 'A😀',
      fixed32be: 'hi',
      n: 6,
      dyn16be: '!',
      after: 42,
    });
  });

  it('refuses a UTF-16 string without a NUL code unit', () => {
    expect(() => trace([member('s', nulString('utf-16le'))], [0x61, 0x00, 0x62])).toThrow(CtfError);
  });
});

describe('CTF 2 bit order', () => {
  it('decodes little-endian last-to-first and big-endian first-to-last fields', () => {
    const ev = trace(
      [
        member('a', uint(3, le, 'last-to-first', 8)),
        member('b', uint(5, le, 'last-to-first')),
        member('c', uint(16, be, 'first-to-last', 8)),
        member('d', { ...uint(4, le, 'last-to-first', 8), type: 'fixed-length-signed-integer' }),
        member('pad', uint(4, le, 'last-to-first')),
        member('flag', {
          type: 'fixed-length-boolean',
          length: 8,
          'byte-order': le,
          'bit-order': 'last-to-first',
          alignment: 8,
        }),
        member('wide', uint(40, le, 'last-to-first', 8)),
        member('plain', uint(8, le, 'first-to-last', 8)),
      ],
      // prettier-ignore
      [
        0xd2, // 1101 0010 taken from the most significant bit: a = bits 1,1,0 from its LSB = 3; b = 1,0,0,1,0 = 9
        0x01, 0x80, // c: bits taken from each byte's LSB, the first one the value's MSB: 0x8001
        0x1f, // d: 0,0,0,1 -> value bit 3 set: -8 in 4 bits; pad: the low nibble, 0xf
        0x80, // flag: the first bit taken (the MSB) is the value's LSB: true
        0x80, 0x00, 0x00, 0x00, 0x01, // wide: first bit set -> 1, last bit set -> 2^39
        0x7e,
      ],
    );
    expect(ev.fields).toEqual({ a: 3, b: 9, c: 0x8001, d: -8, pad: 15, flag: true, wide: 1 + 2 ** 39, plain: 0x7e });
  });
});

describe('CTF 2 16- and 128-bit floats', () => {
  it('decodes binary16 and binary128 (to the nearest double)', () => {
    const third = [0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0xfd, 0x3f];
    const ev = trace(
      [
        member('h1', float(16, le)),
        member('h2', float(16, be)),
        member('h3', float(16, le)),
        member('q1', float(128, le)),
        member('q2', float(128, be)),
      ],
      // prettier-ignore
      [
        0x00, 0x3e, // 1.5
        0xfb, 0xff, // -65504
        0x01, 0x00, // smallest subnormal 2^-24
        ...third, // 1/3 in binary128
        0xc0, 0x00, 0x40, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // -2.5
      ],
    );
    expect(ev.fields).toEqual({ h1: 1.5, h2: -65504, h3: 2 ** -24, q1: 1 / 3, q2: -2.5 });
  });

  it('rounds binary128 to the nearest double, ties to even, with overflow, subnormals and NaN', () => {
    const q = (signExp: number, mantissa: bigint) => (BigInt(signExp) << 112n) | mantissa;
    const ulpBits = 112n - 52n; // binary128 mantissa bits below a double's last one
    expect(floatFromBits(q(0x3fff, 1n << (ulpBits - 1n)), 128)).toBe(1); // exactly half an ulp above 1: to even
    expect(floatFromBits(q(0x3fff, (1n << (ulpBits - 1n)) + 1n), 128)).toBe(1 + 2 ** -52); // just above half
    expect(floatFromBits(q(0x3fff, 3n << (ulpBits - 1n)), 128)).toBe(1 + 2 ** -51); // 1.5 ulp: to even (up)
    expect(floatFromBits(q(0x3fff + 1024, 0n), 128)).toBe(Infinity);
    expect(floatFromBits(q(0xbfff + 1023, 0n), 128)).toBe(-(2 ** 1023));
    expect(floatFromBits(q(0x3fff - 1074, 0n), 128)).toBe(2 ** -1074);
    expect(floatFromBits(q(0x3fff - 1076, 0n), 128)).toBe(0); // a quarter of the smallest subnormal
    expect(floatFromBits(q(0x3fff - 1075, 1n), 128)).toBe(2 ** -1074); // just above half of it
    expect(floatFromBits(q(0x7fff, 1n), 128)).toBeNaN();
    expect(floatFromBits(q(0xffff, 0n), 128)).toBe(-Infinity);
  });
});

describe('CTF 2 metadata errors', () => {
  it('name the metadata file of the trace', () => {
    const bad = `\x1e${JSON.stringify({ type: 'preamble', version: 2 })}\n\x1e{"type": "trace-class",\n`;
    let err: unknown;
    try {
      openExperiment([{ name: 'ust/uid/1000/64-bit', files: new Map([['metadata', new TextEncoder().encode(bad)]]) }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CtfError);
    expect((err as CtfError).file).toBe('ust/uid/1000/64-bit/metadata');
    expect((err as CtfError).message).toMatch(
      /^ust\/uid\/1000\/64-bit\/metadata, metadata line \d+: .*JSON syntax error/,
    );
  });
});

describe('struct members with unusual names', () => {
  it('keeps __proto__, constructor and quoted names as plain own fields', () => {
    const ev = trace(
      // One leading underscore is dropped from names shown (as babeltrace2 does): ___proto__ shows as __proto__.
      [member('___proto__', u8c), member('constructor', u8c), member('a"b\\c', u8c), member('0', u8c)],
      [1, 2, 3, 4],
    );
    expect(Object.getPrototypeOf(ev.fields)).toBe(Object.prototype);
    expect(Object.getOwnPropertyNames(ev.fields)).toEqual(['0', '__proto__', 'constructor', 'a"b\\c']);
    expect(Object.getOwnPropertyDescriptor(ev.fields, '__proto__')?.value).toBe(1);
    expect(ev.fields?.constructor).toBe(2);
    expect(ev.fields?.['a"b\\c']).toBe(3);
    expect(ev.fields?.['0']).toBe(4);
  });
});
