/**
 * Column readers: per event class, a reader compiled from a table of wanted fields (the model's, in
 * src/model/event-kinds.ts) that writes only those payload fields and the vtid / vpid / procname context values
 * as numbers into a staged record, and only moves the cursor over everything else. No TraceEvent, no object per
 * event or per field: strings become ids in tables shared by the streams of one decoding run.
 *
 * Values are converted exactly as the packer converts a generic TraceEvent (packed-events.ts): numbers (bigints,
 * enum values) as `Number`, anything else NaN; strings as ids, anything else ''; `opt` present or not; `bytes`
 * as a length then the bytes (-1: not a byte list). A test compares models built both ways.
 */
import type { FieldValue } from '../event';
import type { StructClass } from '../schema';
import { compileField, displayName, type CompileEnv, type Dec, alignOf } from './compile';
import type { Cursor } from './cursor';

export type ColumnPick = 'num' | 'str' | 'opt' | 'bytes';
/** Wanted payload fields of an event class, in the order their values are written. */
export type ColumnSpec = ReadonlyArray<readonly [string, ColumnPick]>;
/** Wanted fields per event name; null: the payload is not read (the event is counted, or read for its context only). */
export type ColumnSpecOf = (eventName: string) => ColumnSpec | null;

/** Record flags: bits 0-1 the record type, then what the event carries. */
export const REC_EVENT = 0;
export const REC_DISCARDED_EVENTS = 1;
export const REC_DISCARDED_PACKETS = 2;
export const REC_MASK = 3;
export const F_CTX = 4;
export const F_VTID = 8;
export const F_VPID = 16;
export const F_PROCNAME = 32;
export const F_FIELDS = 64;
export const F_OPT = 128;

/** Event names and strings of one decoding run, interned (ids are what records hold). */
export class ColumnTables {
  readonly names: string[] = [];
  readonly specs: Array<ColumnSpec | null> = [];
  private readonly nameIds = new Map<string, number>();
  readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();

  /** `readContext`: false to skip the common context too (counting only). */
  constructor(
    readonly specOf: ColumnSpecOf,
    readonly readContext = true,
  ) {}

  nameId(name: string): number {
    let id = this.nameIds.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.nameIds.set(name, id);
      this.specs.push(this.specOf(name));
    }
    return id;
  }

  str(v: FieldValue | undefined): number {
    const s = typeof v === 'string' ? v : '';
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    return id;
  }
}

/** One decoded event held by its stream until the merge emits it: flags and values, as a packed record. */
export class StagedRecord {
  nameId = 0;
  tsNs = 0;
  flags = 0;
  values = new Float64Array(64);
  count = 0;
  push(v: number): void {
    if (this.count === this.values.length) {
      const next = new Float64Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    this.values[this.count++] = v;
  }
}

export function numOf(v: FieldValue | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v !== null && typeof v === 'object' && 'enum' in v) return Number((v as { enum: number | bigint }).enum);
  return NaN;
}

/** Codes of the ColumnPick types in CompiledSpec.types. */
export const T_NUM = 0;
export const T_STR = 1;
export const T_OPT = 2;
export const T_BYTES = 3;
const TYPE_CODE: Record<ColumnPick, number> = { num: T_NUM, str: T_STR, opt: T_OPT, bytes: T_BYTES };

/** Writes one wanted value of a record (the packer's conversions). */
export function pushValue(rec: StagedRecord, type: number, v: FieldValue | undefined, tables: ColumnTables): void {
  if (type === T_NUM) rec.push(numOf(v));
  else if (type === T_STR) rec.push(tables.str(v));
  else if (type === T_OPT) {
    if (v !== undefined) {
      rec.flags |= F_OPT;
      rec.push(numOf(v));
    }
  } else if (Array.isArray(v)) {
    rec.push(v.length);
    for (const b of v) rec.push(numOf(b));
  } else if (v instanceof Uint8Array) {
    rec.push(v.length);
    for (const b of v) rec.push(b);
  } else rec.push(-1);
}

/** A spec as parallel arrays (no tuple destructuring on the hot path). */
export interface CompiledSpec {
  fields: string[];
  types: Uint8Array;
}

export function compileSpec(spec: ColumnSpec): CompiledSpec {
  return { fields: spec.map(([f]) => f), types: Uint8Array.from(spec.map(([, t]) => TYPE_CODE[t])) };
}

/** Reads one scope (a struct) into the record; returns whether the scope exists. */
export type ScopeReader = (c: Cursor, rec: StagedRecord, tables: ColumnTables) => void;

/**
 * A struct whose members named in `wanted` are decoded (into `vals[k]`, k their index in `wanted`) and the others
 * only skipped. `outEnv`/`skipEnv`: the scope's compile environment with out = true / false.
 */
function pickStruct(
  cls: StructClass,
  wanted: string[],
  outEnv: CompileEnv,
  skipEnv: CompileEnv,
): (c: Cursor, vals: Array<FieldValue | undefined>) => void {
  const m = alignOf(cls) - 1;
  const n = cls.members.length;
  const slotOfMember = new Int32Array(n).fill(-1);
  const decs: Dec[] = cls.members.map((mm, i) => {
    const k = wanted.indexOf(displayName(mm.name));
    slotOfMember[i] = k;
    return compileField(mm.type, [mm.name], k >= 0 ? outEnv : skipEnv);
  });
  return (c, vals) => {
    c.pos = (c.pos + m) & ~m;
    for (let i = 0; i < n; i++) {
      const k = slotOfMember[i];
      if (k < 0) decs[i](c);
      else vals[k] = decs[i](c);
    }
  };
}

const CTX_FIELDS = ['vtid', 'vpid', 'procname'];

/** The common context reader: vtid, vpid, procname (when they are of the type the model reads). */
export function compileContextReader(cls: StructClass, outEnv: CompileEnv, skipEnv: CompileEnv): ScopeReader {
  const read = pickStruct(cls, CTX_FIELDS, outEnv, skipEnv);
  const vals: Array<FieldValue | undefined> = [undefined, undefined, undefined];
  return (c, rec, tables) => {
    vals[0] = vals[1] = vals[2] = undefined;
    read(c, vals);
    rec.flags |= F_CTX;
    const vtid = vals[0];
    const vpid = vals[1];
    const procname = vals[2];
    if (typeof vtid === 'number') {
      rec.flags |= F_VTID;
      rec.push(vtid);
    }
    if (typeof vpid === 'number') {
      rec.flags |= F_VPID;
      rec.push(vpid);
    }
    if (typeof procname === 'string') {
      rec.flags |= F_PROCNAME;
      rec.push(tables.str(procname));
    }
  };
}

/** The payload reader of an event class the table names fields for. */
export function compilePayloadReader(
  cls: StructClass,
  spec: ColumnSpec,
  outEnv: CompileEnv,
  skipEnv: CompileEnv,
): ScopeReader {
  const { fields, types } = compileSpec(spec);
  const read = pickStruct(cls, fields, outEnv, skipEnv);
  const vals: Array<FieldValue | undefined> = new Array(fields.length).fill(undefined);
  return (c, rec, tables) => {
    vals.fill(undefined);
    read(c, vals);
    rec.flags |= F_FIELDS;
    for (let k = 0; k < fields.length; k++) pushValue(rec, types[k], vals[k], tables);
  };
}
