import { describe, expect, it } from 'vitest';
import { readBitsBE, readBitsLE, readInt } from './bits';

/** Bit-by-bit reference reader (CTF 1.8 §4.1.5 rules), in BigInt. */
function reference(u8: Uint8Array, pos: number, size: number, le: boolean, signed: boolean): bigint {
  let v = 0n;
  for (let i = 0; i < size; i++) {
    const p = pos + i;
    const byte = u8[p >> 3];
    const bit = le ? (byte >> (p & 7)) & 1 : (byte >> (7 - (p & 7))) & 1;
    if (le) v |= BigInt(bit) << BigInt(i);
    else v = (v << 1n) | BigInt(bit);
  }
  if (signed && v >= 1n << BigInt(size - 1)) v -= 1n << BigInt(size);
  return v;
}

describe('bit reader', () => {
  it('reads little-endian fields that fill bytes from the low bits', () => {
    const u8 = new Uint8Array([0b10110101, 0b00000011]);
    expect(readBitsLE(u8, 0, 3)).toBe(0b101);
    expect(readBitsLE(u8, 3, 5)).toBe(0b10110);
    // straddles: bits 6..7 of byte 0 are the low bits, bits 0..1 of byte 1 the high bits
    expect(readBitsLE(u8, 6, 4)).toBe(0b1110);
  });

  it('reads big-endian fields that fill bytes from the high bits', () => {
    const u8 = new Uint8Array([0b10110101, 0b11000000]);
    expect(readBitsBE(u8, 0, 3)).toBe(0b101);
    expect(readBitsBE(u8, 3, 5)).toBe(0b10101);
    expect(readBitsBE(u8, 6, 4)).toBe(0b0111);
  });

  it('matches a bit-by-bit reference for every size 1..64, both byte orders, odd positions, signed', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    const u8 = new Uint8Array(32).map(() => rnd());
    const scratch = [0, 0];
    for (let size = 1; size <= 64; size++) {
      for (const pos of [0, 1, 3, 7, 8, 13, 29, 64]) {
        for (const le of [true, false]) {
          for (const signed of [false, true]) {
            const got = readInt(u8, pos, size, le, signed, scratch);
            const want = reference(u8, pos, size, le, signed);
            expect(BigInt(got), `size ${size} pos ${pos} ${le ? 'le' : 'be'} ${signed ? 's' : 'u'}`).toBe(want);
            // numbers only within ±2^53, bigint beyond
            expect(typeof got).toBe(want >= -(2n ** 53n) && want < 2n ** 53n ? 'number' : 'bigint');
          }
        }
      }
    }
  });

  it('sign-extends from the top bit of the field', () => {
    const scratch = [0, 0];
    expect(readInt(new Uint8Array([0xff]), 0, 5, true, true, scratch)).toBe(-1);
    expect(readInt(new Uint8Array([0x10]), 0, 5, true, true, scratch)).toBe(-16);
    expect(readInt(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 0, 64, true, true, scratch)).toBe(
      -1,
    );
    expect(readInt(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 0, 64, true, false, scratch)).toBe(
      18446744073709551615n,
    );
  });
});
