/**
 * Column readers: per event class, a reader compiled from a table of wanted fields (the model's, in
 * src/model/event-kinds.ts) that writes only those payload fields and the vtid / vpid / procname context values
 * as numbers into a staged record, and only moves the cursor over everything else. No TraceEvent, no object per
 * event or per field: strings become ids in tables shared by the streams of one decoding run.
 *
 * Values are converted exactly as the packer converts a generic TraceEvent (packed-events.ts): numbers (bigints,
 * enum values) as `Number`, anything else NaN; strings as ids, anything else ''; `opt` present or not; `bytes`
 * as a length then the bytes (-1: not a byte list). A test compares models built both ways.
 */
import type { FieldValue } from '../event';
import type { FieldClass, StructClass } from '../schema';
import {
  alignOf,
  compileField,
  decodeText,
  displayName,
  isText,
  locKey,
  reversedBits,
  unitBytes,
  type CompileEnv,
  type Dec,
} from './compile';
import type { Cursor } from './cursor';
import { checkCount, DecodeFault, fieldName } from './limits';

export type ColumnPick = 'num' | 'str' | 'opt' | 'bytes';
/** Wanted payload fields of an event class, in the order their values are written. */
export type ColumnSpec = ReadonlyArray<readonly [string, ColumnPick]>;
/** Wanted fields per event name; null: the payload is not read (the event is counted, or read for its context only). */
export type ColumnSpecOf = (eventName: string) => ColumnSpec | null;

/** Record flags: bits 0-1 the record type, then what the event carries. */
export const REC_EVENT = 0;
export const REC_DISCARDED_EVENTS = 1;
export const REC_DISCARDED_PACKETS = 2;
export const REC_MASK = 3;
export const F_CTX = 4;
export const F_VTID = 8;
export const F_VPID = 16;
export const F_PROCNAME = 32;
export const F_FIELDS = 64;
export const F_OPT = 128;

/** Event names and strings of one decoding run, interned (ids are what records hold). */
export class ColumnTables {
  readonly names: string[] = [];
  readonly specs: Array<ColumnSpec | null> = [];
  private readonly nameIds = new Map<string, number>();
  readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();

  /** `readContext`: false to skip the common context too (counting only). */
  constructor(
    readonly specOf: ColumnSpecOf,
    readonly readContext = true,
  ) {}

