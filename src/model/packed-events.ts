/**
 * Decoded events in column form: each part (a decode worker, or the single one) reads its streams in time order
 * through the decoder's column readers (src/ctf/decode/columns.ts, fields from ./event-kinds.ts) into chunks of
 * typed arrays (transferred, never cloned per event); the merger feeds them to the ModelBuilder in the decoder's
 * order (time, then global stream index) through one reused EventRecord view. Generic TraceEvents (babeltrace2's
 * reference decodings, test inputs) are packed the same way by addEvent.
 *
 * Events the builder only counts (untimed ones, and ones it reads no field of, without context) are not packed:
 * their count and time range per trace are.
 */
import type { LossRecord, TraceEvent } from '../ctf/event';
import {
  ColumnTables,
  compileSpec,
  F_CTX,
  F_FIELDS,
  F_OPT,
  F_PROCNAME,
  F_VPID,
  F_VTID,
  pushValue,
  REC_DISCARDED_EVENTS,
  REC_DISCARDED_PACKETS,
  REC_EVENT,
  REC_MASK,
  StagedRecord,
  T_BYTES,
  T_OPT,
  type CompiledSpec,
} from '../ctf/decode/columns';
import { ModelBuilder, type EvClass, type EventRecord, type ModelBuilderOptions } from './builder';
import type { TraceModel } from './types';
import { assembleModel } from './assemble';
import { Ev, modelFieldsOf } from './event-kinds';

/** The values column: grows by doubling; a record reserves room for all its values at once. */
class F64Buf {
  a = new Float64Array(4096);
  length = 0;
  push(v: number): void {
    if (this.length === this.a.length) this.reserve(1);
    this.a[this.length++] = v;
  }
  reserve(n: number): void {
    if (this.length + n <= this.a.length) return;
    const next = new Float64Array(Math.max(this.a.length * 2, this.length + n));
    next.set(this.a.subarray(0, this.length));
    this.a = next;
  }
  finish(): Float64Array {
    return this.a.slice(0, this.length);
  }
}

/**
 * The one-value-per-record columns of the chunk being filled, allocated at the chunk's size (up to
 * PREALLOCATED_RECORDS): no bounds check per value, and a full chunk takes the arrays as they are, not copies.
 */
class RecordColumns {
  readonly ts: Float64Array;
  readonly stream: Int32Array;
  readonly trace: Int32Array;
  readonly cpu: Int32Array;
  readonly name: Int32Array;
  readonly flags: Uint8Array;
  constructor(readonly capacity: number) {
    this.ts = new Float64Array(capacity);
    this.stream = new Int32Array(capacity);
    this.trace = new Int32Array(capacity);
    this.cpu = new Int32Array(capacity);
    this.name = new Int32Array(capacity);
    this.flags = new Uint8Array(capacity);
  }
  /** The first `count` records in a larger table (the columns grow by doubling past PREALLOCATED_RECORDS). */
  grown(count: number): RecordColumns {
    const next = new RecordColumns(this.capacity * 2);
    next.ts.set(this.ts.subarray(0, count));
    next.stream.set(this.stream.subarray(0, count));
    next.trace.set(this.trace.subarray(0, count));
    next.cpu.set(this.cpu.subarray(0, count));
    next.name.set(this.name.subarray(0, count));
    next.flags.set(this.flags.subarray(0, count));
    return next;
  }
}

const PREALLOCATED_RECORDS = 1 << 16;

/** Dropped-event statistics per trace, 4 numbers each. */
const D_COUNT = 0;
const D_UNTIMED = 1;
const D_MIN = 2;
const D_MAX = 3;

/**
 * A run of one decode worker's records (events and losses) in its own time order. Every array has its own
 * buffer. Names and strings are indices into the worker's tables, which grow chunk by chunk: each chunk brings
 * the entries added since the previous one.
 */
