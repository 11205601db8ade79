/**
 * Growable typed-array columns: append in amortised O(1), read back as an exact-length typed array whose buffer
 * is its own (so it can be transferred to another thread without copying the spare capacity).
 */

type TypedArray = Float64Array | Int32Array | Uint8Array | Uint16Array | Int16Array;
type TypedArrayCtor<T extends TypedArray> = { new (length: number): T };

class Column<T extends TypedArray> {
  data: T;
  length = 0;
  constructor(private readonly ctor: TypedArrayCtor<T>, capacity = 16) {
    this.data = new ctor(capacity);
  }
  push(v: number): number {
    if (this.length === this.data.length) this.grow();
    this.data[this.length] = v;
    return this.length++;
  }
  pop(): void {
    if (this.length > 0) this.length--;
  }
  private grow(): void {
    const next = new this.ctor(this.data.length * 2);
    (next as unknown as { set(a: ArrayLike<number>): void }).set(this.data);
    this.data = next;
  }
  /** Exact-length copy with its own buffer. */
  finish(): T {
    return this.data.slice(0, this.length) as T;
  }
}

export class F64Column extends Column<Float64Array> {
  constructor(capacity?: number) {
    super(Float64Array, capacity);
  }
}
export class I32Column extends Column<Int32Array> {
  constructor(capacity?: number) {
    super(Int32Array, capacity);
  }
}
export class U8Column extends Column<Uint8Array> {
  constructor(capacity?: number) {
    super(Uint8Array, capacity);
  }
}
export class U16Column extends Column<Uint16Array> {
  constructor(capacity?: number) {
    super(Uint16Array, capacity);
  }
}
export class I16Column extends Column<Int16Array> {
  constructor(capacity?: number) {
    super(Int16Array, capacity);
  }
}

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
