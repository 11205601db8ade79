/**
 * Many small typed arrays moved into one buffer. A large trace's model has hundreds of thousands of threads with
 * about a dozen short columns each: as arrays of their own that is one ArrayBuffer (and one allocation) per
 * column, about 120 bytes of overhead for a few bytes of data, and as many buffers to hand to the page. Compacted
 * per group of threads, the small columns are views into one buffer that moves to the page in one transfer.
 */

/** Threads whose columns share one buffer (and go to the page in one message: worker-api/model-transfer.ts). */
export const THREADS_PER_BUFFER = 200;

type Typed =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray;

/** A non-empty typed array found in a value, with where it is held (to replace it in place). */
export interface HeldArray {
  holder: Record<string, unknown>;
  key: string;
  array: Typed;
}

/** Every non-empty typed array under `root` (plain objects and arrays), with where it is held. */
export function typedArraysIn(root: unknown, out: HeldArray[] = []): HeldArray[] {
  collect(root, out);
  return out;
}

function collect(root: unknown, out: HeldArray[]): void {
  if (root === null || typeof root !== 'object' || ArrayBuffer.isView(root)) return;
  const holder = root as Record<string, unknown>;
  for (const key of Object.keys(holder)) {
    const v = holder[key];
    if (ArrayBuffer.isView(v)) {
      if (!(v instanceof DataView) && v.byteLength > 0) out.push({ holder, key, array: v as Typed });
    } else collect(v, out);
  }
}

/** The buffers of every non-empty typed array under `root`, once each: a transfer list that moves them all. */
export function buffersIn(root: unknown): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const { array } of typedArraysIn(root)) if (array.buffer instanceof ArrayBuffer) out.add(array.buffer);
  return [...out];
}

/** Arrays larger than this keep their own buffer (moving them would be a copy for nothing: they move whole). */
export const COMPACT_MAX_BYTES = 64 << 10;

/** Bytes an array takes in a shared buffer: 8-byte aligned, so any element size fits. */
function alignedBytes(byteLength: number): number {
  return Math.ceil(byteLength / 8) * 8;
}

/** What an array of `byteLength` adds to an arena (0 when empty or larger than COMPACT_MAX_BYTES: not in it). */
export function arenaBytes(byteLength: number): number {
  return byteLength === 0 || byteLength > COMPACT_MAX_BYTES ? 0 : alignedBytes(byteLength);
}

/**
 * One buffer sized beforehand (the sum of arenaBytes) that growable columns finish straight into (growable.ts
 * `finish(arena)`): the builder's groups of threads, without an exact-length copy of each column first and a walk
 * over the finished objects after, as compactTypedArrays does.
 */
export class Arena {
  readonly buffer: ArrayBuffer;
  private offset = 0;
  constructor(bytes: number) {
    this.buffer = new ArrayBuffer(bytes);
  }
  /** Byte offset for an array of `byteLength`; -1 when it is not for the arena (arenaBytes 0) or does not fit. */
  take(byteLength: number): number {
    const bytes = arenaBytes(byteLength);
    if (bytes === 0 || this.offset + bytes > this.buffer.byteLength) return -1;
    const at = this.offset;
    this.offset += bytes;
    return at;
  }
}

/**
 * Replaces, in place, every non-empty typed array under `root` of at most `maxBytes` by a view into one new
 * buffer (8-byte aligned, so any element size fits). Returns that buffer, or null when there was nothing to move.
 */
export function compactTypedArrays(root: unknown, maxBytes = COMPACT_MAX_BYTES): ArrayBuffer | null {
  const found = typedArraysIn(root).filter((f) => f.array.byteLength <= maxBytes);
  if (found.length === 0) return null;
  let bytes = 0;
  for (const f of found) bytes += alignedBytes(f.array.byteLength);
  const buffer = new ArrayBuffer(bytes);
  let offset = 0;
  for (const { holder, key, array } of found) {
    const Ctor = array.constructor as new (b: ArrayBuffer, offset: number, length: number) => Typed;
    const view = new Ctor(buffer, offset, array.length);
    view.set(array);
    holder[key] = view;
    offset += alignedBytes(array.byteLength);
  }
  return buffer;
}