export interface PackedChunk {
  count: number;
  /** ns from the part's originNs; NaN when unknown (losses only: untimed events are not packed). */
  tsNs: Float64Array;
  /** Global stream index (the order of the whole experiment's streams; ties in time are broken by it). */
  stream: Int32Array;
  /** Trace index. */
  trace: Int32Array;
  /** cpu id; -1 for null, or for a value listed in cpuOddIndex/cpuOddValue (not a small non-negative integer). */
  cpu: Int32Array;
  cpuOddIndex: Int32Array;
  cpuOddValue: Float64Array;
  /** Index into the worker's names (events). */
  name: Int32Array;
  flags: Uint8Array;
  /** The values each record carries, in record order (context, then the fields of its class; loss count/end). */
  values: Float64Array;
  /** Names and strings added to the worker's tables since the previous chunk. */
  newNames: string[];
  newStrings: string[];
}

/** One decode worker's whole output (Node tests and the batch path). */
export interface PackedEvents {
  /** Time 0 of tsNs (and of loss end times) for this part. */
  originNs: bigint;
  chunks: PackedChunk[];
  /** Per trace: [count, untimed count, min tsNs, max tsNs] of the events not packed. */
  dropped: Float64Array;
}

export interface PackerOptions {
  traceCount: number;
  /** Global stream index of each of the experiment's (local) streams; default: the same index. */
  streamGlobal?: ArrayLike<number>;
  /** Number of local streams (for the per-stream error keys) when streamGlobal is not given. */
  streamCount?: number;
  /** Records per chunk. */
  chunkRecords?: number;
  /** Receives each full chunk (then not kept); without it, chunks are kept for finish(). */
  onChunk?: (chunk: PackedChunk) => void;
  /**
   * Per trace: keep events the model does not read even without a context (else only counted), so that they
   * reach a thread or CPU row (`keepsUnknown`: every trace but kernel ones). Default: none.
   */
  keepUnknown?: ArrayLike<boolean>;
}

/** Per trace, whether its unknown events without context go to the builder: user-space and other traces' do. */
export function keepsUnknown(traces: ReadonlyArray<{ domain: string }>): boolean[] {
  return traces.map((t) => t.domain !== 'kernel');
}

const MAX_PLAIN_CPU = 0x7fffffff;
export const DEFAULT_CHUNK_RECORDS = 1 << 16;

export class EventPacker {
  private cols: RecordColumns;
  private values = new F64Buf();
  private oddIndex: number[] = [];
  private oddValue: number[] = [];
  /** Names and strings of this part: the decoder's column readers intern into them too. */
  readonly tables = new ColumnTables(modelFieldsOf);
  private readonly specs: Array<CompiledSpec | null> = [];
  /** Staging for addEvent (generic events). */
  private readonly staged = new StagedRecord();
  private sentNames = 0;
  private sentStrings = 0;
  private readonly chunks: PackedChunk[] = [];
  private readonly chunkRecords: number;
  private readonly onChunk?: (chunk: PackedChunk) => void;
  private readonly dropped: Float64Array;
  private readonly streamGlobal: ArrayLike<number> | null;
  /** Per local stream: merge key (tsNs, -Infinity when unknown) of its last record; the trigger of its decode error. */
  readonly lastKey: Float64Array;
  readonly hasRecord: Uint8Array;
  /** Records packed, in all chunks. */
  records = 0;
  private count = 0;

  private readonly keepUnknown: Uint8Array;

  constructor(opts: PackerOptions) {
    this.dropped = new Float64Array(opts.traceCount * 4);
    for (let t = 0; t < opts.traceCount; t++) {
      this.dropped[t * 4 + D_MIN] = Infinity;
      this.dropped[t * 4 + D_MAX] = -Infinity;
    }
    this.streamGlobal = opts.streamGlobal ?? null;
    const streams = opts.streamGlobal?.length ?? opts.streamCount ?? 0;
    this.lastKey = new Float64Array(streams);
    this.hasRecord = new Uint8Array(streams);
    this.chunkRecords = Math.max(1, opts.chunkRecords ?? DEFAULT_CHUNK_RECORDS);
    this.cols = new RecordColumns(Math.min(this.chunkRecords, PREALLOCATED_RECORDS));
    this.onChunk = opts.onChunk;
    this.keepUnknown = Uint8Array.from(opts.keepUnknown ?? [], (k) => (k ? 1 : 0));
  }

