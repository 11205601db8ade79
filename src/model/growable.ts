/**
 * Growable typed-array columns: append in amortised O(1), read back once as an exact-length typed array.
 */
import { arenaBytes, type Arena } from './arena';

export type TypedArray = Float64Array | Int32Array | Uint8Array | Uint16Array | Int16Array;
type TypedArrayCtor<T extends TypedArray> = { new (length: number): T };

/** Zero-length arrays shared by every empty column: most threads have no slices or syscalls. */
const EMPTY = new Map<unknown, TypedArray>();
function empty<T extends TypedArray>(ctor: TypedArrayCtor<T>): T {
  let e = EMPTY.get(ctor);
  if (e === undefined) {
    e = new ctor(0);
    EMPTY.set(ctor, e);
  }
  return e as T;
}

/**
 * `a`'s values in an array of `length` (cut or zero-padded) that owns its buffer. Where the runtime has
 * `ArrayBuffer.prototype.transfer` (browsers, Node 21+), the old storage is let go at once (moved or reallocated)
 * instead of left to the garbage collector: while a large trace's model is built, that garbage is gigabytes.
 */
function resized<T extends TypedArray>(a: T, ctor: TypedArrayCtor<T>, length: number): T {
  const buffer = a.buffer as ArrayBuffer & { transfer?: (bytes: number) => ArrayBuffer };
  if (typeof buffer.transfer === 'function' && a.byteOffset === 0 && a.byteLength === buffer.byteLength)
    return new (ctor as unknown as new (b: ArrayBuffer) => T)(buffer.transfer(length * a.BYTES_PER_ELEMENT));
  const next = new ctor(length);
  next.set(a.subarray(0, Math.min(length, a.length)) as ArrayLike<number> & T);
  return next;
}

/**
 * Small columns live in shared slabs. A large trace has hundreds of thousands of threads with a dozen columns of a
 * few values each: as one JS array each (about 200 bytes) they were most of the builder's heap, which V8 must mark
 * at every full collection and which is capped per worker (a 4 GB trace's model worker stalled in back-to-back
 * collections). A column takes a region of its kind's current slab (off the JS heap), moves to a region twice as
 * large as it fills, and to an array of its own past SLAB_REGION_MAX values. Regions left behind stay with their
 * slab until no column points into it (at most as many values as the small columns hold).
 */
const SLAB_VALUES = 1 << 16;
const SLAB_REGION_MAX = 64;
const FIRST_REGION = 4;

/** A growable column of numbers stored in one typed-array kind. */
export interface Column<T extends TypedArray> {
  /** Values [base, base + length) of `data`: a region of a shared slab while small, an array of its own after. */
  data: T;
  base: number;
  /** Values the region (or array) holds. */
  capacity: number;
  length: number;
  push(v: number): number;
  get(i: number): number;
  set(i: number, v: number): void;
  pop(): void;
  /** Bytes the finished column takes in an arena (arena.ts: 0 when empty or kept in a buffer of its own). */
  readonly arenaBytes: number;
  /**
   * Exact-length typed array (a shared zero-length one when empty). Called once; the column lets its storage go.
   * With an arena (arena.ts), a column of up to COMPACT_MAX_BYTES is copied straight into it, a longer one keeps
   * a buffer of its own. Without one, a small column's array is a view into a shared slab, which the caller
   * compacts (compactTypedArrays) so that no slab leaves the builder.
   */
  finish(arena?: Arena): T;
}

/*
 * One class per typed-array kind, written out rather than shared: a single class writing into several array
 * kinds made every push site megamorphic (about 40% of the model step). The bodies are identical on purpose.
 * Values move by loops: `set(subarray(...))` allocated a view object per move, most of the builder's garbage.
 */
/** Each kind's shared zero-length array, looked up once rather than at every column made and finished. */
const EMPTY_F64 = empty(Float64Array);
let slabF64 = new Float64Array(SLAB_VALUES);
let slabF64Used = 0;

