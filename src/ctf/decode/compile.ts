/**
 * Field classes -> decoding closures, built once per stream/event class. Each closure reads from the shared
 * `Cursor` (bit position, typed-array views) and returns the output value; header scopes are compiled with
 * `out = false` so they only move the cursor and feed roles (event id, clock, packet sizes) and the slots that
 * sequences and variants read their length / tag from.
 */
import type { EnumValue, FieldStruct, FieldValue } from '../event';
import type {
  EnumMapping,
  FieldClass,
  FieldLocation,
  IntegerClass,
  Role,
  ScopeName,
  StructClass,
  TextEncoding,
} from '../schema';
import {
  floatFromBits,
  joinParts,
  readBigBits,
  readBitsBE,
  readBitsLE,
  readReversedBitOrder,
  readWideParts,
} from './bits';
import type { Cursor } from './cursor';
import { checkCount, checkedLength, checkInside, DecodeFault, fieldName, minBits } from './limits';

export { DecodeFault };

export type Dec = (c: Cursor) => FieldValue | undefined;

export interface CompileEnv {
  /** Register slot of every field some location refers to, keyed by `locKey`. */
  slots: Map<string, number>;
  roots: Partial<Record<ScopeName, StructClass>>;
  scope: ScopeName;
  out: boolean;
  /** Whether clock-mapped integers update the running clock (the stream has a default clock). */
  clock: boolean;
}

export function locKey(scope: ScopeName, path: string[]): string {
  return scope + ':' + path.join('/');
}

/** One leading underscore removed (CTF 1.8 rule, as babeltrace2 shows names). */
export function displayName(raw: string): string {
  return raw.charCodeAt(0) === 95 ? raw.slice(1) : raw;
}

const utf8 = new TextDecoder('utf-8');
const TEXT_CACHE_SIZE = 4096;
const textCache: Array<string | undefined> = new Array(TEXT_CACHE_SIZE);