  private common(tsNs: number, stream: number, trace: number, cpu: number | null, flags: number): void {
    const i = this.count;
    let cols = this.cols;
    if (i === cols.capacity) cols = this.cols = cols.grown(i);
    cols.ts[i] = tsNs;
    cols.stream[i] = this.streamGlobal === null ? stream : this.streamGlobal[stream];
    cols.trace[i] = trace;
    if (cpu === null) cols.cpu[i] = -1;
    else if (Number.isInteger(cpu) && cpu >= 0 && cpu < MAX_PLAIN_CPU) cols.cpu[i] = cpu;
    else {
      cols.cpu[i] = -1;
      this.oddIndex.push(i);
      this.oddValue.push(cpu);
    }
    cols.flags[i] = flags;
    this.records++;
    if (++this.count >= this.chunkRecords) this.cut();
  }

  private mark(stream: number, tsNs: number): void {
    this.lastKey[stream] = Number.isNaN(tsNs) ? -Infinity : tsNs;
    this.hasRecord[stream] = 1;
  }

  /** A generic event: its wanted values are taken from the TraceEvent, as the column readers take them from bytes. */
  addEvent(e: TraceEvent): void {
    const tables = this.tables;
    const rec = this.staged;
    rec.nameId = tables.nameId(e.name);
    rec.tsNs = e.tsNs;
    rec.flags = REC_EVENT;
    rec.count = 0;
    const ctx = e.ctx;
    const spec = tables.specs[rec.nameId];
    if (ctx !== null) {
      rec.flags |= F_CTX;
      if (typeof ctx.vtid === 'number') {
        rec.flags |= F_VTID;
        rec.push(ctx.vtid);
      }
      if (typeof ctx.vpid === 'number') {
        rec.flags |= F_VPID;
        rec.push(ctx.vpid);
      }
      if (typeof ctx.procname === 'string') {
        rec.flags |= F_PROCNAME;
        rec.push(tables.str(ctx.procname));
      }
    }
    const f = e.fields;
    if (f !== null && spec !== null) {
      rec.flags |= F_FIELDS;
      const { fields, types } = this.specOf(rec.nameId)!;
      for (let k = 0; k < fields.length; k++) pushValue(rec, types[k], f[fields[k]], tables);
    }
    this.addStaged(rec, e.trace, e.stream, e.cpu);
  }

  private specOf(nameId: number): CompiledSpec | null {
    const tables = this.tables;
    while (this.specs.length < tables.names.length) {
      const spec = tables.specs[this.specs.length];
      this.specs.push(spec === null ? null : compileSpec(spec));
    }
    return this.specs[nameId];
  }

  /** An event read by the column readers (or by addEvent): copied into the chunk, or counted only. */
  addStaged(rec: StagedRecord, trace: number, stream: number, cpu: number | null): void {
    const ts = rec.tsNs;
    this.mark(stream, ts);
    const d = trace * 4;
    if (
      (Number.isNaN(ts) ||
        (this.keepUnknown[trace] !== 1 && this.tables.specs[rec.nameId] === null && (rec.flags & F_CTX) === 0)) &&
      d >= 0 &&
      d < this.dropped.length
    ) {
      this.dropped[d + D_COUNT]++;
      if (Number.isNaN(ts)) this.dropped[d + D_UNTIMED]++;
      else {
        if (ts < this.dropped[d + D_MIN]) this.dropped[d + D_MIN] = ts;
        if (ts > this.dropped[d + D_MAX]) this.dropped[d + D_MAX] = ts;
      }
      return;
    }
    const values = this.values;
    const n = rec.count;
    values.reserve(n);
    const src = rec.values;
    const dst = values.a;
    let at = values.length;
    for (let k = 0; k < n; k++) dst[at++] = src[k];
    values.length = at;
    this.setName(rec.nameId);
    this.common(ts, stream, trace, cpu, rec.flags);
  }

  /** The name of the record `common` is about to add. */
  private setName(nameId: number): void {
    if (this.count === this.cols.capacity) this.cols = this.cols.grown(this.count);
    this.cols.name[this.count] = nameId;
  }

