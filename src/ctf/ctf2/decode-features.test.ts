/**
 * CTF 2 field classes that no corpus trace uses, decoded end to end (this front end + the binary decoder) from
 * a small hand-built trace: booleans, optionals (boolean and integer selectors), bit arrays / maps, floats,
 * static / dynamic strings and BLOBs, relative lengths inside array elements (own struct, and `null` = up), a
 * variant chosen by integer ranges, signed and mapped variable-length integers, big-endian integers.
 */
import { describe, expect, it } from 'vitest';
import { openExperiment } from '../index';
import type { TraceEvent } from '../event';

const le = 'little-endian';
const u8 = { type: 'fixed-length-unsigned-integer', length: 8, 'byte-order': le, alignment: 8 };
const dynArray = (path: Array<string | null>) => ({
  type: 'dynamic-length-array',
  'length-field-location': { path },
  'element-field-class': 'u8',
});

const metadata = [
  { type: 'preamble', version: 2 },
  { type: 'field-class-alias', name: 'u8', 'field-class': u8 },
  { type: 'trace-class' },
  { type: 'data-stream-class' },
  {
    type: 'event-record-class',
    name: 'features',
    'payload-field-class': {
      type: 'structure',
      'member-classes': [
        { name: 'has', 'field-class': { type: 'fixed-length-boolean', length: 8, 'byte-order': le, alignment: 8 } },
        {
          name: 'maybe',
          'field-class': {
            type: 'optional',
            'selector-field-location': { path: ['has'] },
            'field-class': { type: 'fixed-length-unsigned-integer', length: 16, 'byte-order': le, alignment: 8 },
          },
        },
        { name: 'nope', 'field-class': { type: 'fixed-length-boolean', length: 8, 'byte-order': le, alignment: 8 } },
        {
          name: 'maybe_not',
          'field-class': { type: 'optional', 'selector-field-location': { path: ['nope'] }, 'field-class': 'u8' },
        },
        { name: 'sel', 'field-class': 'u8' },
        {
          name: 'opt_int',
          'field-class': {
            type: 'optional',
            'selector-field-location': { path: ['sel'] },
            'selector-field-ranges': [[1, 5]],
            'field-class': { type: 'null-terminated-string' },
          },
        },
        { name: 'bits', 'field-class': { type: 'fixed-length-bit-array', length: 8, 'byte-order': le, alignment: 8 } },
        {
          name: 'flags',
          'field-class': {
            type: 'fixed-length-bit-map',
            length: 8,
            'byte-order': le,
            alignment: 8,
            flags: { r: [[0, 0]], w: [[1, 1]] },
          },
        },
        {
          name: 'f32',
          'field-class': { type: 'fixed-length-floating-point-number', length: 32, 'byte-order': le, alignment: 32 },
        },
        {
          name: 'f64',
          'field-class': {
            type: 'fixed-length-floating-point-number',
            length: 64,
            'byte-order': 'big-endian',
            alignment: 8,
          },
        },
        { name: 'fixed', 'field-class': { type: 'static-length-string', length: 8 } },
        { name: 'n', 'field-class': 'u8' },
        { name: 'dyn', 'field-class': { type: 'dynamic-length-string', 'length-field-location': { path: ['n'] } } },
        { name: 'blob', 'field-class': { type: 'static-length-blob', length: 4 } },
        { name: 'dblob', 'field-class': { type: 'dynamic-length-blob', 'length-field-location': { path: ['n'] } } },
        {
          name: 'arr',
          'field-class': {
            type: 'static-length-array',
            length: 2,
            'element-field-class': {
              type: 'structure',
              'member-classes': [
                { name: 'k', 'field-class': 'u8' },
                { name: 'items', 'field-class': dynArray(['k']) }, // this element's k
                { name: 'up', 'field-class': dynArray([null, 'n']) }, // the payload's n
              ],
            },
          },
        },
        {
          name: 'v',
          'field-class': {
            type: 'variant',
            'selector-field-location': { path: ['sel'] },
            options: [
              { name: 'a', 'selector-field-ranges': [[0, 1]], 'field-class': 'u8' },
              {
                name: 'b',
                'selector-field-ranges': [[2, 3]],
                'field-class': {
                  type: 'structure',
                  'member-classes': [{ name: 'x', 'field-class': { type: 'variable-length-signed-integer' } }],
                },
              },
            ],
          },
        },
        {
          name: 'be32',
          'field-class': {
            type: 'fixed-length-unsigned-integer',
            length: 32,
            'byte-order': 'big-endian',
            alignment: 8,
          },
        },
        { name: 'vu', 'field-class': { type: 'variable-length-unsigned-integer', mappings: { small: [[0, 9]] } } },
      ],
    },
  },
]
  .map((f) => `\x1e${JSON.stringify(f)}\n`)
  .join('');

