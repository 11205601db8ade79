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
export function readInt(
  u8: Uint8Array,
  pos: number,
  size: number,
  le: boolean,
  signed: boolean,
  scratch: number[],
): number | bigint {
  if (size <= 32) {
    let v = le ? readBitsLE(u8, pos, size) : readBitsBE(u8, pos, size);
    if (signed && v >= 2 ** (size - 1)) v -= 2 ** size;
    return v;
  }
  readWideParts(u8, pos, size, le, scratch);
  return joinParts(scratch[0], scratch[1], size, signed);
}

/** Any-length unsigned read as a bigint (128-bit floats, non-default bit orders). */
export function readBigBits(u8: Uint8Array, pos: number, size: number, le: boolean): bigint {
  let v = 0n;
  for (let done = 0; done < size; done += 32) {
    const n = Math.min(32, size - done);
    const part = BigInt(le ? readBitsLE(u8, pos + done, n) : readBitsBE(u8, pos + done, n));
    // Little-endian: the first bits read are the least significant; big-endian: the most significant.
    v = le ? v | (part << BigInt(done)) : (v << BigInt(n)) | part;
  }
  return v;
}

/** The low `size` bits of v in reverse order. */
export function reverseBits(v: bigint, size: number): bigint {
  let r = 0n;
  for (let i = 0; i < size; i++) {
    r = (r << 1n) | (v & 1n);
    v >>= 1n;
  }
  return r;
}

/**
 * A fixed-length bit array read with a CTF 2 `bit-order` that is not its byte order's default. The bit order says
 * in which order a byte's bits are taken (first-to-last: from the least significant; last-to-first: from the most
 * significant), the byte order which end of the value the first bit taken is (little-endian: its least
 * significant bit). So little-endian + last-to-first takes bits as a big-endian read does but fills the value from
 * its least significant bit: the big-endian read, reversed; big-endian + first-to-last is the little-endian read,
 * reversed.
 */
export function readReversedBitOrder(u8: Uint8Array, pos: number, size: number, le: boolean): bigint {
  return reverseBits(readBigBits(u8, pos, size, !le), size);
}

const F64 = new DataView(new ArrayBuffer(8));

/** IEEE 754 binary16 / 32 / 64 / 128 bits -> number (binary128: rounded to the nearest double). */
export function floatFromBits(bits: bigint, size: number): number {
  if (size === 32) {
    F64.setUint32(0, Number(bits));
    return F64.getFloat32(0);
  }
  if (size === 64) {
    F64.setBigUint64(0, bits);
    return F64.getFloat64(0);
  }
  if (size === 16) {
    const h = Number(bits);
    const sign = h & 0x8000 ? -1 : 1;
    const e = (h >>> 10) & 0x1f;
    const m = h & 0x3ff;
    if (e === 0) return sign * m * 2 ** -24;
    if (e === 31) return m === 0 ? sign * Infinity : NaN;
    return sign * (1 + m / 1024) * 2 ** (e - 15);
  }
  if (size === 128) return binary128ToNumber(bits);
  throw new RangeError(`no ${size}-bit IEEE 754 format`);
}

function binary128ToNumber(bits: bigint): number {
  const sign = (bits >> 127n) & 1n ? -1 : 1;
  const e = Number((bits >> 112n) & 0x7fffn);
  const m = bits & ((1n << 112n) - 1n);
  if (e === 0x7fff) return m === 0n ? sign * Infinity : NaN;
  // value = n * 2^k exactly
  const n = e === 0 ? m : m | (1n << 112n);
  const k = (e === 0 ? 1 : e) - 16383 - 112;
  if (n === 0n) return sign * 0;
  const topExp = n.toString(2).length - 1 + k; // exponent of the leading bit
  if (topExp < -1022) {
    // Double subnormal (or zero): round n * 2^k to a multiple of 2^-1074, ties to even, in integers.
    const shift = BigInt(-1074 - k);
    let q = n >> shift;
    const rest = n - (q << shift);
    const half = 1n << (shift - 1n);
    if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
    return sign * Number(q) * 2 ** -1074;
  }
  // Number(bigint) rounds to 53 bits (ties to even); scaling by powers of two is then exact (or overflows).
  let x = Number(n);
  let s = k;
  while (s > 1000) {
    x *= 2 ** 1000;
    s -= 1000;
  }
  while (s < -1000) {
    x *= 2 ** -1000;
    s += 1000;
  }
  return sign * x * 2 ** s;
}