/** Bytes [start, end) as text; a fast path for short ASCII. */
export function decodeText(u8: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n === 0) return '';
  if (n <= 32) {
    // Short texts (comm, procname, file names) repeat a lot: reuse the string when the bytes match.
    let h = n;
    for (let i = start; i < end; i++) {
      const b = u8[i];
      if (b >= 128) return utf8.decode(u8.subarray(start, end));
      h = (Math.imul(h, 31) + b) | 0;
    }
    const slot = h & (TEXT_CACHE_SIZE - 1);
    const cached = textCache[slot];
    if (cached !== undefined && cached.length === n) {
      let same = true;
      for (let i = 0; i < n; i++) {
        if (cached.charCodeAt(i) !== u8[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return cached;
    }
    const s = String.fromCharCode.apply(null, u8.subarray(start, end) as unknown as number[]);
    textCache[slot] = s;
    return s;
  }
  if (n <= 128) {
    for (let i = start; i < end; i++) if (u8[i] >= 128) return utf8.decode(u8.subarray(start, end));
    return String.fromCharCode.apply(null, u8.subarray(start, end) as unknown as number[]);
  }
  return utf8.decode(u8.subarray(start, end));
}

export function alignOf(cls: FieldClass): number {
  switch (cls.kind) {
    case 'int':
    case 'float':
    case 'bool':
    case 'bitarray':
      return cls.align;
    case 'varint':
    case 'string':
    case 'static-string':
    case 'dynamic-string':
    case 'blob':
      return 8;
    case 'struct': {
      let a = Math.max(1, cls.minAlign);
      for (const m of cls.members) a = Math.max(a, alignOf(m.type));
      return a;
    }
    case 'array':
    case 'sequence':
      return Math.max(cls.minAlign, alignOf(cls.element));
    case 'variant':
    case 'optional':
      return 1;
  }
}

/** The class at a location (variants: whichever option has the name). */
export function findClass(root: StructClass | undefined, path: string[]): FieldClass | undefined {
  if (!root) return undefined;
  const step = (cls: FieldClass, name: string): FieldClass | undefined => {
    switch (cls.kind) {
      case 'struct':
        for (const m of cls.members) if (m.name === name) return m.type;
        return undefined;
      case 'array':
      case 'sequence':
        return step(cls.element, name);
      case 'variant':
        for (const o of cls.options) {
          const r = step(o.type, name);
          if (r) return r;
        }
        return undefined;
      case 'optional':
        return step(cls.type, name);
      default:
        return undefined;
    }
  };
  let cur: FieldClass | undefined = root;
  for (const name of path) {
    if (!cur) return undefined;
    cur = step(cur, name);
  }
  while (cur && (cur.kind === 'array' || cur.kind === 'sequence')) cur = cur.element;
  return cur;
}

export function isText(cls: FieldClass): boolean {
  return cls.kind === 'int' && cls.size === 8 && cls.encoding !== undefined && cls.align % 8 === 0;
}

function alignStep(align: number): ((c: Cursor) => void) | null {
  if (align <= 1) return null;
  const m = align - 1;
  return (c) => {
    c.pos = (c.pos + m) & ~m;
  };
}

/** True when a CTF 2 fixed-length field's bit order is not its byte order's default (see readReversedBitOrder). */
export function reversedBits(cls: { byteOrder: 'le' | 'be'; bitOrder?: string }): boolean {
  return cls.bitOrder !== undefined && cls.bitOrder !== (cls.byteOrder === 'le' ? 'first-to-last' : 'last-to-first');
}

/** Any fixed-length integer reader (1..64 bits): the specialised ones, or the slow one for reversed bit orders. */
function fixedReader(
  size: number,
  align: number,
  le: boolean,
  signed: boolean,
  reversed: boolean,
): (c: Cursor) => number | bigint {
  if (reversed) return reversedReader(size, align, le, signed);
  return size <= 32 ? plainReader(size, align, le, signed) : wideReader(size, align, le, signed);
}

/** Reads with a non-default bit order; like wideReader, leaves the unsigned parts in c.scratch. */
function reversedReader(size: number, align: number, le: boolean, signed: boolean): (c: Cursor) => number | bigint {
  const m = align - 1;
  const signBit = 1n << BigInt(size - 1);
  const span = 1n << BigInt(size);
  return (c) => {
    const p = m > 0 ? (c.pos + m) & ~m : c.pos;
    if (p + size > c.u8.length * 8) throw new DecodeFault(`${size}-bit field goes beyond the end of the packet`);
    c.pos = p + size;
    let v = readReversedBitOrder(c.u8, p, size, le);
    c.scratch[0] = Number(v >> 32n);
    c.scratch[1] = Number(v & 0xffffffffn);
    if (signed && v >= signBit) v -= span;
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };
}

/**
 * Skippers (out = false) of a fixed size and alignment that only move the cursor: integers nothing refers to,
 * static text arrays, structs made of them. A struct of such members skips in one step.
 */
const fixedSkips = new WeakMap<Dec, { bits: number; align: number }>();

function fixedSkip(dec: Dec, bits: number, align: number): Dec {
  fixedSkips.set(dec, { bits, align });
  return dec;
}

export function compileField(cls: FieldClass, path: string[], env: CompileEnv): Dec {
  switch (cls.kind) {
    case 'int':
      return compileInt(cls, path, env);
    case 'bool': {
      const rd = fixedReader(cls.size, cls.align, cls.byteOrder === 'le', false, reversedBits(cls));
      const slot = env.slots.get(locKey(env.scope, path));
      if (slot !== undefined) {
        return (c) => {
          const v = rd(c);
          c.regs[slot] = v;
          return v !== 0 && v !== 0n;
        };
      }
      return (c) => {
        const v = rd(c);
        return v !== 0 && v !== 0n;
      };
    }
    case 'bitarray':
      return fixedReader(cls.size, cls.align, cls.byteOrder === 'le', false, reversedBits(cls));
    case 'varint':
      return compileVarint(cls.signed, cls.mappings, path, env);
    case 'float':
      return compileFloat(cls.size, cls.align, cls.byteOrder === 'le', reversedBits(cls));
    case 'string':
      if (unitBytes(cls.encoding) > 1) return wideNulString(cls.encoding);
      if (!env.out) {
        // Skipped (column readers): find the end, build no text.
        return (c) => {
          c.pos = (c.pos + 7) & ~7;
          const end = c.u8.indexOf(0, c.pos >>> 3);
          if (end < 0) throw new DecodeFault('string without a terminating NUL byte before the end of the packet');
          c.pos = (end + 1) * 8;
          return undefined;
        };
      }
      return (c) => {
        c.pos = (c.pos + 7) & ~7;
        const start = c.pos >>> 3;
        const end = c.u8.indexOf(0, start);
        if (end < 0) throw new DecodeFault('string without a terminating NUL byte before the end of the packet');
        c.pos = (end + 1) * 8;
        return decodeText(c.u8, start, end);
      };
    case 'static-string': {
      const len = cls.length;
      const enc = cls.encoding;
      const name = fieldName(env.scope, path);
      return (c) => readFixedText(c, len, enc, name);
    }
    case 'dynamic-string': {
      const slot = slotOf(cls.length, env);
      const enc = cls.encoding;
      const name = fieldName(env.scope, path);
      return (c) => readFixedText(c, lengthFromSlot(c, slot, 8, name), enc, name);
    }
    case 'blob': {
      const len = cls.length;
      const name = fieldName(env.scope, path);
      if (typeof len === 'number') return (c) => readBlob(c, len, name);
      const slot = slotOf(len, env);
      return (c) => readBlob(c, lengthFromSlot(c, slot, 8, name), name);
    }
    case 'struct':
      return compileStruct(cls, path, env);
    case 'array':
    case 'sequence':
      return compileArray(
        cls.kind === 'array' ? cls.length : slotOf(cls.length, env),
        cls.kind === 'sequence',
        cls,
        path,
        env,
      );
    case 'variant':
      return compileVariant(cls, path, env);
    case 'optional': {
      const slot = slotOf(cls.selector, env);
      const ranges = cls.ranges;
      const inner = compileField(cls.type, path, env);
      return (c) => {
        const v = c.regs[slot];
        if (v === undefined) throw new DecodeFault('optional field selector not decoded yet');
        const present = ranges ? inRanges(v, ranges) : v !== 0;
        return present ? inner(c) : null;
      };
    }
  }
}

function slotOf(loc: FieldLocation, env: CompileEnv): number {
  const s = env.slots.get(locKey(loc.scope, loc.path));
  if (s === undefined) throw new DecodeFault(`internal: no slot for ${locKey(loc.scope, loc.path)}`);
  return s;
}

/** The length a sequence / dynamic string / BLOB reads from its length field, checked against the bits left. */
function lengthFromSlot(c: Cursor, slot: number, elemBits: number, field: string): number {
  return checkedLength(c, c.regs[slot], elemBits, field);
}

/** Bytes per code unit: 2 for UTF-16, 4 for UTF-32, else 1. */
export function unitBytes(enc: TextEncoding): number {
  return enc.startsWith('utf-16') ? 2 : enc.startsWith('utf-32') ? 4 : 1;
}

/** First code unit of `unit` zero bytes at or after `start` (in steps of `unit`) before `limit`, or -1. */
function findNulUnit(u8: Uint8Array, start: number, limit: number, unit: number): number {
  for (let i = start; i + unit <= limit; i += unit) {
    let zero = true;
    for (let j = 0; j < unit; j++) {
      if (u8[i + j] !== 0) {
        zero = false;
        break;
      }
    }
    if (zero) return i;
  }
  return -1;
}

const utf16le = new TextDecoder('utf-16le');
const utf16be = new TextDecoder('utf-16be');

/** Bytes [start, end) of UTF-16 / UTF-32 text (end - start a whole number of code units); bad units become U+FFFD. */
function decodeWideText(u8: Uint8Array, start: number, end: number, enc: TextEncoding): string {
  if (enc === 'utf-16le') return utf16le.decode(u8.subarray(start, end));
  if (enc === 'utf-16be') return utf16be.decode(u8.subarray(start, end));
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const le = enc === 'utf-32le';
  let s = '';
  for (let i = start; i + 4 <= end; i += 4) {
    const cp = dv.getUint32(i, le);
    s += cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? '\ufffd' : String.fromCodePoint(cp);
  }
  return s;
}

/** NUL-terminated UTF-16 / UTF-32 string: the terminator is one code unit of zero bytes. */
function wideNulString(enc: TextEncoding): Dec {
  const unit = unitBytes(enc);
  return (c) => {
    c.pos = (c.pos + 7) & ~7;
    const start = c.pos >>> 3;
    const end = findNulUnit(c.u8, start, c.u8.length, unit);
    if (end < 0)
      throw new DecodeFault(`string without a terminating ${unit}-byte NUL code unit before the end of the packet`);
    c.pos = (end + unit) * 8;
    return decodeWideText(c.u8, start, end, enc);
  };
}

/** `len` bytes of text (static / dynamic-length strings); the text ends at the first NUL code unit. */
function readFixedText(c: Cursor, len: number, enc: TextEncoding, field: string): string {
  c.pos = (c.pos + 7) & ~7;
  checkCount(c, len, 8, field);
  const start = c.pos >>> 3;
  c.pos += len * 8;
  const unit = unitBytes(enc);
  if (unit > 1) {
    const limit = start + len - (len % unit); // a trailing partial code unit is not text
    let end = findNulUnit(c.u8, start, limit, unit);
    if (end < 0) end = limit;
    return decodeWideText(c.u8, start, end, enc);
  }
  let end = c.u8.indexOf(0, start);
  if (end < 0 || end > start + len) end = start + len;
  return decodeText(c.u8, start, end);
}

function readBlob(c: Cursor, len: number, field: string): Uint8Array {
  c.pos = (c.pos + 7) & ~7;
  checkCount(c, len, 8, field);
  const start = c.pos >>> 3;
  c.pos += len * 8;
  return c.u8.slice(start, start + len);
}

function inRanges(v: number | bigint, ranges: Array<[number | bigint, number | bigint]>): boolean {
  for (const [lo, hi] of ranges) if (v >= lo && v <= hi) return true;
  return false;
}

/** Unsigned or signed integer reader, specialised by size / alignment / byte order. */
function plainReader(size: number, align: number, le: boolean, signed: boolean): (c: Cursor) => number {
  const m = align - 1;
  if (align >= 8) {
    if (size === 8) {
      return signed
        ? (c) => {
            const p = (c.pos + m) & ~m;
            c.pos = p + 8;
            return c.dv.getInt8(p >>> 3);
          }
        : (c) => {
            const p = (c.pos + m) & ~m;
            c.pos = p + 8;
            return c.u8[p >>> 3];
          };
    }
    if (size === 16) {
      return signed
        ? (c) => {
            const p = (c.pos + m) & ~m;
            c.pos = p + 16;
            return c.dv.getInt16(p >>> 3, le);
          }
        : (c) => {
            const p = (c.pos + m) & ~m;
            c.pos = p + 16;
            return c.dv.getUint16(p >>> 3, le);
          };
    }
    if (size === 32) {
      return signed
        ? (c) => {
            const p = (c.pos + m) & ~m;
            c.pos = p + 32;
            return c.dv.getInt32(p >>> 3, le);
          }
        : (c) => {
            const p = (c.pos + m) & ~m;
            c.pos = p + 32;
            return c.dv.getUint32(p >>> 3, le);
          };
    }
  }
  if (size > 32) throw new DecodeFault('internal: plainReader is for <= 32 bits');
  const half = 2 ** (size - 1);
  const full = 2 ** size;
  const rdBits = le ? readBitsLE : readBitsBE;
  return (c) => {
    const p = m > 0 ? (c.pos + m) & ~m : c.pos;
    c.pos = p + size;
    const v = rdBits(c.u8, p, size);
    return signed && v >= half ? v - full : v;
  };
}

/** 33..64-bit reader: number when within ±2^53, else bigint. Leaves the parts in c.scratch. */
function wideReader(size: number, align: number, le: boolean, signed: boolean): (c: Cursor) => number | bigint {
  const m = align - 1;
  if (size === 64 && align >= 8) {
    return (c) => {
      const p = (c.pos + m) & ~m;
      c.pos = p + 64;
      const b = p >>> 3;
      const dv = c.dv;
      let hi: number;
      let lo: number;
      if (le) {
        lo = dv.getUint32(b, true);
        hi = dv.getUint32(b + 4, true);
      } else {
        hi = dv.getUint32(b, false);
        lo = dv.getUint32(b + 4, false);
      }
      c.scratch[0] = hi;
      c.scratch[1] = lo;
      if (hi < 2097152) return hi * 4294967296 + lo;
      return joinParts(hi, lo, 64, signed);
    };
  }
  return (c) => {
    const p = m > 0 ? (c.pos + m) & ~m : c.pos;
    c.pos = p + size;
    readWideParts(c.u8, p, size, le, c.scratch);
    return joinParts(c.scratch[0], c.scratch[1], size, signed);
  };
}

const ROLE_HOOKS: Partial<Record<Role, (c: Cursor, v: number | bigint, size: number) => void>> = {
  'packet-magic-number': (c, v) => {
    c.magic = Number(v);
  },
  'data-stream-class-id': (c, v) => {
    c.streamClassId = Number(v);
  },
  'packet-content-length': (c, v) => {
    c.contentBits = Number(v);
  },
  'packet-total-length': (c, v) => {
    c.packetBits = Number(v);
  },
  'packet-sequence-number': (c, v) => {
    c.seqNum = Number(v);
  },
  'discarded-event-record-counter-snapshot': (c, v, size) => {
    c.discarded = Number(v);
    c.discardedSize = size;
  },
  'event-record-class-id': (c, v) => {
    c.eventId = Number(v);
  },
};

function compileInt(cls: IntegerClass, path: string[], env: CompileEnv): Dec {
  const { size, align, signed } = cls;
  const le = cls.byteOrder === 'le';
  const roles = cls.roles ?? [];
  const isEnd = roles.includes('packet-end-default-clock-timestamp');
  const isClock = env.clock && !isEnd && (cls.mappedClock !== undefined || roles.includes('default-clock-timestamp'));
  const hooks: Array<(c: Cursor, v: number | bigint) => void> = [];
  for (const r of roles) {
    const h = ROLE_HOOKS[r];
    if (h) hooks.push((c, v) => h(c, v, size));
  }
  if (env.scope === 'packet.context' && path.length === 1 && path[0] === 'cpu_id') {
    hooks.push((c, v) => {
      c.cpu = Number(v);
    });
  }
  if (isEnd) {
    hooks.push((c) => {
      c.hasEnd = true;
    });
  }
  if (isClock && env.scope === 'packet.context') {
    hooks.push((c) => {
      c.hasBegin = true;
    });
  }
  const slot = env.slots.get(locKey(env.scope, path));
  if (slot !== undefined) {
    hooks.push((c, v) => {
      c.regs[slot] = v;
    });
  }

  const reversed = reversedBits(cls);
  if (!env.out && hooks.length === 0 && !isClock && !isEnd) {
    // Skipped (no role, nothing refers to it, value unused): only move the cursor, no number built.
    const m = align - 1;
    return fixedSkip(
      (c) => {
        const p = (c.pos + m) & ~m;
        // As a DataView read past the end would (the stream decoder words it).
        if (p + size > c.u8.length * 8) throw new RangeError('skip beyond the end');
        c.pos = p + size;
        return undefined;
      },
      size,
      align,
    );
  }
  let rd: (c: Cursor) => number | bigint;
  if (isClock || isEnd)
    rd = clockReader(size, align, le, signed, isEnd, reversed ? reversedReader(size, align, le, false) : undefined);
  else rd = fixedReader(size, align, le, signed, reversed);

  let withHooks: (c: Cursor) => number | bigint = rd;
  if (hooks.length === 1) {
    const h = hooks[0];
    withHooks = (c) => {
      const v = rd(c);
      h(c, v);
      return v;
    };
  } else if (hooks.length > 1) {
    withHooks = (c) => {
      const v = rd(c);
      for (let i = 0; i < hooks.length; i++) hooks[i](c, v);
      return v;
    };
  }
  if (cls.mappings && env.out) return enumWrap(withHooks, cls.mappings);
  return withHooks;
}

/** Reads a clock value and updates the running clock (or, for the packet end, stores it aside). */
function clockReader(
  size: number,
  align: number,
  le: boolean,
  signed: boolean,
  isEnd: boolean,
  /** Unsigned raw reader to use instead of the specialised ones (non-default bit order); sets c.scratch. */
  raw?: (c: Cursor) => number | bigint,
): (c: Cursor) => number | bigint {
  if (size > 32) {
    const rd = raw ?? wideReader(size, align, le, signed);
    return (c) => {
      const v = rd(c);
      const hi = c.scratch[0];
      const lo = c.scratch[1];
      if (size < 64) {
        // Rare: 33..63-bit clock values; wrap on the combined value.
        const newV = BigInt(hi) * 4294967296n + BigInt(lo);
        const mask = (1n << BigInt(size)) - 1n;
        const cur = (BigInt(c.clockHi) * 4294967296n + BigInt(c.clockLo)) & ((1n << 64n) - 1n);
        let next = (cur & ~mask) | newV;
        if (newV < (cur & mask)) next += mask + 1n;
        next &= (1n << 64n) - 1n;
        setClock(c, Number(next >> 32n), Number(next & 0xffffffffn), isEnd);
        return v;
      }
      setClock(c, hi, lo, isEnd);
      return v;
    };
  }
  const rd = (raw as ((c: Cursor) => number) | undefined) ?? plainReader(size, align, le, false);
  if (size === 32) {
    return (c) => {
      const v = rd(c);
      if (isEnd) {
        c.endHi = v < c.clockLo ? c.clockHi + 1 : c.clockHi;
        c.endLo = v;
      } else {
        if (v < c.clockLo) c.clockHi++;
        c.clockLo = v;
      }
      return v;
    };
  }
  const span = 2 ** size;
  return (c) => {
    const v = rd(c);
    narrowClock(c, v, span, isEnd);
    return v;
  };
}

/**
 * A clock value of fewer than 32 bits (`span` = 2^bits): it replaces the running clock's low bits, which wrap
 * forward when it is below them. Sets the running clock, or for the packet end the end clock.
 */
function narrowClock(c: Cursor, v: number, span: number, isEnd: boolean): void {
  const cur = (c.clockLo & (span - 1)) >>> 0;
  let lo = c.clockLo - cur + v;
  let hi = c.clockHi;
  if (v < cur) lo += span;
  if (lo >= 4294967296) {
    lo -= 4294967296;
    hi++;
  }
  setClock(c, hi, lo, isEnd);
}

/** Sets the running clock, or for the packet end the end clock, to (hi, lo). */
function setClock(c: Cursor, hi: number, lo: number, isEnd: boolean): void {
  if (isEnd) {
    c.endHi = hi;
    c.endLo = lo;
  } else {
    c.clockHi = hi;
    c.clockLo = lo;
  }
}

function labelsOf(mappings: EnumMapping[], v: number | bigint): string[] {
  const out: string[] = [];
  for (const m of mappings) if (inRanges(v, m.ranges)) out.push(m.label);
  return out;
}

function enumWrap(rd: (c: Cursor) => number | bigint, mappings: EnumMapping[]): Dec {
  const cache = new Map<number | bigint, string[]>();
  return (c) => {
    const v = rd(c);
    let labels = cache.get(v);
    if (labels === undefined) {
      labels = labelsOf(mappings, v);
      if (cache.size < 4096) cache.set(v, labels);
    }
    const e: EnumValue = { enum: v, labels };
    return e;
  };
}

function compileVarint(signed: boolean, mappings: EnumMapping[] | undefined, path: string[], env: CompileEnv): Dec {
  const slot = env.slots.get(locKey(env.scope, path));
  const rd = (c: Cursor): number | bigint => {
    c.pos = (c.pos + 7) & ~7;
    let b = c.pos >>> 3;
    const u8 = c.u8;
    let v = 0;
    let mul = 1;
    let big: bigint | null = null;
    let shift = 0n;
    let byte: number;
    for (;;) {
      if (b >= u8.length) throw new DecodeFault('variable-length integer goes beyond the end of the packet');
      byte = u8[b++];
      if (big === null && mul < 2 ** 46) {
        v += (byte & 0x7f) * mul;
        mul *= 128;
      } else {
        if (big === null) {
          big = BigInt(v);
          shift = BigInt(Math.round(Math.log2(mul)));
        }
        big += BigInt(byte & 0x7f) << shift;
        shift += 7n;
      }
      if ((byte & 0x80) === 0) break;
      if (b - (c.pos >>> 3) > 10) throw new DecodeFault('variable-length integer longer than 10 bytes');
    }
    const nBits = (b - (c.pos >>> 3)) * 7;
    c.pos = b * 8;
    let res: number | bigint;
    if (big === null) {
      res = v;
      if (signed && v >= 2 ** (nBits - 1)) res = v - 2 ** nBits;
    } else {
      if (signed && big >= 1n << BigInt(nBits - 1)) big -= 1n << BigInt(nBits);
      res = big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    }
    if (slot !== undefined) c.regs[slot] = res;
    return res;
  };
  if (mappings && env.out) return enumWrap(rd, mappings);
  return rd;
}

const f32 = new DataView(new ArrayBuffer(8));

function compileFloat(size: number, align: number, le: boolean, reversed: boolean): Dec {
  const m = align - 1;
  if (size === 32 && !reversed) {
    return (c) => {
      const p = (c.pos + m) & ~m;
      c.pos = p + 32;
      if ((p & 7) === 0) return c.dv.getFloat32(p >>> 3, le);
      f32.setUint32(0, le ? readBitsLE(c.u8, p, 32) : readBitsBE(c.u8, p, 32));
      return f32.getFloat32(0);
    };
  }
  if (size === 64 && !reversed) {
    return (c) => {
      const p = (c.pos + m) & ~m;
      c.pos = p + 64;
      if ((p & 7) === 0) return c.dv.getFloat64(p >>> 3, le);
      readWideParts(c.u8, p, 64, le, c.scratch);
      f32.setUint32(0, c.scratch[0]);
      f32.setUint32(4, c.scratch[1]);
      return f32.getFloat64(0);
    };
  }
  // binary16, binary128 (to the nearest double) and reversed bit orders: through a bigint of the raw bits.
  if (size !== 16 && size !== 32 && size !== 64 && size !== 128) {
    return () => {
      throw new DecodeFault(`unsupported ${size}-bit floating point number`);
    };
  }
  return (c) => {
    const p = (c.pos + m) & ~m;
    if (p + size > c.u8.length * 8)
      throw new DecodeFault(`${size}-bit floating point number goes beyond the end of the packet`);
    c.pos = p + size;
    return floatFromBits(reversed ? readReversedBitOrder(c.u8, p, size, le) : readBigBits(c.u8, p, size, le), size);
  };
}

function compileStruct(cls: StructClass, path: string[], env: CompileEnv): Dec {
  const align = alignOf(cls);
  const m = align - 1;
  const n = cls.members.length;
  const names = cls.members.map((mm) => displayName(mm.name));
  const decs = cls.members.map((mm) => compileField(mm.type, [...path, mm.name], env));
  if (!env.out) {
    const each: Dec = (c) => {
      c.pos = (c.pos + m) & ~m;
      for (let i = 0; i < n; i++) decs[i](c);
      return undefined;
    };
    // Members all of fixed size: their offsets from the struct's (aligned) start are constants, so the struct is
    // one step (most kernel payloads: one call per event instead of one per field).
    let bits = 0;
    for (const d of decs) {
      const f = fixedSkips.get(d);
      if (f === undefined || n === 0) return each;
      bits = Math.ceil(bits / f.align) * f.align + f.bits; // not 32-bit masks: a static array may be huge
    }
    if (n === 0) return each;
    const total = bits;
    return fixedSkip(
      (c) => {
        const end = ((c.pos + m) & ~m) + total;
        if (end <= c.endBits && end <= c.u8.length * 8) {
          c.pos = end;
          return undefined;
        }
        return each(c); // does not fit: the members' own checks say where and why
      },
      total,
      align,
    );
  }
  // Plain byte-aligned integers and text arrays are read inline by one opcode loop (no call per member);
  // anything else (enums, variants, fields other fields refer to...) goes through its own closure.
  const ops = new Uint8Array(n);
  const masks = new Int32Array(n);
  const lens = new Int32Array(n);
  const les: boolean[] = new Array(n).fill(true);
  let inline = 0;
  cls.members.forEach((mm, i) => {
    const t = mm.type;
    const hasSlot = env.slots.has(locKey(env.scope, [...path, mm.name]));
    if (
      t.kind === 'int' &&
      !hasSlot &&
      !t.mappings &&
      !t.roles &&
      t.mappedClock === undefined &&
      t.align >= 8 &&
      !reversedBits(t)
    ) {
      const op = t.size === 8 ? OP_U8 : t.size === 16 ? OP_U16 : t.size === 32 ? OP_U32 : t.size === 64 ? OP_U64 : 0;
      if (op !== 0) {
        ops[i] = op + (t.signed ? 1 : 0);
        masks[i] = t.align - 1;
        les[i] = t.byteOrder === 'le';
        inline++;
      }
    } else if (t.kind === 'array' && isText(t.element)) {
      ops[i] = OP_TEXT;
      masks[i] = Math.max(t.minAlign, alignOf(t.element)) - 1;
      lens[i] = t.length;
      inline++;
    }
  });
  // Values go to a scratch array, then into the output object at once: through a generated object literal when
  // possible (one hidden class per struct, built in one step), else property by property.
  const vals: FieldValue[] = new Array(n).fill(null);
  const make =
    objectMaker(names) ??
    ((v: FieldValue[]) => {
      const o: FieldStruct = {};
      for (let i = 0; i < n; i++) {
        // `o.__proto__ = x` would set the prototype: define it as an own field instead.
        if (names[i] === '__proto__')
          Object.defineProperty(o, '__proto__', { value: v[i], writable: true, enumerable: true, configurable: true });
        else o[names[i]] = v[i];
      }
      return o;
    });
  if (inline === 0) {
    return (c) => {
      c.pos = (c.pos + m) & ~m;
      for (let i = 0; i < n; i++) vals[i] = decs[i](c) as FieldValue;
      return make(vals);
    };
  }
  return (c) => {
    let pos = (c.pos + m) & ~m;
    const dv = c.dv;
    for (let i = 0; i < n; i++) {
      const op = ops[i];
      if (op === OP_CLOSURE) {
        c.pos = pos;
        vals[i] = decs[i](c) as FieldValue;
        pos = c.pos;
        continue;
      }
      const a = masks[i];
      pos = (pos + a) & ~a;
      const b = pos >>> 3;
      switch (op) {
        case OP_U8:
          vals[i] = dv.getUint8(b);
          pos += 8;
          break;
        case OP_U8 + 1:
          vals[i] = dv.getInt8(b);
          pos += 8;
          break;
        case OP_U16:
          vals[i] = dv.getUint16(b, les[i]);
          pos += 16;
          break;
        case OP_U16 + 1:
          vals[i] = dv.getInt16(b, les[i]);
          pos += 16;
          break;
        case OP_U32:
          vals[i] = dv.getUint32(b, les[i]);
          pos += 32;
          break;
        case OP_U32 + 1:
          vals[i] = dv.getInt32(b, les[i]);
          pos += 32;
          break;
        case OP_U64:
        case OP_U64 + 1: {
          const le = les[i];
          const lo = dv.getUint32(le ? b : b + 4, le);
          const hi = dv.getUint32(le ? b + 4 : b, le);
          vals[i] = hi < 2097152 ? hi * 4294967296 + lo : joinParts(hi, lo, 64, op === OP_U64 + 1);
          pos += 64;
          break;
        }
        default: {
          const len = lens[i];
          const u8 = c.u8;
          if (b + len > u8.length) {
            throw new DecodeFault(
              `${fieldName(env.scope, [...path, cls.members[i].name])}: text array goes beyond the end of the packet`,
              pos,
            );
          }
          let end = b;
          const lim = b + len;
          while (end < lim && u8[end] !== 0) end++;
          vals[i] = decodeText(u8, b, end);
          pos += len * 8;
        }
      }
    }
    c.pos = pos;
    return make(vals);
  };
}

let codegenAllowed = true;

/**
 * `(v) => ({ "name0": v[0], "name1": v[1], ... })` for these names, or null. A literal per struct gives every
 * struct's objects their own hidden class from the start (shared property-by-property stores are megamorphic and
 * slow). Null when code generation is refused (a Content-Security-Policy without 'unsafe-eval'), or when a name
 * would not be a plain own property in a literal (`__proto__`), or when names repeat.
 */
function objectMaker(names: string[]): ((v: FieldValue[]) => FieldStruct) | null {
  if (!codegenAllowed || names.length === 0 || names.length > 256) return null;
  if (names.includes('__proto__') || new Set(names).size !== names.length) return null;
  const body = `return {${names.map((nm, i) => `${JSON.stringify(nm)}: v[${i}]`).join(', ')}};`;
  try {
    return new Function('v', body) as (v: FieldValue[]) => FieldStruct;
  } catch {
    codegenAllowed = false;
    return null;
  }
}

const OP_CLOSURE = 0;
const OP_U8 = 1;
const OP_U16 = 3;
const OP_U32 = 5;
const OP_U64 = 7;
const OP_TEXT = 9;

function compileArray(
  length: number,
  isSeq: boolean,
  cls: FieldClass & { element: FieldClass; minAlign: number },
  path: string[],
  env: CompileEnv,
): Dec {
  const step = alignStep(alignOf(cls));
  const elem = cls.element;
  const elemBits = minBits(elem);
  const name = fieldName(env.scope, path);
  // Checked before the first element: a static length comes from the metadata, a sequence's from the trace.
  const lenOf = isSeq
    ? (c: Cursor) => lengthFromSlot(c, length, elemBits, name)
    : (c: Cursor) => {
        checkCount(c, length, elemBits, name);
        return length;
      };
  if (isText(elem)) {
    const dec: Dec = (c) => {
      if (step) step(c);
      const n = lenOf(c);
      const start = c.pos >>> 3;
      if (start + n > c.u8.length)
        throw new DecodeFault(`${name}: text array goes beyond the end of the packet`, c.pos);
      c.pos += n * 8;
      if (!env.out) return undefined;
      let end = c.u8.indexOf(0, start);
      if (end < 0 || end > start + n) end = start + n;
      return decodeText(c.u8, start, end);
    };
    return !env.out && !isSeq ? fixedSkip(dec, length * 8, alignOf(cls)) : dec;
  }
  const ed = compileField(elem, path, env);
  // Elements may be larger than their minimum (variants, sequences inside): stop as soon as one ends past the packet.
  if (!env.out) {
    return (c) => {
      if (step) step(c);
      const n = lenOf(c);
      for (let i = 0; i < n; i++) {
        ed(c);
        if (c.pos > c.endBits) checkInside(c, name);
      }
      return undefined;
    };
  }
  return (c) => {
    if (step) step(c);
    const n = lenOf(c);
    const arr: FieldValue[] = new Array(n);
    for (let i = 0; i < n; i++) {
      arr[i] = ed(c) as FieldValue;
      if (c.pos > c.endBits) checkInside(c, name);
    }
    return arr;
  };
}

function compileVariant(cls: FieldClass & { kind: 'variant' }, path: string[], env: CompileEnv): Dec {
  const slot = slotOf(cls.selector, env);
  const sel = findClass(env.roots[cls.selector.scope], cls.selector.path);
  const mappings = sel && (sel.kind === 'int' || sel.kind === 'varint') ? sel.mappings : undefined;
  const opts = cls.options.map((o) => ({
    name: displayName(o.name),
    raw: o.name,
    ranges: o.ranges,
    dec: compileField(o.type, path, env),
  }));
  const pick = (v: number | bigint): number => {
    if (opts.some((o) => o.ranges)) {
      return opts.findIndex((o) => o.ranges !== undefined && inRanges(v, o.ranges));
    }
    const labels = mappings ? labelsOf(mappings, v) : [];
    for (const label of labels) {
      const exact = opts.findIndex((o) => o.raw === label);
      if (exact >= 0) return exact;
      const l = displayName(label);
      const loose = opts.findIndex((o) => displayName(o.raw) === l);
      if (loose >= 0) return loose;
    }
    return -1;
  };
  const cache = new Map<number | bigint, number>();
  const out = env.out;
  return (c) => {
    const v = c.regs[slot];
    if (v === undefined)
      throw new DecodeFault(`${fieldName(env.scope, path)}: variant tag not decoded before the variant`, c.pos);
    let i = cache.get(v);
    if (i === undefined) {
      i = pick(v);
      // Bounded: a damaged 64-bit tag can take a new value in every event.
      if (cache.size < 4096) cache.set(v, i);
    }
    if (i < 0) throw new DecodeFault(`${fieldName(env.scope, path)}: variant tag value ${v} selects no option`, c.pos);
    const o = opts[i];
    const value = o.dec(c);
    if (!out) return undefined;
    return { variant: o.name, value: value as FieldValue };
  };
}

/**
 * LTTng's compact / large event headers (`enum id; variant <id> { struct { timestamp } compact;
 * struct { id; timestamp } extended; } v;`) as one closure: the hottest code of a kernel trace.
 * Returns null when the header has another shape, or when other fields refer to its members.
 */
export function compileLttngHeader(cls: StructClass, env: CompileEnv): Dec | null {
  if (cls.members.length !== 2) return null;
  const [idM, vM] = cls.members;
  const idC = idM.type;
  const vC = vM.type;
  if (idM.name !== 'id' || idC.kind !== 'int' || !idC.mappings || idC.size > 32 || vC.kind !== 'variant') return null;
  if (vC.selector.scope !== 'event.header' || vC.selector.path.join('/') !== 'id') return null;
  for (const k of env.slots.keys()) if (k.startsWith('event.header:') && k !== 'event.header:id') return null;
  const ext = idC.mappings.find((m) => m.label === 'extended');
  const comp = idC.mappings.find((m) => m.label === 'compact');
  if (!ext || !comp || ext.ranges.length !== 1 || ext.ranges[0][0] !== ext.ranges[0][1]) return null;
  const extVal = Number(ext.ranges[0][0]);
  const optC = vC.options.find((o) => o.name === 'compact')?.type;
  const optE = vC.options.find((o) => o.name === 'extended')?.type;
  if (!optC || !optE || optC.kind !== 'struct' || optE.kind !== 'struct') return null;
  if (optC.members.length !== 1 || optE.members.length !== 2) return null;
  const cTs = optC.members[0];
  const [eId, eTs] = optE.members;
  if (cTs.name !== 'timestamp' || eTs.name !== 'timestamp' || eId.name !== 'id') return null;
  if (cTs.type.kind !== 'int' || eTs.type.kind !== 'int' || eId.type.kind !== 'int') return null;
  if (reversedBits(idC) || reversedBits(cTs.type) || reversedBits(eTs.type) || reversedBits(eId.type)) return null;
  if (!env.clock || cTs.type.mappedClock === undefined || eTs.type.mappedClock === undefined) return null;
  const m = alignOf(cls) - 1;
  const idRd = plainReader(idC.size, idC.align, idC.byteOrder === 'le', idC.signed);
  const cAlign = alignOf(optC) - 1;
  const eAlign = alignOf(optE) - 1;
  const cTsRd = clockReader(cTs.type.size, cTs.type.align, cTs.type.byteOrder === 'le', false, false);
  const eIdRd =
    eId.type.size <= 32
      ? plainReader(eId.type.size, eId.type.align, eId.type.byteOrder === 'le', eId.type.signed)
      : wideReader(eId.type.size, eId.type.align, eId.type.byteOrder === 'le', eId.type.signed);
  const eTsRd = clockReader(eTs.type.size, eTs.type.align, eTs.type.byteOrder === 'le', false, false);
  const idSlot = env.slots.get('event.header:id');
  // LTTng's compact header (5-bit id, 27-bit timestamp, little-endian, from a byte boundary) is one 32-bit word.
  const idBits = idC.size;
  const tsBits = cTs.type.size;
  const oneWord =
    m >= 7 &&
    idBits + tsBits === 32 &&
    cAlign === 0 &&
    idC.byteOrder === 'le' &&
    !idC.signed &&
    cTs.type.byteOrder === 'le' &&
    !cTs.type.signed;
  const idMask = 2 ** idBits - 1;
  const tsSpan = 2 ** tsBits;
  return (c) => {
    c.pos = (c.pos + m) & ~m;
    // Read as one word only when it is inside the packet (else the per-field readers, and their errors).
    if (oneWord && c.pos + 32 <= c.u8.length * 8) {
      const w = c.dv.getUint32(c.pos >>> 3, true);
      const id = w & idMask;
      if (idSlot !== undefined) c.regs[idSlot] = id;
      if (id !== extVal) {
        c.pos += 32;
        c.eventId = id;
        narrowClock(c, w >>> idBits, tsSpan, false);
        return undefined;
      }
      c.pos += idBits;
      c.pos = (c.pos + eAlign) & ~eAlign;
      c.eventId = Number(eIdRd(c));
      eTsRd(c);
      return undefined;
    }
    const id = idRd(c);
    if (idSlot !== undefined) c.regs[idSlot] = id;
    if (id !== extVal) {
      c.pos = (c.pos + cAlign) & ~cAlign;
      c.eventId = id;
      cTsRd(c);
    } else {
      c.pos = (c.pos + eAlign) & ~eAlign;
      c.eventId = Number(eIdRd(c));
      eTsRd(c);
    }
    return undefined;
  };
}

/** Every location referenced by sequences, variants, optionals and dynamic strings/BLOBs under `cls`. */
export function collectLocations(cls: FieldClass | undefined, into: FieldLocation[]): void {
  if (!cls) return;
  switch (cls.kind) {
    case 'struct':
      for (const m of cls.members) collectLocations(m.type, into);
      return;
    case 'array':
      collectLocations(cls.element, into);
      return;
    case 'sequence':
      into.push(cls.length);
      collectLocations(cls.element, into);
      return;
    case 'variant':
      into.push(cls.selector);
      for (const o of cls.options) collectLocations(o.type, into);
      return;
    case 'optional':
      into.push(cls.selector);
      collectLocations(cls.type, into);
      return;
    case 'dynamic-string':
      into.push(cls.length);
      return;
    case 'blob':
      if (typeof cls.length !== 'number') into.push(cls.length);
      return;
    default:
      return;
  }
}