  addLoss(l: LossRecord): void {
    this.mark(l.stream, l.beginNs);
    this.values.push(l.count);
    this.values.push(l.endNs);
    this.setName(0);
    this.common(
      l.beginNs,
      l.stream,
      l.trace,
      l.cpu,
      l.kind === 'discarded-events' ? REC_DISCARDED_EVENTS : REC_DISCARDED_PACKETS,
    );
  }

  /** Close the current chunk: hand it over (onChunk) or keep it. */
  private cut(): void {
    if (this.count === 0) return;
    const n = this.count;
    const cols = this.cols;
    // A full table goes as it is; a part of one is copied out (the last chunk, or a smaller chunk size).
    const whole = n === cols.capacity;
    const chunk: PackedChunk = {
      count: n,
      tsNs: whole ? cols.ts : cols.ts.slice(0, n),
      stream: whole ? cols.stream : cols.stream.slice(0, n),
      trace: whole ? cols.trace : cols.trace.slice(0, n),
      cpu: whole ? cols.cpu : cols.cpu.slice(0, n),
      cpuOddIndex: Int32Array.from(this.oddIndex),
      cpuOddValue: Float64Array.from(this.oddValue),
      name: whole ? cols.name : cols.name.slice(0, n),
      flags: whole ? cols.flags : cols.flags.slice(0, n),
      values: this.values.finish(),
      newNames: this.tables.names.slice(this.sentNames),
      newStrings: this.tables.strings.slice(this.sentStrings),
    };
    if (whole) this.cols = new RecordColumns(Math.min(this.chunkRecords, PREALLOCATED_RECORDS));
    this.sentNames = this.tables.names.length;
    this.sentStrings = this.tables.strings.length;
    this.count = 0;
    this.values.length = 0;
    this.oddIndex = [];
    this.oddValue = [];
    if (this.onChunk) this.onChunk(chunk);
    else this.chunks.push(chunk);
  }

  /** Events seen so far, packed or not. */
  get seen(): number {
    let n = this.records;
    for (let i = 0; i < this.dropped.length; i += 4) n += this.dropped[i + D_COUNT];
    return n;
  }

  /** Cuts the last chunk; returns the kept chunks (none when they went to onChunk) and the counted-only events. */
  finish(originNs: bigint): PackedEvents {
    this.cut();
    return { originNs, chunks: this.chunks, dropped: this.dropped };
  }
}

/** The typed-array buffers of a chunk, for a transfer list. */
export function chunkTransferables(c: PackedChunk): ArrayBuffer[] {
  const set = new Set<ArrayBuffer>();
  for (const a of [c.tsNs, c.stream, c.trace, c.cpu, c.cpuOddIndex, c.cpuOddValue, c.name, c.flags, c.values]) {
    if (a.buffer instanceof ArrayBuffer && a.buffer.byteLength > 0) set.add(a.buffer);
  }
  return [...set];
}

/** The typed-array buffers of a whole part, for a transfer list. */
export function packedTransferables(p: PackedEvents): ArrayBuffer[] {
  const out = p.chunks.flatMap(chunkTransferables);
  if (p.dropped.buffer instanceof ArrayBuffer && p.dropped.byteLength > 0) out.push(p.dropped.buffer);
  return out;
}

/**
 * Time 0 of the merged parts: the earliest part origin, as openExperiment would pick over all streams. A part
 * whose streams have no clocked packet gets the metadata-only fallback (the earliest clock offset), which must
 * not win over real first times: such parts are left out unless every part is one.
 */
export function mergedOriginNs(parts: Array<{ originNs: bigint; hasPackets: boolean }>, fallbackNs: bigint): bigint {
  let origin: bigint | null = null;
  for (const p of parts) {
    const real = p.originNs !== fallbackNs || p.hasPackets;
    if (real && (origin === null || p.originNs < origin)) origin = p.originNs;
  }
  return origin ?? fallbackNs;
}

const NO_FIELDS = compileSpec([]);