  nameId(name: string): number {
    let id = this.nameIds.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.nameIds.set(name, id);
      this.specs.push(this.specOf(name));
    }
    return id;
  }

  /** Id of the empty text, once interned (absent text fields ask for it in every event). */
  private emptyId = -1;

  str(v: FieldValue | undefined): number {
    if (typeof v !== 'string' || v === '') {
      if (this.emptyId < 0) this.emptyId = this.intern('');
      return this.emptyId;
    }
    return this.intern(v);
  }

  private intern(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    return id;
  }

  // Strings also by their bytes, so that a string seen before costs a hash of its bytes, not a decoded text and a
  // Map lookup: an open-addressing table of entries (hash, bytes in one pool, string id). The hash starts from a
  // random seed, so that no trace can be made of texts that all collide (each lookup would walk all of them).
  readonly hashSeed = (FNV_SEED ^ Math.floor(Math.random() * 0x100000000)) | 0;
  private byHash = new Int32Array(1024); // entry + 1; 0: empty
  private entHash = new Int32Array(256);
  private entOff = new Int32Array(256);
  private entLen = new Int32Array(256);
  private entId = new Int32Array(256);
  private entCount = 0;
  private pool = new Uint8Array(1 << 14);
  private poolLen = 0;

  /**
   * The id of the string of bytes [start, end) when these bytes were interned before (strOfBytes), else -1.
   * `h`: hashBytes of them from hashSeed (column readers hash while they look for the end of the text).
   */
  idOfBytes(u8: Uint8Array, start: number, end: number, h: number): number {
    const len = end - start;
    if (len > MAX_BYTE_KEY) return -1;
    const table = this.byHash;
    const mask = table.length - 1;
    const pool = this.pool;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const e = table[s] - 1;
      if (e < 0) return -1;
      if (this.entHash[e] !== h || this.entLen[e] !== len) continue;
      const off = this.entOff[e] - start;
      let i = start;
      while (i < end && pool[off + i] === u8[i]) i++;
      if (i === end) return this.entId[e];
    }
  }

  /** The id of the text of bytes [start, end) (decodeText), interned if new; the bytes are remembered for idOfBytes. */
  strOfBytes(u8: Uint8Array, start: number, end: number): number {
    const h = hashBytes(u8, start, end, this.hashSeed);
    const known = this.idOfBytes(u8, start, end, h);
    if (known >= 0) return known;
    // By its text: two byte strings can be one text (bad UTF-8 becomes U+FFFD).
    const id = this.str(decodeText(u8, start, end));
    const len = end - start;
    if (len > MAX_BYTE_KEY) return id;
    if (this.entCount === this.entHash.length) {
      const grow = (a: Int32Array) => {
        const next = new Int32Array(a.length * 2);
        next.set(a);
        return next;
      };
      this.entHash = grow(this.entHash);
      this.entOff = grow(this.entOff);
      this.entLen = grow(this.entLen);
      this.entId = grow(this.entId);
    }
    if (this.poolLen + len > this.pool.length) {
      const next = new Uint8Array(Math.max(this.pool.length * 2, this.poolLen + len));
      next.set(this.pool.subarray(0, this.poolLen));
      this.pool = next;
    }
    const e = this.entCount++;
    this.entHash[e] = h;
    this.entOff[e] = this.poolLen;
    this.entLen[e] = len;
    this.entId[e] = id;
    this.pool.set(u8.subarray(start, end), this.poolLen);
    this.poolLen += len;
    if (this.entCount * 2 > this.byHash.length) this.rehash(this.byHash.length * 2);
    else this.place(this.byHash, e);
    return id;
  }

  private place(table: Int32Array, e: number): void {
    const mask = table.length - 1;
    let s = this.entHash[e] & mask;
    while (table[s] !== 0) s = (s + 1) & mask;
    table[s] = e + 1;
  }

  private rehash(size: number): void {
    const table = new Int32Array(size);
    for (let e = 0; e < this.entCount; e++) this.place(table, e);
    this.byHash = table;
  }
}

/** Strings longer than this are interned by their text only (not remembered by their bytes). */
const MAX_BYTE_KEY = 256;

const FNV_SEED = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a of bytes [start, end). */
function hashBytes(u8: Uint8Array, start: number, end: number, seed: number): number {
  let h = seed;
  for (let i = start; i < end; i++) h = Math.imul(h ^ u8[i], FNV_PRIME);
  return h;
}

/** One decoded event held by its stream until the merge emits it: flags and values, as a packed record. */
export class StagedRecord {
  nameId = 0;
  tsNs = 0;
  flags = 0;
  values = new Float64Array(64);
  count = 0;
  push(v: number): void {
    if (this.count === this.values.length) this.reserve(1);
    this.values[this.count++] = v;
  }
  /** Room for n more values. */
  reserve(n: number): void {
    if (this.count + n <= this.values.length) return;
    const next = new Float64Array(Math.max(this.values.length * 2, this.count + n));
    next.set(this.values);
    this.values = next;
  }
}

export function numOf(v: FieldValue | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v !== null && typeof v === 'object' && 'enum' in v) return Number((v as { enum: number | bigint }).enum);
  return NaN;
}

/** Codes of the ColumnPick types in CompiledSpec.types. */
export const T_NUM = 0;
export const T_STR = 1;
export const T_OPT = 2;
export const T_BYTES = 3;
const TYPE_CODE: Record<ColumnPick, number> = { num: T_NUM, str: T_STR, opt: T_OPT, bytes: T_BYTES };

