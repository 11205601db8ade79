/**
 * Moving a TraceModel from the decode worker to the page without a long main-thread task.
 *
 * Transferring the model as it is costs one ArrayBuffer per column per thread (tens of thousands for a large
 * trace) and one structured clone of everything at once: seconds of main-thread time. Instead the worker sends
 * the model without its threads, then the threads in batches; each batch packs its typed arrays into one buffer
 * (transferred) and replaces them by markers, so every message is small and is received in its own short task.
 */

const TYPED = [
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
] as const;
type Typed = InstanceType<(typeof TYPED)[number]>;
const MARK = '\u0000typed-array';

export interface PackedValue<T> {
  /** The value with every typed array replaced by MARK. */
  skeleton: T;
  /** Per typed array, in walk order: type index into TYPED, byte offset in `bytes`, element count. */
  layout: Float64Array;
  bytes: ArrayBuffer;
}

function typeIndex(v: unknown): number {
  if (!ArrayBuffer.isView(v)) return -1;
  for (let i = 0; i < TYPED.length; i++) if (v instanceof TYPED[i]) return i;
  return -1;
}

function strip(value: unknown, found: Typed[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (typeIndex(value) >= 0) {
    found.push(value as Typed);
    return MARK;
  }
  if (Array.isArray(value)) return value.map((v) => strip(v, found));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = strip((value as Record<string, unknown>)[key], found);
  return out;
}

/** Pack a value (plain objects, arrays, primitives, typed arrays) into a skeleton and one buffer. */
export function packValue<T>(value: T): PackedValue<T> {
  const found: Typed[] = [];
  const skeleton = strip(value, found) as T;
  const layout = new Float64Array(found.length * 3);
  let bytesTotal = 0;
  found.forEach((a, i) => {
    bytesTotal = Math.ceil(bytesTotal / 8) * 8; // every element size divides 8
    layout[i * 3] = typeIndex(a);
    layout[i * 3 + 1] = bytesTotal;
    layout[i * 3 + 2] = a.length;
    bytesTotal += a.byteLength;
  });
  const bytes = new ArrayBuffer(bytesTotal);
  const u8 = new Uint8Array(bytes);
  found.forEach((a, i) => u8.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), layout[i * 3 + 1]));
  return { skeleton, layout, bytes };
}

/** Inverse of packValue: typed arrays become views into the one received buffer (no copy). */
export function unpackValue<T>(packed: PackedValue<T>): T {
  let next = 0;
  const restore = (value: unknown): unknown => {
    if (value === MARK) {
      const i = next++;
      const Ctor = TYPED[packed.layout[i * 3]];
      return new Ctor(packed.bytes, packed.layout[i * 3 + 1], packed.layout[i * 3 + 2]);
    }
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = restore(value[i]);
      return value;
    }
    const o = value as Record<string, unknown>;
    for (const key of Object.keys(o)) o[key] = restore(o[key]);
    return o;
  };
  return restore(packed.skeleton) as T;
}

/** Entries per message: keeps each message's receipt well under 50 ms (a thread holds ~12 columns). */
export const PART_BATCH = { threads: 200, processes: 2000, losses: 2000, cpus: 16 } as const;