class F64ColumnImpl implements Column<Float64Array> {
  data: Float64Array = EMPTY_F64;
  base = 0;
  capacity = 0;
  length = 0;
  push(v: number): number {
    if (this.length === this.capacity) this.grow();
    this.data[this.base + this.length] = v;
    return this.length++;
  }
  private grow(): void {
    const n = this.length;
    const cap = n === 0 ? FIRST_REGION : n * 2;
    if (cap > SLAB_REGION_MAX) {
      if (this.base === 0 && this.data.length > SLAB_REGION_MAX) this.data = resized(this.data, Float64Array, cap);
      else {
        const own = new Float64Array(cap);
        for (let k = 0, d = this.data, b = this.base; k < n; k++) own[k] = d[b + k];
        this.data = own;
        this.base = 0;
      }
    } else {
      if (slabF64Used + cap > SLAB_VALUES) {
        slabF64 = new Float64Array(SLAB_VALUES);
        slabF64Used = 0;
      }
      for (let k = 0, d = this.data, b = this.base; k < n; k++) slabF64[slabF64Used + k] = d[b + k];
      this.data = slabF64;
      this.base = slabF64Used;
      slabF64Used += cap;
    }
    this.capacity = cap;
  }
  get(i: number): number {
    return this.data[this.base + i];
  }
  set(i: number, v: number): void {
    this.data[this.base + i] = v;
  }
  pop(): void {
    if (this.length > 0) this.length--;
  }
  get arenaBytes(): number {
    return arenaBytes(this.length * 8);
  }
  finish(arena?: Arena): Float64Array {
    const n = this.length;
    const at = arena === undefined ? -1 : arena.take(n * 8);
    let out: Float64Array;
    if (at >= 0) {
      out = new Float64Array(arena!.buffer, at, n);
      for (let k = 0, d = this.data, b = this.base; k < n; k++) out[k] = d[b + k];
    } else if (n === 0) out = EMPTY_F64;
    else if (this.capacity <= SLAB_REGION_MAX)
      out = arena ? this.data.slice(this.base, this.base + n) : this.data.subarray(this.base, this.base + n);
    else out = this.data.length === n ? this.data : resized(this.data, Float64Array, n);
    this.data = EMPTY_F64;
    this.base = 0;
    this.capacity = 0;
    return out;
  }
}

const EMPTY_I32 = empty(Int32Array);
let slabI32 = new Int32Array(SLAB_VALUES);
let slabI32Used = 0;

class I32ColumnImpl implements Column<Int32Array> {
  data: Int32Array = EMPTY_I32;
  base = 0;
  capacity = 0;
  length = 0;
  push(v: number): number {
    if (this.length === this.capacity) this.grow();
    this.data[this.base + this.length] = v;
    return this.length++;
  }
  private grow(): void {
    const n = this.length;
    const cap = n === 0 ? FIRST_REGION : n * 2;
    if (cap > SLAB_REGION_MAX) {
      if (this.base === 0 && this.data.length > SLAB_REGION_MAX) this.data = resized(this.data, Int32Array, cap);
      else {
        const own = new Int32Array(cap);
        for (let k = 0, d = this.data, b = this.base; k < n; k++) own[k] = d[b + k];
        this.data = own;
        this.base = 0;
      }
    } else {
      if (slabI32Used + cap > SLAB_VALUES) {
        slabI32 = new Int32Array(SLAB_VALUES);
        slabI32Used = 0;
      }
      for (let k = 0, d = this.data, b = this.base; k < n; k++) slabI32[slabI32Used + k] = d[b + k];
      this.data = slabI32;
      this.base = slabI32Used;
      slabI32Used += cap;
    }
    this.capacity = cap;
  }
  get(i: number): number {
    return this.data[this.base + i];
  }
  set(i: number, v: number): void {
    this.data[this.base + i] = v;
  }
  pop(): void {
    if (this.length > 0) this.length--;
  }
  get arenaBytes(): number {
    return arenaBytes(this.length * 4);
  }
  finish(arena?: Arena): Int32Array {
    const n = this.length;
    const at = arena === undefined ? -1 : arena.take(n * 4);
    let out: Int32Array;
    if (at >= 0) {
      out = new Int32Array(arena!.buffer, at, n);
      for (let k = 0, d = this.data, b = this.base; k < n; k++) out[k] = d[b + k];
    } else if (n === 0) out = EMPTY_I32;
    else if (this.capacity <= SLAB_REGION_MAX)
      out = arena ? this.data.slice(this.base, this.base + n) : this.data.subarray(this.base, this.base + n);
    else out = this.data.length === n ? this.data : resized(this.data, Int32Array, n);
    this.data = EMPTY_I32;
    this.base = 0;
    this.capacity = 0;
    return out;
  }
}