/** Kinds a partition only counts when their vtid thread is another partition's (builder.othersLiveThread). */
const COUNT_ONLY_KINDS = new Uint8Array(32);
for (const k of [Ev.Other, Ev.PyCall, Ev.PyCCall, Ev.PyReturn, Ev.PyCReturn, Ev.CygEntry, Ev.CygExit])
  COUNT_ONLY_KINDS[k] = 1;

/** Steps over a record's field values: one per field, none for an absent opt, a length and bytes for bytes. */
function stepFields(p: PartCursor, nameId: number, values: Float64Array, v: number, hasOpt: boolean): number {
  const fixed = p.fixedCounts[nameId];
  if (fixed >= 0) return v + fixed;
  const types = p.specs[nameId].types;
  for (let s = 0; s < types.length; s++) {
    const type = types[s];
    if (type === T_OPT) {
      if (hasOpt) v++;
    } else if (type === T_BYTES) {
      const len = values[v++];
      if (len > 0) v += len;
    } else v++;
  }
  return v;
}

/** Merge state of one part. */
class PartCursor {
  readonly queue: PackedChunk[] = [];
  chunk: PackedChunk | null = null;
  pos = 0;
  vpos = 0;
  odd = new Map<number, number>();
  ended = false;
  dropped: Float64Array | null = null;
  readonly names: string[] = [];
  readonly strings: string[] = [];
  readonly specs: CompiledSpec[] = [];
  /** Values per record of each name when they do not vary (no opt or bytes field), else -1. */
  readonly fixedCounts: number[] = [];
  /** The builder's class of each name, resolved at its first event (the builder interns syscall names then: in time order). */
  readonly classes: Array<EvClass | undefined> = [];
  constructor(readonly shift: number) {}
}

/**
 * Feeds parts to the builder in the decoder's merge order (time, ties by global stream index) as their chunks
 * arrive: a record is merged only when every part still decoding has a record queued to compare it with.
 */
export class PackedMerger {
  private readonly parts: PartCursor[];
  private readonly keys: Float64Array;
  /** Global stream of each part's head record (with keys: what drain compares, without reaching into chunks). */
  private readonly headStreams: Int32Array;
  /** Where the current run stops (fields, not arguments: a double argument is boxed at every call). */
  private boundKey = Infinity;
  private boundStream = Infinity;
  /** One reused view of the current record: the builder reads it during addRecord only. */
  private readonly rec: EventRecord = {
    name: '',
    cls: { kind: Ev.Other, sys: -1, sysById: false },
    tsNs: 0,
    cpu: null,
    trace: 0,
    hasCtx: false,
    vtid: null,
    vpid: null,
    procname: null,
    hasFields: false,
    hasOpt: false,
    values: new Float64Array(0),
    at: 0,
    strings: [],
  };
  /** One string object per event name across parts: the builder's class cache then compares by identity. */
  private readonly canonicalNames = new Map<string, string>();
  events = 0;

  /** `partOrigins`: each part's originNs; `originNs`: the builder's time 0. */
  constructor(
    private readonly builder: ModelBuilder,
    partOrigins: bigint[],
    originNs: bigint,
    private readonly onEvent?: (events: number) => void,
  ) {
    this.parts = partOrigins.map((o) => new PartCursor(Number(o - originNs)));
    this.keys = new Float64Array(this.parts.length).fill(NaN);
    this.headStreams = new Int32Array(this.parts.length);
  }

  push(part: number, chunk: PackedChunk): void {
    const p = this.parts[part];
    for (const name of chunk.newNames) {
      let n = this.canonicalNames.get(name);
      if (n === undefined) {
        n = name;
        this.canonicalNames.set(name, name);
      }
      p.names.push(n);
      const spec = modelFieldsOf(n);
      const compiled = spec === null ? NO_FIELDS : compileSpec(spec);
      p.specs.push(compiled);
      p.fixedCounts.push(compiled.types.some((t) => t === T_OPT || t === T_BYTES) ? -1 : compiled.types.length);
    }
    for (const s of chunk.newStrings) p.strings.push(s);
    p.queue.push(chunk);
  }

