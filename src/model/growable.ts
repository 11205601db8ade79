/**
 * Growable typed-array columns: append in amortised O(1), read back once as an exact-length typed array.
 */

type TypedArray = Float64Array | Int32Array | Uint8Array | Uint16Array | Int16Array;
type TypedArrayCtor<T extends TypedArray> = { new (length: number): T };

const SMALL_MAX = 64;

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

/** A growable column of numbers stored in one typed-array kind. */
export interface Column<T extends TypedArray> {
  /** Backing store once the column is large; small columns live in `small` (a typed array each is costly). */
  data: T;
  /** Up to SMALL_MAX values, before the typed array exists. */
  small: number[] | null;
  length: number;
  push(v: number): number;
  get(i: number): number;
  set(i: number, v: number): void;
  pop(): void;
  /** Exact-length typed array with a buffer of its own (a shared zero-length one when empty). Called once. */
  finish(): T;
}

/*
 * One class per typed-array kind, written out rather than shared: a single class writing into several array
 * kinds made every push site megamorphic (about 40% of the model step). The bodies are identical on purpose.
 */
class F64ColumnImpl implements Column<Float64Array> {
  data: Float64Array = empty(Float64Array);
  small: number[] | null = null;
  length = 0;
  push(v: number): number {
    const n = this.length;
    if (n < this.data.length) this.data[n] = v;
    else if (n < SMALL_MAX) (this.small ??= []).push(v);
    else {
      let next: Float64Array;
      if (this.small !== null) {
        next = new Float64Array(SMALL_MAX * 2);
        for (let i = 0; i < this.small.length; i++) next[i] = this.small[i];
        this.small = null;
      } else next = resized(this.data, Float64Array, this.data.length * 2);
      this.data = next;
      next[n] = v;
    }
    return this.length++;
  }
  get(i: number): number {
    return this.small !== null ? this.small[i] : this.data[i];
  }
  set(i: number, v: number): void {
    if (this.small !== null) this.small[i] = v;
    else this.data[i] = v;
  }
  pop(): void {
    if (this.length === 0) return;
    this.length--;
    if (this.small !== null) this.small.pop();
  }
  finish(): Float64Array {
    const n = this.length;
    const out =
      n === 0
        ? empty(Float64Array)
        : this.small !== null
          ? Float64Array.from(this.small)
          : this.data.length === n
            ? this.data
            : resized(this.data, Float64Array, n);
    this.data = empty(Float64Array);
    this.small = null;
    return out;
  }
}

class I32ColumnImpl implements Column<Int32Array> {
  data: Int32Array = empty(Int32Array);
  small: number[] | null = null;
  length = 0;
  push(v: number): number {
    const n = this.length;
    if (n < this.data.length) this.data[n] = v;
    else if (n < SMALL_MAX) (this.small ??= []).push(v);
    else {
      let next: Int32Array;
      if (this.small !== null) {
        next = new Int32Array(SMALL_MAX * 2);
        for (let i = 0; i < this.small.length; i++) next[i] = this.small[i];
        this.small = null;
      } else next = resized(this.data, Int32Array, this.data.length * 2);
      this.data = next;
      next[n] = v;
    }
    return this.length++;
  }
  get(i: number): number {
    return this.small !== null ? this.small[i] : this.data[i];
  }
  set(i: number, v: number): void {
    if (this.small !== null) this.small[i] = v;
    else this.data[i] = v;
  }
  pop(): void {
    if (this.length === 0) return;
    this.length--;
    if (this.small !== null) this.small.pop();
  }
  finish(): Int32Array {
    const n = this.length;
    const out =
      n === 0
        ? empty(Int32Array)
        : this.small !== null
          ? Int32Array.from(this.small)
          : this.data.length === n
            ? this.data
            : resized(this.data, Int32Array, n);
    this.data = empty(Int32Array);
    this.small = null;
    return out;
  }
}