/** Writes one wanted value of a record (the packer's conversions). */
export function pushValue(rec: StagedRecord, type: number, v: FieldValue | undefined, tables: ColumnTables): void {
  if (type === T_NUM) rec.push(numOf(v));
  else if (type === T_STR) rec.push(tables.str(v));
  else if (type === T_OPT) {
    if (v !== undefined) {
      rec.flags |= F_OPT;
      rec.push(numOf(v));
    }
  } else if (Array.isArray(v)) {
    rec.push(v.length);
    for (const b of v) rec.push(numOf(b));
  } else if (v instanceof Uint8Array) {
    rec.push(v.length);
    for (const b of v) rec.push(b);
  } else rec.push(-1);
}

/** A spec as parallel arrays (no tuple destructuring on the hot path). */
export interface CompiledSpec {
  fields: string[];
  types: Uint8Array;
}

export function compileSpec(spec: ColumnSpec): CompiledSpec {
  return { fields: spec.map(([f]) => f), types: Uint8Array.from(spec.map(([, t]) => TYPE_CODE[t])) };
}

/** Reads one scope (a struct) into the record; returns whether the scope exists. */
export type ScopeReader = (c: Cursor, rec: StagedRecord, tables: ColumnTables) => void;

/**
 * A struct whose members named in `wanted` are decoded (into `vals[k]`, k their index in `wanted`) and the others
 * only skipped. `outEnv`/`skipEnv`: the scope's compile environment with out = true / false.
 */
function pickStruct(
  cls: StructClass,
  wanted: string[],
  outEnv: CompileEnv,
  skipEnv: CompileEnv,
): (c: Cursor, vals: Array<FieldValue | undefined>) => void {
  const m = alignOf(cls) - 1;
  const n = cls.members.length;
  const slotOfMember = new Int32Array(n).fill(-1);
  const decs: Dec[] = cls.members.map((mm, i) => {
    const k = wanted.indexOf(displayName(mm.name));
    slotOfMember[i] = k;
    return compileField(mm.type, [mm.name], k >= 0 ? outEnv : skipEnv);
  });
  return (c, vals) => {
    c.pos = (c.pos + m) & ~m;
    for (let i = 0; i < n; i++) {
      const k = slotOfMember[i];
      if (k < 0) decs[i](c);
      else vals[k] = decs[i](c);
    }
  };
}

/*
 * The column readers proper: one loop over a struct's members by opcode. Plain byte-aligned integers are read
 * inline and written as numbers (no boxed value per field), text is interned from its bytes (no string built
 * for one seen before), integers nothing wants are stepped over inline; anything else goes through its compiled
 * closure (compile.ts) and is converted as pushValue does. Reads, checks and errors are those of the closures.
 */
const M_SKIP = 0; // not wanted: its skipper closure
const M_VALUE = 1; // wanted, any class: its decoder closure; the value converted afterwards
const M_SKIP_INT = 2; // not wanted, a plain integer: stepped over inline
const M_U8 = 3;
const M_I8 = 4;
const M_U16 = 5;
const M_I16 = 6;
const M_U32 = 7;
const M_I32 = 8;
const M_U64 = 9;
const M_I64 = 10;
const M_STRZ = 11; // NUL-terminated text of 1-byte units
const M_TEXT = 12; // static array of 8-bit text units

/** What a wanted field holds after the members were read (per event; a field no member has stays 0: nothing). */
const S_NUM = 1; // out[base + k]
const S_ID = 2; // out[base + k]: a string id
const S_BYTES = 3; // starts[k], ends[k]: the bytes of a string not interned by its bytes yet
const S_VALUE = 4; // vals[k]: a decoded value

/** A wanted field: a number (enums by their value), a number only if the decoded value is one (the context's), or text. */
type Want = 'num' | 'plain-num' | 'str';