  /** The part has sent its last chunk. */
  end(part: number, dropped: Float64Array): void {
    this.parts[part].ended = true;
    this.parts[part].dropped = dropped;
  }

  /**
   * Sets keys[j] to the head key of part j, loading its next chunk when needed; NaN when it has nothing queued.
   * (Written to the array, not returned: a returned double is boxed, once per run of records.)
   */
  private loadHead(j: number): void {
    const p = this.parts[j];
    let c = p.chunk;
    if (c === null || p.pos >= c.count) {
      c = p.queue.shift() ?? null;
      p.chunk = c;
      p.pos = 0;
      p.vpos = 0;
      if (c === null) {
        this.keys[j] = NaN;
        return;
      }
      p.odd.clear();
      for (let i = 0; i < c.cpuOddIndex.length; i++) p.odd.set(c.cpuOddIndex[i], c.cpuOddValue[i]);
    }
    const ts = c.tsNs[p.pos];
    this.keys[j] = Number.isNaN(ts) ? -Infinity : ts + p.shift;
    this.headStreams[j] = c.stream[p.pos];
  }

  /** Merges as far as the queued chunks allow. True when every part has ended and everything is merged. */
  drain(): boolean {
    const parts = this.parts;
    const k = parts.length;
    const keys = this.keys;
    const headStreams = this.headStreams;
    for (let j = 0; j < k; j++) if (Number.isNaN(keys[j])) this.loadHead(j);
    for (;;) {
      // The part with the first record, and the first record of the others: the best part's records go in
      // one run until they reach that bound (or its chunk ends).
      let best = -1;
      let bestKey = 0;
      let bestStream = 0;
      let boundKey = Infinity;
      let boundStream = Infinity;
      for (let j = 0; j < k; j++) {
        const key = keys[j];
        if (Number.isNaN(key)) {
          if (!parts[j].ended) return false; // wait for this part's next chunk
          continue;
        }
        const s = headStreams[j];
        if (best < 0 || key < bestKey || (key === bestKey && s < bestStream)) {
          if (best >= 0) {
            boundKey = bestKey;
            boundStream = bestStream;
          }
          best = j;
          bestKey = key;
          bestStream = s;
        } else if (key < boundKey || (key === boundKey && s < boundStream)) {
          boundKey = key;
          boundStream = s;
        }
      }
      if (best < 0) return true;
      this.boundKey = boundKey;
      this.boundStream = boundStream;
      this.run(parts[best]);
      this.loadHead(best);
    }
  }