class U8ColumnImpl implements Column<Uint8Array> {
  data: Uint8Array = empty(Uint8Array);
  small: number[] | null = null;
  length = 0;
  push(v: number): number {
    const n = this.length;
    if (n < this.data.length) this.data[n] = v;
    else if (n < SMALL_MAX) (this.small ??= []).push(v);
    else {
      let next: Uint8Array;
      if (this.small !== null) {
        next = new Uint8Array(SMALL_MAX * 2);
        for (let i = 0; i < this.small.length; i++) next[i] = this.small[i];
        this.small = null;
      } else next = resized(this.data, Uint8Array, this.data.length * 2);
      this.data = next;
      next[n] = v;
    }
    return this.length++;
  }
  get(i: number): number {
    return this.small !== null ? this.small[i] : this.data[i];
  }
  set(i: number, v: number): void {
    if (this.small !== null) this.small[i] = v;
    else this.data[i] = v;
  }
  pop(): void {
    if (this.length === 0) return;
    this.length--;
    if (this.small !== null) this.small.pop();
  }
  finish(): Uint8Array {
    const n = this.length;
    const out =
      n === 0
        ? empty(Uint8Array)
        : this.small !== null
          ? Uint8Array.from(this.small)
          : this.data.length === n
            ? this.data
            : resized(this.data, Uint8Array, n);
    this.data = empty(Uint8Array);
    this.small = null;
    return out;
  }
}

class U16ColumnImpl implements Column<Uint16Array> {
  data: Uint16Array = empty(Uint16Array);
  small: number[] | null = null;
  length = 0;
  push(v: number): number {
    const n = this.length;
    if (n < this.data.length) this.data[n] = v;
    else if (n < SMALL_MAX) (this.small ??= []).push(v);
    else {
      let next: Uint16Array;
      if (this.small !== null) {
        next = new Uint16Array(SMALL_MAX * 2);
        for (let i = 0; i < this.small.length; i++) next[i] = this.small[i];
        this.small = null;
      } else next = resized(this.data, Uint16Array, this.data.length * 2);
      this.data = next;
      next[n] = v;
    }
    return this.length++;
  }
  get(i: number): number {
    return this.small !== null ? this.small[i] : this.data[i];
  }
  set(i: number, v: number): void {
    if (this.small !== null) this.small[i] = v;
    else this.data[i] = v;
  }
  pop(): void {
    if (this.length === 0) return;
    this.length--;
    if (this.small !== null) this.small.pop();
  }
  finish(): Uint16Array {
    const n = this.length;
    const out =
      n === 0
        ? empty(Uint16Array)
        : this.small !== null
          ? Uint16Array.from(this.small)
          : this.data.length === n
            ? this.data
            : resized(this.data, Uint16Array, n);
    this.data = empty(Uint16Array);
    this.small = null;
    return out;
  }
}

class I16ColumnImpl implements Column<Int16Array> {
  data: Int16Array = empty(Int16Array);
  small: number[] | null = null;
  length = 0;
  push(v: number): number {
    const n = this.length;
    if (n < this.data.length) this.data[n] = v;
    else if (n < SMALL_MAX) (this.small ??= []).push(v);
    else {
      let next: Int16Array;
      if (this.small !== null) {
        next = new Int16Array(SMALL_MAX * 2);
        for (let i = 0; i < this.small.length; i++) next[i] = this.small[i];
        this.small = null;
      } else next = resized(this.data, Int16Array, this.data.length * 2);
      this.data = next;
      next[n] = v;
    }
    return this.length++;
  }
  get(i: number): number {
    return this.small !== null ? this.small[i] : this.data[i];
  }
  set(i: number, v: number): void {
    if (this.small !== null) this.small[i] = v;
    else this.data[i] = v;
  }
  pop(): void {
    if (this.length === 0) return;
    this.length--;
    if (this.small !== null) this.small.pop();
  }
  finish(): Int16Array {
    const n = this.length;
    const out =
      n === 0
        ? empty(Int16Array)
        : this.small !== null
          ? Int16Array.from(this.small)
          : this.data.length === n
            ? this.data
            : resized(this.data, Int16Array, n);
    this.data = empty(Int16Array);
    this.small = null;
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
  private readonly index = new Map<string, number>();
  intern(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}