// One event record (no packet header/context/event header: the file is one packet, every record is event 0).
// prettier-ignore
const stream = Uint8Array.from([
  0x01, // 0 has = true
  0x34, 0x12, // 1 maybe = 0x1234 (present)
  0x00, // 3 nope = false, maybe_not absent: no bytes
  0x02, // 4 sel = 2
  0x68, 0x69, 0x00, // 5 opt_int present (2 in [1, 5]): "hi"
  0xa5, // 8 bits
  0x03, // 9 flags
  0x00, 0x00, // 10 padding to 32 bits
  0x00, 0x00, 0xc0, 0x3f, // 12 f32 = 1.5
  0xc0, 0x02, 0, 0, 0, 0, 0, 0, // 16 f64 (big-endian) = -2.25
  0x61, 0x62, 0x63, 0x00, 0x78, 0x79, 0x7a, 0x00, // 24 fixed: "abc", NUL, junk
  0x03, // 32 n = 3
  0x78, 0x79, 0x7a, // 33 dyn = "xyz"
  1, 2, 3, 4, // 36 blob
  9, 8, 7, // 40 dblob (n = 3 bytes)
  0x01, 0x0a, 1, 2, 3, // 43 arr[0]: k = 1, items [10], up (n = 3) [1, 2, 3]
  0x02, 0x14, 0x15, 4, 5, 6, // 48 arr[1]: k = 2, items [20, 21], up [4, 5, 6]
  0xe4, 0x7e, // 54 v: sel 2 -> option b, x = LEB128 0x64 + 0x7e << 7 = 16228 - 2^14 = -156
  1, 2, 3, 4, // 56 be32
  0x05, // 60 vu = 5 -> mapping "small"
]);

describe('CTF 2 field classes decoded end to end', () => {
  it('decodes the hand-built record', () => {
    const exp = openExperiment([
      {
        name: '',
        files: new Map([
          ['metadata', new TextEncoder().encode(metadata)],
          ['stream', stream],
        ]),
      },
    ]);
    expect(exp.traces[0].schema.version).toBe('2');
    const events: TraceEvent[] = [];
    exp.decode((e) => events.push(e));
    expect(events.length).toBe(1);
    expect(events[0].name).toBe('features');
    expect(events[0].fields).toEqual({
      has: true,
      maybe: 0x1234,
      nope: false,
      maybe_not: null,
      sel: 2,
      opt_int: 'hi',
      bits: 0xa5,
      flags: 3,
      f32: 1.5,
      f64: -2.25,
      fixed: 'abc',
      n: 3,
      dyn: 'xyz',
      blob: Uint8Array.from([1, 2, 3, 4]),
      dblob: Uint8Array.from([9, 8, 7]),
      arr: [
        { k: 1, items: [10], up: [1, 2, 3] },
        { k: 2, items: [20, 21], up: [4, 5, 6] },
      ],
      v: { variant: 'b', value: { x: -156 } },
      be32: 0x01020304,
      vu: { enum: 5, labels: ['small'] },
    });
  });
});