  /** Emits the part's records of its current chunk while they come before (boundKey, boundStream). */
  private run(p: PartCursor): void {
    const boundKey = this.boundKey;
    const boundStream = this.boundStream;
    const c = p.chunk!;
    const builder = this.builder;
    const r = this.rec;
    // Columns and tables in locals: read through `c` and `p`, they were loaded again after every builder call.
    const values = c.values;
    const tsCol = c.tsNs;
    const streamCol = c.stream;
    const flagsCol = c.flags;
    const cpuCol = c.cpu;
    const nameCol = c.name;
    const traceCol = c.trace;
    const names = p.names;
    const strings = p.strings;
    const classes = p.classes;
    const shift = p.shift;
    r.values = values;
    r.strings = strings;
    const first = p.pos;
    let v = p.vpos;
    let i = first;
    let events = this.events;
    const n = c.count;
    for (; i < n; i++) {
      const rawTs = tsCol[i];
      // NaN stays NaN (shift is finite); a NaN constant in a branch here would box every event's time.
      const ts = rawTs + shift;
      if (i > first) {
        const key = Number.isNaN(rawTs) ? -Infinity : ts;
        if (!(key < boundKey || (key === boundKey && streamCol[i] < boundStream))) break;
      }
      const flags = flagsCol[i];
      let cpu: number | null = cpuCol[i];
      if (cpu === -1) cpu = p.odd.get(i) ?? null;
      const rec = flags & REC_MASK;
      if (rec === REC_EVENT) {
        const nameId = nameCol[i];
        const cls = classes[nameId] ?? (classes[nameId] = builder.classOf(names[nameId]));
        events++;
        if (
          (flags & F_VTID) !== 0 &&
          ts === ts && // timed
          COUNT_ONLY_KINDS[cls.kind] === 1 &&
          builder.othersLiveThread(values[v])
        ) {
          // Another partition's thread: step over the record's values, count it.
          v += 1 + (flags & F_VPID ? 1 : 0) + (flags & F_PROCNAME ? 1 : 0);
          if (flags & F_FIELDS) v = stepFields(p, nameId, values, v, (flags & F_OPT) !== 0);
          builder.countOnly(traceCol[i], ts);
          continue;
        }
        r.name = names[nameId];
        r.cls = cls;
        r.tsNs = ts;
        r.cpu = cpu;
        r.trace = traceCol[i];
        r.hasCtx = (flags & F_CTX) !== 0;
        r.vtid = flags & F_VTID ? values[v++] : null;
        r.vpid = flags & F_VPID ? values[v++] : null;
        r.procname = flags & F_PROCNAME ? strings[values[v++]] : null;
        r.hasFields = (flags & F_FIELDS) !== 0;
        r.hasOpt = (flags & F_OPT) !== 0;
        r.at = v;
        if (r.hasFields) v = stepFields(p, nameId, values, v, r.hasOpt);
        builder.addRecord(r);
      } else {
        const count = values[v++];
        const endNs = values[v++];
        builder.addLoss({
          kind: rec === REC_DISCARDED_EVENTS ? 'discarded-events' : 'discarded-packets',
          count,
          beginNs: ts,
          endNs: Number.isNaN(endNs) ? NaN : endNs + shift,
          trace: traceCol[i],
          stream: streamCol[i],
          cpu,
        });
      }
    }
    p.vpos = v;
    p.pos = i;
    // Progress once per run of records, not per event (the page's heartbeat reads the count).
    if (events !== this.events) {
      this.events = events;
      if (this.onEvent) this.onEvent(events);
    }
  }

  /** After drain() returned true: the events the builder only counts (their order does not matter to it). */
  finish(): void {
    for (const p of this.parts) {
      const dropped = p.dropped;
      if (!dropped) continue;
      for (let t = 0; t * 4 < dropped.length; t++) {
        const d = t * 4;
        const count = dropped[d + D_COUNT];
        if (count === 0) continue;
        this.builder.addCounted(
          t,
          count,
          dropped[d + D_UNTIMED],
          dropped[d + D_MIN] + p.shift,
          dropped[d + D_MAX] + p.shift,
        );
        this.events += count;
        if (this.onEvent) this.onEvent(this.events);
      }
    }
  }
}

/** Merges whole parts (all chunks at hand) into the builder. */
export function mergePackedInto(
  builder: ModelBuilder,
  parts: PackedEvents[],
  originNs: bigint,
  onEvent?: (events: number) => void,
): void {
  const merger = new PackedMerger(
    builder,
    parts.map((p) => p.originNs),
    originNs,
    onEvent,
  );
  parts.forEach((p, j) => {
    for (const c of p.chunks) merger.push(j, c);
    merger.end(j, p.dropped);
  });
  if (!merger.drain()) throw new Error('merge stopped with every part ended');
  merger.finish();
}

/**
 * A model from generic events (babeltrace2's reference decodings, hand-written test events): `feed` hands them,
 * and losses, to the packer in time order; they then take the one path of every model, chunks -> merger -> builder
 * (in `partitions` partitions joined by assembleModel, as the model workers would build it).
 */
export function modelFromEvents(
  opts: ModelBuilderOptions,
  feed: (packer: EventPacker) => void,
  partitions = 1,
): TraceModel {
  const packer = new EventPacker({ traceCount: opts.sources.length, keepUnknown: keepsUnknown(opts.sources) });
  feed(packer);
  const packed = packer.finish(opts.originNs);
  return assembleModel(
    Array.from({ length: partitions }, (_, index) => {
      const builder = new ModelBuilder({ ...opts, partition: { index, count: partitions } });
      mergePackedInto(builder, [packed], opts.originNs);
      return builder.finishPartition();
    }),
  );
}
