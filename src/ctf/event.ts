/**
 * What the decoder hands to its users (the model builder, the dump CLI, the conformance test).
 *
 * Field values follow the shape of the corpus reference decodings (`../shared/corpus/README.md`), so a decoded
 * event compares with babeltrace2's output field by field:
 * - integers are `number` when within ±2^53, else `bigint`;
 * - enumerations are `{ enum: value, labels: [...] }`, variants `{ variant: optionName, value }`;
 * - arrays and sequences are arrays, and text arrays / sequences / strings are `string`;
 * - structs are plain objects keyed by display name (one leading `_` stripped, CTF 1.8 rule);
 * - BLOBs are `Uint8Array`, booleans `boolean`, absent optionals `null`.
 */

export interface EnumValue {
  enum: number | bigint;
  labels: string[];
}

export interface VariantValue {
  variant: string;
  value: FieldValue;
}

export type FieldValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | Uint8Array
  | EnumValue
  | VariantValue
  | FieldValue[]
  | { [name: string]: FieldValue };

export type FieldStruct = { [name: string]: FieldValue };

export interface TraceEvent {
  /** Event class name (`sched_switch`, `python:call`, `lttng_ust_cyg_profile:func_entry`...). */
  name: string;
  /**
   * Time in nanoseconds relative to `Experiment.originNs` (Float64: exact for spans up to ~104 days).
   * NaN when the stream has no clock.
   */
  tsNs: number;
  /** Packet context `cpu_id`, or null. */
  cpu: number | null;
  /** Stream event context (LTTng's `vpid`, `vtid`, `procname`, `ip`), or null. */
  ctx: FieldStruct | null;
  /** Event (specific) context, or null. */
  ectx: FieldStruct | null;
  /** Payload, or null when the event class has none. */
  fields: FieldStruct | null;
  /** Index of the trace in `Experiment.traces`. */
  trace: number;
  /** Index of the stream file in `Experiment.streams`. */
  stream: number;
}

/** Events the tracer reported lost: from `events_discarded` deltas and `packet_seq_num` gaps. */
export interface LossRecord {
  kind: 'discarded-events' | 'discarded-packets';
  count: number;
  /** Time range in which the loss happened, ns relative to `Experiment.originNs` (NaN if unknown). */
  beginNs: number;
  endNs: number;
  trace: number;
  stream: number;
  /** CPU of the stream's packets, if known. */
  cpu: number | null;
  /** The range ends before it begins (damaged packet context): the loss is real, its place is not known. */
  damaged?: boolean;
}

/** A loss range that ends before it begins comes from a damaged packet context: flag it, never draw it as is. */
export function isDamagedLoss(l: { beginNs: number; endNs: number }): boolean {
  return l.endNs < l.beginNs;
}

export type TraceDomain = 'kernel' | 'ust' | 'other';
