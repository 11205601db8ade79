/**
 * Length checks shared by every field reader (the generic closures of compile.ts and the per-event-class column
 * readers): a length read from the trace or the metadata is checked against the bits left in the packet before
 * any element is read, so a damaged `uuid[4294967295]` or a sequence length of 2^31 is an error at once instead
 * of a loop over billions of elements.
 */
import { CtfError } from '../errors';
import type { FieldClass, StructClass, TraceSchema } from '../schema';
import type { Cursor } from './cursor';

/**
 * Largest alignment the readers take (bits): positions and alignment masks are 32-bit integer arithmetic
 * (`(pos + m) & ~m`), so a larger one would wrap and move the cursor backwards, for ever.
 */
export const MAX_ALIGN_BITS = 2 ** 30;

/** A decoding fault inside a packet; the stream decoder adds the file, the packet and the byte offset. */
export class DecodeFault extends Error {
  /** Bit position in the packet where the faulty field starts, when known. */
  readonly bitPos?: number;
  constructor(message: string, bitPos?: number) {
    super(message);
    this.bitPos = bitPos;
  }
}

/**
 * The fewest bits a field of this class can take (alignment padding not counted): a lower bound, so that
 * `length * minBits(element)` bits must be left for an array to be possible.
 */
export function minBits(cls: FieldClass): number {
  switch (cls.kind) {
    case 'int':
    case 'float':
    case 'bool':
    case 'bitarray':
      return cls.size;
    case 'varint':
      return 8;
    case 'string':
      return cls.encoding.startsWith('utf-16') ? 16 : cls.encoding.startsWith('utf-32') ? 32 : 8;
    case 'static-string':
      return cls.length * 8;
    case 'blob':
      return typeof cls.length === 'number' ? cls.length * 8 : 0;
    case 'struct': {
      let n = 0;
      for (const m of cls.members) n += minBits(m.type);
      return n;
    }
    case 'array':
      return cls.length * minBits(cls.element);
    case 'variant': {
      let n = Infinity;
      for (const o of cls.options) n = Math.min(n, minBits(o.type));
      return n === Infinity ? 0 : n;
    }
    case 'dynamic-string':
    case 'sequence':
    case 'optional':
      return 0;
  }
}

/** Bits left between the cursor and the end of the packet's content (or of the data, before the packet size is known). */
export function bitsLeft(c: Cursor): number {
  return c.endBits - c.pos;
}

/**
 * Throws unless `count` elements of at least `elemMinBits` bits each fit in what is left of the packet.
 * Elements that can be empty count as one bit: a count above the bits left cannot be real data, and
 * looping over it would be as slow as a hang.
 */
export function checkCount(c: Cursor, count: number, elemMinBits: number, field: string): void {
  const left = c.endBits - c.pos;
  const need = count * Math.max(elemMinBits, 1);
  if (need > left) {
    const unit = elemMinBits > 1 ? ` of ${elemMinBits} bits` : '';
    throw new DecodeFault(
      `${field}: length ${count}${unit} needs at least ${need} bits, only ${Math.max(left, 0)} are left in the packet`,
      c.pos,
    );
  }
}

/** A length value read from another field (sequence, dynamic string or BLOB), checked; throws when impossible. */
export function checkedLength(c: Cursor, v: number | bigint | undefined, elemMinBits: number, field: string): number {
  if (typeof v !== 'number') {
    if (v === undefined) throw new DecodeFault(`${field}: length field not decoded before it`, c.pos);
    throw new DecodeFault(`${field}: length ${v} is too large for any packet`, c.pos);
  }
  if (v < 0 || !Number.isInteger(v)) throw new DecodeFault(`${field}: invalid length ${v}`, c.pos);
  checkCount(c, v, elemMinBits, field);
  return v;
}

/** Throws when the cursor went past the end of the packet (elements larger than their minimum, read in a loop). */
export function checkInside(c: Cursor, field: string): void {
  if (c.pos > c.endBits)
    throw new DecodeFault(`${field} goes beyond the end of the packet (bit ${c.pos} of ${c.endBits})`, c.pos);
}

/** The name of a field in messages: `event.payload: msg.uuid`. */
export function fieldName(scope: string, path: string[]): string {
  return path.length === 0 ? scope : `${scope} field '${path.join('.')}'`;
}

/**
 * The metadata's sizes and alignments that the readers cannot take, refused once before decoding: an alignment
 * that is not a power of two up to MAX_ALIGN_BITS, an integer of 0 or more than 64 bits.
 */
export function checkSchemaLimits(schema: TraceSchema): void {
  const visit = (cls: FieldClass, where: string): void => {
    const bad = (what: string) => {
      throw new CtfError(`${where}: ${what}`);
    };
    const align = (a: number, what: string) => {
      if (!Number.isInteger(a) || a < 1 || a > MAX_ALIGN_BITS || (a & (a - 1)) !== 0) {
        bad(`${what} ${a} bits is not supported (a power of two up to 2^30 bits)`);
      }
    };
    switch (cls.kind) {
      case 'int':
      case 'bool':
      case 'bitarray':
        if (!Number.isInteger(cls.size) || cls.size < 1 || cls.size > 64)
          bad(`integer size ${cls.size} bits is not from 1 to 64`);
        align(cls.align, 'alignment');
        return;
      case 'float':
        align(cls.align, 'alignment');
        return;
      case 'struct':
        align(Math.max(1, cls.minAlign), 'minimum alignment');
        for (const m of cls.members) visit(m.type, `${where}.${m.name}`);
        return;
      case 'array':
      case 'sequence':
        align(Math.max(1, cls.minAlign), 'minimum alignment');
        visit(cls.element, where);
        return;
      case 'variant':
        for (const o of cls.options) visit(o.type, `${where}.${o.name}`);
        return;
      case 'optional':
        visit(cls.type, where);
        return;
      default:
        return;
    }
  };
  const scope = (cls: StructClass | undefined, where: string) => {
    if (cls) visit(cls, where);
  };
  scope(schema.packetHeader, 'packet header');
  for (const sc of schema.streams.values()) {
    scope(sc.packetContext, `stream class ${sc.id} packet context`);
    scope(sc.eventHeader, `stream class ${sc.id} event header`);
    scope(sc.eventCommonContext, `stream class ${sc.id} event context`);
    for (const ev of sc.events.values()) {
      if (ev.deferred) continue; // within these limits by construction (EventClass.deferred)
      scope(ev.specificContext, `event '${ev.name}' context`);
      scope(ev.payload, `event '${ev.name}' payload`);
    }
  }
}
