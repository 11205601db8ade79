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
  /** Exact-length typed array with its own buffer (a shared zero-length array when empty). */
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
      const next = new Float64Array(Math.max(SMALL_MAX * 2, this.data.length * 2));
      if (this.small !== null) {
        for (let i = 0; i < this.small.length; i++) next[i] = this.small[i];
        this.small = null;
      } else next.set(this.data);
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
    if (this.length === 0) return empty(Float64Array);
    if (this.small !== null) return Float64Array.from(this.small);
    return this.data.slice(0, this.length);
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
      const next = new Int32Array(Math.max(SMALL_MAX * 2, this.data.length * 2));
      if (this.small !== null) {
        for (let i = 0; i < this.small.length; i++) next[i] = this.small[i];
        this.small = null;
      } else next.set(this.data);
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
    if (this.length === 0) return empty(Int32Array);
    if (this.small !== null) return Int32Array.from(this.small);
    return this.data.slice(0, this.length);
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
      const next = new Uint8Array(Math.max(SMALL_MAX * 2, this.data.length * 2));
      if (this.small !== null) {
        for (let i = 0; i < this.small.length; i++) next[i] = this.small[i];
        this.small = null;
      } else next.set(this.data);
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
    if (this.length === 0) return empty(Uint8Array);
    if (this.small !== null) return Uint8Array.from(this.small);
    return this.data.slice(0, this.length);
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
      const next = new Uint16Array(Math.max(SMALL_MAX * 2, this.data.length * 2));
      if (this.small !== null) {
        for (let i = 0; i < this.small.length; i++) next[i] = this.small[i];
        this.small = null;
      } else next.set(this.data);
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
    if (this.length === 0) return empty(Uint16Array);
    if (this.small !== null) return Uint16Array.from(this.small);
    return this.data.slice(0, this.length);
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
      const next = new Int16Array(Math.max(SMALL_MAX * 2, this.data.length * 2));
      if (this.small !== null) {
        for (let i = 0; i < this.small.length; i++) next[i] = this.small[i];
        this.small = null;
      } else next.set(this.data);
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
    if (this.length === 0) return empty(Int16Array);
    if (this.small !== null) return Int16Array.from(this.small);
    return this.data.slice(0, this.length);
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
