/**
 * The trace schema: what the metadata says, independent of its syntax.
 *
 * Both metadata front ends produce it: `tsdl/` (CTF 1.8 TSDL text) and `ctf2/` (CTF 2 JSON fragments).
 * The binary decoder (`decode/`) only ever reads this, never TSDL or JSON. Everything here is plain data
 * (no classes, no functions), so a schema can be structured-cloned to a worker.
 *
 * Conventions:
 * - Sizes and alignments are in bits.
 * - Field names are the raw names as written in the metadata (CTF 1.8: leading `_` kept). Readers that show
 *   names strip one leading underscore (`displayName` in decode/), as babeltrace2 does.
 * - Every length / selector reference is resolved by the front end to an absolute `FieldLocation`.
 */

export type ByteOrder = 'le' | 'be';

/**
 * CTF 2 `bit-order` of a fixed-length field. Only set when it is not the byte order's default
 * (first-to-last for 'le', last-to-first for 'be'); absent means the default, the only CTF 1.8 layout.
 */
export type BitOrder = 'first-to-last' | 'last-to-first';

/** Where an already-decoded field lives: a root scope and the names from that root. */
export type ScopeName =
  | 'packet.header'
  | 'packet.context'
  | 'event.header'
  | 'event.common-context' // CTF 1.8 `stream.event.context`
  | 'event.specific-context' // CTF 1.8 `event.context`
  | 'event.payload'; // CTF 1.8 `event.fields`

export interface FieldLocation {
  scope: ScopeName;
  /**
   * Raw member names from the scope's root struct. Inside arrays, the element being decoded is meant.
   * Arrays, sequences, variants and optionals add no name: a path crosses them to the current element, the
   * chosen option or the present value (e.g. ['v', 'id'] is `id` in whichever struct option of variant `v`).
   */
  path: string[];
}

/**
 * Roles tell the decoder what a field means (CTF 2 roles; the TSDL front end assigns them from LTTng's
 * well-known names: magic, uuid, stream_id, stream_instance_id, timestamp_begin, timestamp_end, content_size,
 * packet_size, packet_seq_num, events_discarded, id, timestamp).
 */
export type Role =
  | 'packet-magic-number'
  | 'metadata-stream-uuid'
  | 'data-stream-class-id'
  | 'data-stream-id'
  | 'default-clock-timestamp'
  | 'packet-end-default-clock-timestamp'
  | 'packet-content-length'
  | 'packet-total-length'
  | 'packet-sequence-number'
  | 'discarded-event-record-counter-snapshot'
  | 'event-record-class-id';

export type TextEncoding = 'utf-8' | 'ascii' | 'utf-16be' | 'utf-16le' | 'utf-32be' | 'utf-32le';

export interface IntegerClass {
  kind: 'int';
  size: number; // 1..64
  align: number;
  signed: boolean;
  byteOrder: ByteOrder;
  /** CTF 2 only, when not the byte order's default. */
  bitOrder?: BitOrder;
  /** Preferred display base: 2, 8, 10, 16. */
  base: number;
  /** Set for 8-bit integers marked UTF8/ASCII in TSDL: arrays/sequences of them are text. */
  encoding?: TextEncoding;
  /** Name of the clock class this integer's value updates (TSDL `map = clock.X.value`). */
  mappedClock?: string;
  roles?: Role[];
  /** Enumeration mappings (TSDL enum, CTF 2 integer `mappings`). Ranges are inclusive. */
  mappings?: EnumMapping[];
}

export interface EnumMapping {
  label: string;
  /** Inclusive [lo, hi] pairs. bigint only where a bound does not fit in a double exactly. */
  ranges: Array<[number | bigint, number | bigint]>;
}

/** Variable-length (LEB128) integer, CTF 2 only. Byte aligned. */
export interface VarIntClass {
  kind: 'varint';
  signed: boolean;
  base: number;
  roles?: Role[];
  mappings?: EnumMapping[];
}

export interface FloatClass {
  kind: 'float';
  size: 16 | 32 | 64 | 128;
  align: number;
  byteOrder: ByteOrder;
  /** CTF 2 only, when not the byte order's default. */
  bitOrder?: BitOrder;
}

export interface BoolClass {
  kind: 'bool';
  size: number;
  align: number;
  byteOrder: ByteOrder;
  /** CTF 2 only, when not the byte order's default. */
  bitOrder?: BitOrder;
}

