/**
 * Bit-exact integer reads at any bit position, in both CTF byte orders.
 * Positions are bit offsets into `u8` (the current packet). Little-endian: bit X is bit X%8 of byte X>>3 counted
 * from the LSB and the first bit read is the value's LSB; big-endian: counted from the MSB, first bit = MSB.
 */

const TWO32 = 4294967296;

/** Unsigned little-endian read of 1..32 bits. */
export function readBitsLE(u8: Uint8Array, pos: number, size: number): number {
  let byte = pos >>> 3;
  const shift = pos & 7;
  if (shift + size <= 8) return (u8[byte] >>> shift) & ((1 << size) - 1);
  let v = u8[byte] >>> shift;
  let have = 8 - shift;
  let mul = 1 << have;
  byte++;
  while (have + 8 <= size) {
    v += u8[byte++] * mul;
    mul *= 256;
    have += 8;
  }
  const rest = size - have;
  if (rest > 0) v += (u8[byte] & ((1 << rest) - 1)) * mul;
  return v;
}

/** Unsigned big-endian read of 1..32 bits. */
export function readBitsBE(u8: Uint8Array, pos: number, size: number): number {
  let byte = pos >>> 3;
  const shift = pos & 7;
  if (shift + size <= 8) return (u8[byte] >>> (8 - shift - size)) & ((1 << size) - 1);
  let have = 8 - shift;
  let v = u8[byte++] & ((1 << have) - 1);
  while (have + 8 <= size) {
    v = v * 256 + u8[byte++];
    have += 8;
  }
  const rest = size - have;
  if (rest > 0) v = v * (1 << rest) + (u8[byte] >>> (8 - rest));
  return v;
}

/** Split read of a 33..64-bit value: [hi, lo] with lo the low 32 bits. */
export function readWideParts(u8: Uint8Array, pos: number, size: number, le: boolean, out: number[]): void {
  if (le) {
    out[1] = readBitsLE(u8, pos, 32);
    out[0] = readBitsLE(u8, pos + 32, size - 32);
  } else {
    out[0] = readBitsBE(u8, pos, size - 32);
    out[1] = readBitsBE(u8, pos + size - 32, 32);
  }
}

/** hi/lo (unsigned parts of a `size`-bit value) to number when exact, else bigint; sign-extended if `signed`. */
export function joinParts(hi: number, lo: number, size: number, signed: boolean): number | bigint {
  const hiBits = size - 32;
  if (signed && hi >= 2 ** (hiBits - 1)) hi -= 2 ** hiBits;
  if (hi < 2097152 && hi >= -2097152) return hi * TWO32 + lo;
  return (BigInt(hi) << 32n) + BigInt(lo);
}

/** Any integer read (1..64 bits). */
export function readInt(u8: Uint8Array, pos: number, size: number, le: boolean, signed: boolean, scratch: number[]): number | bigint {
  if (size <= 32) {
    let v = le ? readBitsLE(u8, pos, size) : readBitsBE(u8, pos, size);
    if (signed && v >= 2 ** (size - 1)) v -= 2 ** size;
    return v;
  }
  readWideParts(u8, pos, size, le, scratch);
  return joinParts(scratch[0], scratch[1], size, signed);
}
