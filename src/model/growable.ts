/**
 * Growable typed-array columns: append in amortised O(1), read back as an exact-length typed array whose buffer
 * is its own (so it can be transferred to another thread without copying the spare capacity).
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
 * One growable column. A single class (no subclasses, fields set in the constructor) keeps construction cheap:
 * a trace can have thousands of threads with a few columns each.
 */
export class Column<T extends TypedArray> {
  /** Backing store once the column is large; small columns live in `small` (a typed array each is costly). */
  data: T;
  /** Up to SMALL_MAX values, before the typed array exists. */
  small: number[] | null;
  length: number;
  private readonly ctor: TypedArrayCtor<T>;
  constructor(ctor: TypedArrayCtor<T>) {
    this.ctor = ctor;
    this.length = 0;
    this.small = null;
    this.data = empty(ctor);
  }
  push(v: number): number {
    const n = this.length;
    if (n < this.data.length) {
      this.data[n] = v;
    } else if (n < SMALL_MAX) {
      if (this.small === null) this.small = [];
      this.small.push(v);
    } else {
      this.grow();
      this.data[n] = v;
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
  private grow(): void {
    const next = new this.ctor(Math.max(SMALL_MAX * 2, this.data.length * 2));
    if (this.small !== null) {
      for (let i = 0; i < this.small.length; i++) next[i] = this.small[i];
      this.small = null;
    } else {
      (next as unknown as { set(a: ArrayLike<number>): void }).set(this.data);
    }
    this.data = next;
  }
  /** Exact-length typed array with its own buffer (a shared zero-length array when empty). */
  finish(): T {
    if (this.length === 0) return empty(this.ctor);
    if (this.small !== null) {
      const out = new this.ctor(this.length);
      for (let i = 0; i < this.length; i++) out[i] = this.small[i];
      return out;
    }
    return this.data.slice(0, this.length) as T;
  }
}

export type F64Column = Column<Float64Array>;
export type I32Column = Column<Int32Array>;
export type U8Column = Column<Uint8Array>;
export type U16Column = Column<Uint16Array>;
export type I16Column = Column<Int16Array>;
export const f64Column = (): F64Column => new Column(Float64Array);
export const i32Column = (): I32Column => new Column(Int32Array);
export const u8Column = (): U8Column => new Column(Uint8Array);
export const u16Column = (): U16Column => new Column(Uint16Array);
export const i16Column = (): I16Column => new Column(Int16Array);

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