interface Picker {
  /**
   * Reads the struct: numbers and known texts' ids go to out[base + k] (k: the field's index in `wanted`).
   * Returns how many fields are left pending (S_BYTES, S_VALUE), to be converted in field order.
   */
  read: (c: Cursor, tables: ColumnTables, out: Float64Array, base: number) => number;
  state: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  vals: Array<FieldValue | undefined>;
  /** The wanted fields no member has. */
  absent: number[];
}

/**
 * The inline opcode of a plain integer (no slot, role or clock; byte-aligned; 8 to 64 bits; little-endian past
 * 8 bits, as LTTng writes on the machines it runs on: big-endian ones go through their closure), else 0.
 */
function intOp(t: FieldClass, hasSlot: boolean, forbidMappings: boolean): number {
  if (t.kind !== 'int' || hasSlot || (t.roles && t.roles.length > 0) || t.mappedClock !== undefined) return 0;
  if (t.align < 8 || reversedBits(t) || (forbidMappings && t.mappings)) return 0;
  if (t.size > 8 && t.byteOrder !== 'le') return 0;
  const op = t.size === 8 ? M_U8 : t.size === 16 ? M_U16 : t.size === 32 ? M_U32 : t.size === 64 ? M_U64 : 0;
  // A 64-bit value past 2^53 decodes to a bigint: not a number for the context.
  if (op === 0 || (op === M_U64 && forbidMappings)) return 0;
  return op + (t.signed ? 1 : 0);
}