const EMPTY_U8 = empty(Uint8Array);
let slabU8 = new Uint8Array(SLAB_VALUES);
let slabU8Used = 0;

class U8ColumnImpl implements Column<Uint8Array> {
  data: Uint8Array = EMPTY_U8;
  base = 0;
  capacity = 0;
  length = 0;
  push(v: number): number {
    if (this.length === this.capacity) this.grow();
    this.data[this.base + this.length] = v;
    return this.length++;
  }
  private grow(): void {
    const n = this.length;
    const cap = n === 0 ? FIRST_REGION : n * 2;
    if (cap > SLAB_REGION_MAX) {
      if (this.base === 0 && this.data.length > SLAB_REGION_MAX) this.data = resized(this.data, Uint8Array, cap);
      else {
        const own = new Uint8Array(cap);
        for (let k = 0, d = this.data, b = this.base; k < n; k++) own[k] = d[b + k];
        this.data = own;
        this.base = 0;
      }
    } else {
      if (slabU8Used + cap > SLAB_VALUES) {
        slabU8 = new Uint8Array(SLAB_VALUES);
        slabU8Used = 0;
      }
      for (let k = 0, d = this.data, b = this.base; k < n; k++) slabU8[slabU8Used + k] = d[b + k];
      this.data = slabU8;
      this.base = slabU8Used;
      slabU8Used += cap;
    }
    this.capacity = cap;
  }
  get(i: number): number {
    return this.data[this.base + i];
  }
  set(i: number, v: number): void {
    this.data[this.base + i] = v;
  }
  pop(): void {
    if (this.length > 0) this.length--;
  }
  get arenaBytes(): number {
    return arenaBytes(this.length * 1);
  }
  finish(arena?: Arena): Uint8Array {
    const n = this.length;
    const at = arena === undefined ? -1 : arena.take(n * 1);
    let out: Uint8Array;
    if (at >= 0) {
      out = new Uint8Array(arena!.buffer, at, n);
      for (let k = 0, d = this.data, b = this.base; k < n; k++) out[k] = d[b + k];
    } else if (n === 0) out = EMPTY_U8;
    else if (this.capacity <= SLAB_REGION_MAX)
      out = arena ? this.data.slice(this.base, this.base + n) : this.data.subarray(this.base, this.base + n);
    else out = this.data.length === n ? this.data : resized(this.data, Uint8Array, n);
    this.data = EMPTY_U8;
    this.base = 0;
    this.capacity = 0;
    return out;
  }
}

const EMPTY_U16 = empty(Uint16Array);
let slabU16 = new Uint16Array(SLAB_VALUES);
let slabU16Used = 0;

class U16ColumnImpl implements Column<Uint16Array> {
  data: Uint16Array = EMPTY_U16;
  base = 0;
  capacity = 0;
  length = 0;
  push(v: number): number {
    if (this.length === this.capacity) this.grow();
    this.data[this.base + this.length] = v;
    return this.length++;
  }
  private grow(): void {
    const n = this.length;
    const cap = n === 0 ? FIRST_REGION : n * 2;
    if (cap > SLAB_REGION_MAX) {
      if (this.base === 0 && this.data.length > SLAB_REGION_MAX) this.data = resized(this.data, Uint16Array, cap);
      else {
        const own = new Uint16Array(cap);
        for (let k = 0, d = this.data, b = this.base; k < n; k++) own[k] = d[b + k];
        this.data = own;
        this.base = 0;
      }
    } else {
      if (slabU16Used + cap > SLAB_VALUES) {
        slabU16 = new Uint16Array(SLAB_VALUES);
        slabU16Used = 0;
      }
      for (let k = 0, d = this.data, b = this.base; k < n; k++) slabU16[slabU16Used + k] = d[b + k];
      this.data = slabU16;
      this.base = slabU16Used;
      slabU16Used += cap;
    }
    this.capacity = cap;
  }
  get(i: number): number {
    return this.data[this.base + i];
  }
  set(i: number, v: number): void {
    this.data[this.base + i] = v;
  }
  pop(): void {
    if (this.length > 0) this.length--;
  }
  get arenaBytes(): number {
    return arenaBytes(this.length * 2);
  }
  finish(arena?: Arena): Uint16Array {
    const n = this.length;
    const at = arena === undefined ? -1 : arena.take(n * 2);
    let out: Uint16Array;
    if (at >= 0) {
      out = new Uint16Array(arena!.buffer, at, n);
      for (let k = 0, d = this.data, b = this.base; k < n; k++) out[k] = d[b + k];
    } else if (n === 0) out = EMPTY_U16;
    else if (this.capacity <= SLAB_REGION_MAX)
      out = arena ? this.data.slice(this.base, this.base + n) : this.data.subarray(this.base, this.base + n);
    else out = this.data.length === n ? this.data : resized(this.data, Uint16Array, n);
    this.data = EMPTY_U16;
    this.base = 0;
    this.capacity = 0;
    return out;
  }
}