/** Fixed-length bit array / bit map (CTF 2); decoded as an unsigned integer. */
export interface BitArrayClass {
  kind: 'bitarray';
  size: number;
  align: number;
  byteOrder: ByteOrder;
  /** CTF 2 only, when not the byte order's default. */
  bitOrder?: BitOrder;
  /** CTF 2 bit map flags: each range is a range of bit indexes (0 = least significant) that are set. */
  flags?: EnumMapping[];
}

/** NUL-terminated string. */
export interface StringClass {
  kind: 'string';
  encoding: TextEncoding;
}

/** CTF 2 static-length-string: `length` bytes, text ends at the first NUL. */
export interface StaticStringClass {
  kind: 'static-string';
  length: number;
  encoding: TextEncoding;
}

/** CTF 2 dynamic-length-string: length in bytes from an earlier field. */
export interface DynamicStringClass {
  kind: 'dynamic-string';
  length: FieldLocation;
  encoding: TextEncoding;
}

export interface BlobClass {
  kind: 'blob';
  /** Static length in bytes, or a location for dynamic-length BLOBs. */
  length: number | FieldLocation;
  roles?: Role[];
}

export interface StructMember {
  /** Raw name as in the metadata. */
  name: string;
  type: FieldClass;
}

export interface StructClass {
  kind: 'struct';
  /** Minimum alignment (explicit `align(N)` / `minimum-alignment`); the effective alignment also takes members. */
  minAlign: number;
  members: StructMember[];
}

export interface ArrayClass {
  kind: 'array';
  length: number;
  element: FieldClass;
  minAlign: number;
}

export interface SequenceClass {
  kind: 'sequence';
  length: FieldLocation;
  element: FieldClass;
  minAlign: number;
}

export interface VariantOption {
  name: string;
  type: FieldClass;
  /** CTF 2: integer ranges of the selector that pick this option. CTF 1.8: absent (picked by enum label). */
  ranges?: Array<[number | bigint, number | bigint]>;
}

export interface VariantClass {
  kind: 'variant';
  selector: FieldLocation;
  options: VariantOption[];
}

/** CTF 2 optional: present when the selector (bool, or integer within ranges) says so. */
export interface OptionalClass {
  kind: 'optional';
  selector: FieldLocation;
  ranges?: Array<[number | bigint, number | bigint]>;
  type: FieldClass;
}

export type FieldClass =
  | IntegerClass
  | VarIntClass
  | FloatClass
  | BoolClass
  | BitArrayClass
  | StringClass
  | StaticStringClass
  | DynamicStringClass
  | BlobClass
  | StructClass
  | ArrayClass
  | SequenceClass
  | VariantClass
  | OptionalClass;

export interface ClockClass {
  name: string;
  /** Hz. */
  freq: number;
  /** Offset from the origin: whole seconds plus cycles (cycles may be negative or >= freq before normalising). */
  offsetSeconds: bigint;
  offsetCycles: bigint;
  uuid?: string;
  description?: string;
  /** True when the origin is the Unix epoch (CTF 2 `unix-epoch`, or TSDL `absolute`, or an LTTng `monotonic`). */
  originIsUnixEpoch: boolean;
}

export interface EventClass {
  id: number;
  streamClassId: number;
  name: string;
  /** TSDL `loglevel` / CTF 2 log-level attribute, if any. */
  logLevel?: number | string;
  specificContext?: StructClass;
  payload?: StructClass;
  /**
   * TSDL: `specificContext` and `payload` are resolved on first read (getters), when the class's first event is
   * decoded: an LTTng kernel metadata declares over a thousand classes and a trace uses a few dozen. Only classes
   * whose resolution cannot fail are deferred (no sequence, variant or odd struct alignment): they hold no field
   * locations and nothing `checkSchemaLimits` refuses, so whole-schema passes skip them without reading them.
   */
  deferred?: true;
}

export interface StreamClass {
  id: number;
  /** Name of the clock class of this stream, if any. */
  clock?: string;
  packetContext?: StructClass;
  eventHeader?: StructClass;
  eventCommonContext?: StructClass;
  /** Event classes of this stream, by id. */
  events: Map<number, EventClass>;
}

export interface TraceSchema {
  /** 'ctf-1.8' or 'ctf-2'. */
  version: '1.8' | '2';
  byteOrder: ByteOrder;
  uuid?: Uint8Array;
  packetHeader?: StructClass;
  /** `env {}` / trace-class `environment`. */
  env: Record<string, string | number | bigint>;
  clocks: Map<string, ClockClass>;
  streams: Map<number, StreamClass>;
  /** What the metadata allows but makes the picture doubtful (a name used by two event classes, ...). */
  warnings?: string[];
}