function compilePicker(
  cls: StructClass,
  wanted: string[],
  wants: Want[],
  outEnv: CompileEnv,
  skipEnv: CompileEnv,
): Picker {
  const m = alignOf(cls) - 1;
  const n = cls.members.length;
  const ops = new Uint8Array(n);
  const slotOf = new Int32Array(n);
  const masks = new Int32Array(n);
  // Bits of an integer, or a static text array's length, which the metadata may make any number (checked when read).
  const sizes = new Float64Array(n);
  const names: string[] = [];
  const decs: Array<Dec | null> = [];
  cls.members.forEach((mm, i) => {
    const t = mm.type;
    const k = wanted.indexOf(displayName(mm.name));
    const hasSlot = outEnv.slots.has(locKey(outEnv.scope, [mm.name]));
    slotOf[i] = k;
    names.push(fieldName(outEnv.scope, [mm.name]));
    decs.push(null);
    if (t.kind === 'int' || t.kind === 'bool' || t.kind === 'bitarray' || t.kind === 'float') {
      masks[i] = t.align - 1;
      sizes[i] = t.size;
    }
    if (k < 0) {
      if (t.kind === 'int' && !hasSlot && !(t.roles && t.roles.length > 0) && t.mappedClock === undefined) {
        ops[i] = M_SKIP_INT; // as compileInt's skipper
      } else {
        ops[i] = M_SKIP;
        decs[i] = compileField(t, [mm.name], skipEnv);
      }
      return;
    }
    const want = wants[k];
    let op = 0;
    if (want !== 'str') op = intOp(t, hasSlot, want === 'plain-num');
    else if (t.kind === 'string' && unitBytes(t.encoding) === 1) {
      op = M_STRZ;
      masks[i] = 7;
    } else if (t.kind === 'array' && isText(t.element)) {
      op = M_TEXT;
      masks[i] = alignOf(t) - 1;
      sizes[i] = t.length;
    }
    if (op === 0) {
      op = M_VALUE;
      decs[i] = compileField(t, [mm.name], outEnv);
    }
    ops[i] = op;
  });
  const state = new Uint8Array(wanted.length);
  const starts = new Int32Array(wanted.length);
  const ends = new Int32Array(wanted.length);
  const vals: Array<FieldValue | undefined> = new Array(wanted.length).fill(undefined);
  const read = (c: Cursor, tables: ColumnTables, out: Float64Array, base: number): number => {
    let pending = 0;
    let pos = (c.pos + m) & ~m;
    const u8 = c.u8;
    const dv = c.dv;
    for (let i = 0; i < n; i++) {
      const op = ops[i];
      const k = slotOf[i];
      if (op === M_SKIP || op === M_VALUE) {
        c.pos = pos;
        const v = decs[i]!(c);
        pos = c.pos;
        if (op === M_VALUE) {
          vals[k] = v;
          state[k] = S_VALUE;
          pending++;
        }
        continue;
      }
      const a = masks[i];
      const p = (pos + a) & ~a;
      const b = p >>> 3;
      switch (op) {
        case M_SKIP_INT:
          // As a DataView read past the end would (the stream decoder words it).
          if (p + sizes[i] > u8.length * 8) throw new RangeError('skip beyond the end');
          pos = p + sizes[i];
          continue;
        case M_U8:
          out[base + k] = u8[b];
          pos = p + 8;
          break;
        case M_I8:
          out[base + k] = dv.getInt8(b);
          pos = p + 8;
          break;
        case M_U16:
          out[base + k] = dv.getUint16(b, true);
          pos = p + 16;
          break;
        case M_I16:
          out[base + k] = dv.getInt16(b, true);
          pos = p + 16;
          break;
        case M_U32:
          out[base + k] = dv.getUint32(b, true);
          pos = p + 32;
          break;
        case M_I32:
          out[base + k] = dv.getInt32(b, true);
          pos = p + 32;
          break;
        case M_U64:
        case M_I64: {
          const lo = dv.getUint32(b, true);
          let hi = dv.getUint32(b + 4, true);
          if (op === M_I64 && hi >= 2147483648) hi -= 4294967296;
          // One rounding of the exact value, as Number() of the bigint the closures give past 2^53.
          out[base + k] = hi * 4294967296 + lo;
          pos = p + 64;
          break;
        }
        case M_STRZ: {
          // The end of the text and its hash in one pass.
          const lim = u8.length;
          let h = tables.hashSeed;
          let end = b;
          while (end < lim) {
            const x = u8[end];
            if (x === 0) break;
            h = Math.imul(h ^ x, FNV_PRIME);
            end++;
          }
          if (end === lim) throw new DecodeFault('string without a terminating NUL byte before the end of the packet');
          pos = (end + 1) * 8;
          pending += text(tables, u8, b, end, h, k, out, base);
          continue;
        }
        default: {
          const len = sizes[i];
          c.pos = p;
          checkCount(c, len, 8, names[i]);
          if (b + len > u8.length)
            throw new DecodeFault(`${names[i]}: text array goes beyond the end of the packet`, p);
          pos = p + len * 8;
          // The text ends at its first NUL byte, if any.
          const lim = b + len;
          let h = tables.hashSeed;
          let end = b;
          while (end < lim) {
            const x = u8[end];
            if (x === 0) break;
            h = Math.imul(h ^ x, FNV_PRIME);
            end++;
          }
          pending += text(tables, u8, b, end, h, k, out, base);
          continue;
        }
      }
      state[k] = S_NUM;
    }
    c.pos = pos;
    return pending;
  };
  /** A text field: its id when its bytes are known, else pending (returns 1). */
  const text = (
    tables: ColumnTables,
    u8: Uint8Array,
    start: number,
    end: number,
    h: number,
    k: number,
    out: Float64Array,
    base: number,
  ): number => {
    const id = tables.idOfBytes(u8, start, end, h);
    if (id >= 0) {
      out[base + k] = id;
      state[k] = S_ID;
      return 0;
    }
    // Interned after the whole struct, in the order of the wanted fields, as pushValue did: ids stay the same.
    starts[k] = start;
    ends[k] = end;
    state[k] = S_BYTES;
    return 1;
  };
  const absent: number[] = [];
  for (let k = 0; k < wanted.length; k++) if (!slotOf.includes(k)) absent.push(k);
  return { read, state, starts, ends, vals, absent };
}

/** A wanted field's decoded value, let go of. */
function take(p: Picker, k: number): FieldValue | undefined {
  const v = p.vals[k];
  p.vals[k] = undefined;
  return v;
}