const EMPTY_I16 = empty(Int16Array);
let slabI16 = new Int16Array(SLAB_VALUES);
let slabI16Used = 0;

class I16ColumnImpl implements Column<Int16Array> {
  data: Int16Array = EMPTY_I16;
  base = 0;
  capacity = 0;
  length = 0;
  push(v: number): number {
    if (this.length === this.capacity) this.grow();
    this.data[this.base + this.length] = v;
    return this.length++;
  }
  private grow(): void {
    const n = this.length;
    const cap = n === 0 ? FIRST_REGION : n * 2;
    if (cap > SLAB_REGION_MAX) {
      if (this.base === 0 && this.data.length > SLAB_REGION_MAX) this.data = resized(this.data, Int16Array, cap);
      else {
        const own = new Int16Array(cap);
        for (let k = 0, d = this.data, b = this.base; k < n; k++) own[k] = d[b + k];
        this.data = own;
        this.base = 0;
      }
    } else {
      if (slabI16Used + cap > SLAB_VALUES) {
        slabI16 = new Int16Array(SLAB_VALUES);
        slabI16Used = 0;
      }
      for (let k = 0, d = this.data, b = this.base; k < n; k++) slabI16[slabI16Used + k] = d[b + k];
      this.data = slabI16;
      this.base = slabI16Used;
      slabI16Used += cap;
    }
    this.capacity = cap;
  }
  get(i: number): number {
    return this.data[this.base + i];
  }
  set(i: number, v: number): void {
    this.data[this.base + i] = v;
  }
  pop(): void {
    if (this.length > 0) this.length--;
  }
  get arenaBytes(): number {
    return arenaBytes(this.length * 2);
  }
  finish(arena?: Arena): Int16Array {
    const n = this.length;
    const at = arena === undefined ? -1 : arena.take(n * 2);
    let out: Int16Array;
    if (at >= 0) {
      out = new Int16Array(arena!.buffer, at, n);
      for (let k = 0, d = this.data, b = this.base; k < n; k++) out[k] = d[b + k];
    } else if (n === 0) out = EMPTY_I16;
    else if (this.capacity <= SLAB_REGION_MAX)
      out = arena ? this.data.slice(this.base, this.base + n) : this.data.subarray(this.base, this.base + n);
    else out = this.data.length === n ? this.data : resized(this.data, Int16Array, n);
    this.data = EMPTY_I16;
    this.base = 0;
    this.capacity = 0;
    return out;
  }
}

export type F64Column = Column<Float64Array>;
export type I32Column = Column<Int32Array>;
export type U8Column = Column<Uint8Array>;
export type U16Column = Column<Uint16Array>;
export type I16Column = Column<Int16Array>;
export const f64Column = (): F64Column => new F64ColumnImpl();
export const i32Column = (): I32Column => new I32ColumnImpl();
export const u8Column = (): U8Column => new U8ColumnImpl();
export const u16Column = (): U16Column => new U16ColumnImpl();
export const i16Column = (): I16Column => new I16ColumnImpl();

/** String interning: the model stores names as indices into one string list. */
export class StringTable {
  readonly list: string[] = [];
  /** Per string, `clock` when it was first interned (the builder's event number: see assemble.ts). */
  readonly firstAt: number[] = [];
  clock = 0;
  private readonly index = new Map<string, number>();
  intern(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.firstAt.push(this.clock);
      this.index.set(s, i);
    }
    return i;
  }
}