const CTX_FIELDS = ['vtid', 'vpid', 'procname'];

/** The common context reader: vtid, vpid, procname (when they are of the type the model reads). */
export function compileContextReader(cls: StructClass, outEnv: CompileEnv, skipEnv: CompileEnv): ScopeReader {
  const p = compilePicker(cls, CTX_FIELDS, ['plain-num', 'plain-num', 'str'], outEnv, skipEnv);
  const { read, state } = p;
  const nums = new Float64Array(CTX_FIELDS.length);
  const num = (rec: StagedRecord, k: number, flag: number): void => {
    const s = state[k];
    if (s === S_NUM) {
      rec.flags |= flag;
      rec.push(nums[k]);
    } else if (s === S_VALUE) {
      const v = take(p, k);
      if (typeof v === 'number') {
        rec.flags |= flag;
        rec.push(v);
      }
    }
  };
  return (c, rec, tables) => {
    read(c, tables, nums, 0);
    rec.flags |= F_CTX;
    num(rec, 0, F_VTID);
    num(rec, 1, F_VPID);
    const s = state[2];
    if (s === S_ID) {
      rec.flags |= F_PROCNAME;
      rec.push(nums[2]);
    } else if (s === S_BYTES) {
      rec.flags |= F_PROCNAME;
      rec.push(tables.strOfBytes(c.u8, p.starts[2], p.ends[2]));
    } else if (s === S_VALUE) {
      const v = take(p, 2);
      if (typeof v === 'string') {
        rec.flags |= F_PROCNAME;
        rec.push(tables.str(v));
      }
    }
  };
}

/** The payload reader of an event class the table names fields for. */
export function compilePayloadReader(
  cls: StructClass,
  spec: ColumnSpec,
  outEnv: CompileEnv,
  skipEnv: CompileEnv,
): ScopeReader {
  const { fields, types } = compileSpec(spec);
  if (types.some((t) => t === T_OPT || t === T_BYTES))
    return compileGenericPayloadReader(cls, fields, types, outEnv, skipEnv);
  const wants: Want[] = Array.from(types, (t) => (t === T_NUM ? 'num' : 'str'));
  const p = compilePicker(cls, fields, wants, outEnv, skipEnv);
  const { read, state, starts, ends, absent } = p;
  const n = fields.length;
  return (c, rec, tables) => {
    rec.reserve(n);
    const out = rec.values;
    const base = rec.count;
    const pending = read(c, tables, out, base);
    rec.flags |= F_FIELDS;
    if (pending === 0) {
      // Nothing new but the empty text, if any: no order to keep.
      for (let j = 0; j < absent.length; j++) {
        const k = absent[j];
        out[base + k] = types[k] === T_NUM ? NaN : tables.str(undefined);
      }
    } else {
      for (let k = 0; k < n; k++) {
        const s = state[k];
        if (s === S_BYTES) out[base + k] = tables.strOfBytes(c.u8, starts[k], ends[k]);
        else if (s === S_VALUE) {
          const v = take(p, k);
          out[base + k] = types[k] === T_NUM ? numOf(v) : tables.str(v);
        } else if (s === 0) out[base + k] = types[k] === T_NUM ? NaN : tables.str(undefined);
      }
    }
    rec.count = base + n;
  };
}

/** Payloads with `opt` or `bytes` fields (statedump events: rare): decoded values, converted by pushValue. */
function compileGenericPayloadReader(
  cls: StructClass,
  fields: string[],
  types: Uint8Array,
  outEnv: CompileEnv,
  skipEnv: CompileEnv,
): ScopeReader {
  const read = pickStruct(cls, fields, outEnv, skipEnv);
  const vals: Array<FieldValue | undefined> = new Array(fields.length).fill(undefined);
  return (c, rec, tables) => {
    vals.fill(undefined);
    read(c, vals);
    rec.flags |= F_FIELDS;
    for (let k = 0; k < fields.length; k++) pushValue(rec, types[k], vals[k], tables);
  };
}
