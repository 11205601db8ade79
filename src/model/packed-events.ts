/**
 * Decoded events in column form, for the worker pool: each decode worker decodes a subset of the stream files
 * and packs what the model reads into typed arrays (transferred, never cloned per event); the model worker
 * merges the parts by time and feeds the ModelBuilder with one reused TraceEvent.
 *
 * Only what ModelBuilder reads is kept: for every event the name, time, cpu, trace and the `vtid`, `vpid`,
 * `procname` context values (with their type, since the builder tests `typeof`), and per event class the
 * payload fields it reads (numbers as `num()` would read them, strings as string-table ids). Events the builder
 * only counts (untimed ones, and unclassified ones without context) are not packed: their count and time range
 * per trace are, and are replayed into the builder (order does not matter for what it does with them).
 *
 * The class list mirrors ModelBuilder.classifyUncached: the pool tests compare the models built both ways.
 */
import type { FieldStruct, FieldValue, LossRecord, TraceEvent } from '../ctf/event';
import type { ModelBuilder } from './builder';

/**
 * Growable buffers, one class per element type: a store into a typed array whose kind varies at one site is
 * megamorphic and costs several times more than the rest of packing.
 */
class F64Buf {
  a = new Float64Array(4096);
  length = 0;
  push(v: number): number {
    if (this.length === this.a.length) this.grow();
    this.a[this.length] = v;
    return this.length++;
  }
  private grow(): void {
    const next = new Float64Array(this.a.length * 2);
    next.set(this.a);
    this.a = next;
  }
  finish(): Float64Array {
    return this.a.slice(0, this.length);
  }
}

class I32Buf {
  a = new Int32Array(4096);
  length = 0;
  push(v: number): void {
    if (this.length === this.a.length) this.grow();
    this.a[this.length++] = v;
  }
  private grow(): void {
    const next = new Int32Array(this.a.length * 2);
    next.set(this.a);
    this.a = next;
  }
  finish(): Int32Array {
    return this.a.slice(0, this.length);
  }
}

class U8Buf {
  a = new Uint8Array(4096);
  length = 0;
  push(v: number): void {
    if (this.length === this.a.length) this.grow();
    this.a[this.length++] = v;
  }
  private grow(): void {
    const next = new Uint8Array(this.a.length * 2);
    next.set(this.a);
    this.a = next;
  }
  finish(): Uint8Array {
    return this.a.slice(0, this.length);
  }
}

type FieldType = 'num' | 'str' | 'opt' | 'bytes';
type Spec = ReadonlyArray<readonly [string, FieldType]>;

const NONE: Spec = [];
const SPECS = {
  schedSwitch: [['prev_tid', 'num'], ['next_tid', 'num'], ['prev_comm', 'str'], ['next_comm', 'str'], ['prev_state', 'num']],
  wakeup: [['tid', 'num'], ['comm', 'str'], ['target_cpu', 'num']],
  fork: [['parent_tid', 'num'], ['child_tid', 'num'], ['parent_pid', 'num'], ['parent_comm', 'str'], ['child_pid', 'num'], ['child_comm', 'str']],
  exec: [['tid', 'num'], ['filename', 'str']],
  tid: [['tid', 'num']],
  procState: [['tid', 'num'], ['name', 'str'], ['pid', 'num'], ['status', 'num'], ['cpu', 'num']],
  sysExit: [['ret', 'num']],
  pyCall: [['co_name', 'str'], ['co_filename', 'str'], ['co_firstlineno', 'num'], ['lineno', 'num']],
  cyg: [['addr', 'num']],
  binInfo: [['baddr', 'num'], ['memsz', 'num'], ['path', 'str'], ['sopath', 'str'], ['is_pic', 'opt']],
  buildId: [['baddr', 'num'], ['build_id', 'bytes']],
  debugLink: [['baddr', 'num'], ['filename', 'str'], ['crc', 'num']],
  baddr: [['baddr', 'num']],
  procname: [['procname', 'str']],
} satisfies Record<string, Spec>;

/** Fields the builder reads for an event name; null when it reads none and only counts it (unless it has a context). */
export function packedFieldsOf(name: string): Spec | null {
  switch (name) {
    case 'sched_switch':
      return SPECS.schedSwitch;
    case 'sched_waking':
    case 'sched_wakeup':
    case 'sched_wakeup_new':
      return SPECS.wakeup;
    case 'sched_process_fork':
      return SPECS.fork;
    case 'sched_process_exec':
      return SPECS.exec;
    case 'sched_process_free':
      return SPECS.tid;
    case 'lttng_statedump_process_state':
      return SPECS.procState;
    case 'exit_syscall':
      return SPECS.sysExit;
    case 'irq_handler_entry':
    case 'irq_handler_exit':
    case 'irq_softirq_entry':
    case 'softirq_entry':
    case 'irq_softirq_exit':
    case 'softirq_exit':
    case 'python:return':
    case 'python:c_return':
    case 'lttng_ust_statedump:start':
      return NONE;
    case 'python:call':
    case 'python:c_call':
      return SPECS.pyCall;
    case 'lttng_ust_cyg_profile:func_entry':
    case 'lttng_ust_cyg_profile_fast:func_entry':
    case 'lttng_ust_cyg_profile:func_exit':
    case 'lttng_ust_cyg_profile_fast:func_exit':
      return SPECS.cyg;
    case 'lttng_ust_statedump:bin_info':
    case 'lttng_ust_statedump:soinfo':
    case 'lttng_ust_dl:dlopen':
    case 'lttng_ust_dl:dlmopen':
      return SPECS.binInfo;
    case 'lttng_ust_statedump:build_id':
    case 'lttng_ust_dl:build_id':
      return SPECS.buildId;
    case 'lttng_ust_statedump:debug_link':
    case 'lttng_ust_dl:debug_link':
      return SPECS.debugLink;
    case 'lttng_ust_dl:dlclose':
      return SPECS.baddr;
    case 'lttng_ust_statedump:procname':
      return SPECS.procname;
  }
  if (name.startsWith('syscall_exit_') || name.startsWith('compat_syscall_exit_')) return SPECS.sysExit;
  if (name.startsWith('syscall_entry_') || name.startsWith('compat_syscall_entry_')) return NONE;
  if (name.startsWith('sys_') || name.startsWith('compat_sys_')) return NONE;
  return null;
}

const T_NUM = 0;
const T_STR = 1;
const T_OPT = 2;
const T_BYTES = 3;
const TYPE_CODE: Record<FieldType, number> = { num: T_NUM, str: T_STR, opt: T_OPT, bytes: T_BYTES };

/** A spec as two parallel arrays (no tuple destructuring on the hot path). */
interface CompiledSpec {
  fields: string[];
  types: Uint8Array;
}

function compileSpec(spec: Spec | null): CompiledSpec | null {
  if (spec === null) return null;
  return { fields: spec.map(([f]) => f), types: Uint8Array.from(spec.map(([, t]) => TYPE_CODE[t])) };
}

/** Record flags: bits 0-1 the record type, then what the event carries. */
const REC_EVENT = 0;
const REC_DISCARDED_EVENTS = 1;
const REC_DISCARDED_PACKETS = 2;
const REC_MASK = 3;
const F_CTX = 4;
const F_VTID = 8;
const F_VPID = 16;
const F_PROCNAME = 32;
const F_FIELDS = 64;
const F_OPT = 128;

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
  /** Global stream index of each of the experiment's (local) streams. */
  streamGlobal: ArrayLike<number>;
  /** Records per chunk. */
  chunkRecords?: number;
  /** Receives each full chunk (then not kept); without it, chunks are kept for finish(). */
  onChunk?: (chunk: PackedChunk) => void;
}

function num(v: FieldValue | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v !== null && typeof v === 'object' && 'enum' in v) return Number((v as { enum: number | bigint }).enum);
  return NaN;
}

const MAX_PLAIN_CPU = 0x7fffffff;
export const DEFAULT_CHUNK_RECORDS = 1 << 16;

export class EventPacker {
  private ts = new F64Buf();
  private stream = new I32Buf();
  private trace = new I32Buf();
  private cpu = new I32Buf();
  private name = new I32Buf();
  private flags = new U8Buf();
  private values = new F64Buf();
  private oddIndex: number[] = [];
  private oddValue: number[] = [];
  private readonly names: string[] = [];
  private readonly nameIds = new Map<string, number>();
  private readonly specs: Array<CompiledSpec | null> = [];
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  private sentNames = 0;
  private sentStrings = 0;
  private readonly chunks: PackedChunk[] = [];
  private readonly chunkRecords: number;
  private readonly onChunk?: (chunk: PackedChunk) => void;
  private readonly dropped: Float64Array;
  private readonly streamGlobal: ArrayLike<number>;
  /** Per local stream: merge key (tsNs, -Infinity when unknown) of its last record; the trigger of its decode error. */
  readonly lastKey: Float64Array;
  readonly hasRecord: Uint8Array;
  /** Records packed, in all chunks. */
  records = 0;
  private count = 0;

  constructor(opts: PackerOptions) {
    this.dropped = new Float64Array(opts.traceCount * 4);
    for (let t = 0; t < opts.traceCount; t++) {
      this.dropped[t * 4 + D_MIN] = Infinity;
      this.dropped[t * 4 + D_MAX] = -Infinity;
    }
    this.streamGlobal = opts.streamGlobal;
    this.lastKey = new Float64Array(opts.streamGlobal.length);
    this.hasRecord = new Uint8Array(opts.streamGlobal.length);
    this.chunkRecords = Math.max(1, opts.chunkRecords ?? DEFAULT_CHUNK_RECORDS);
    this.onChunk = opts.onChunk;
  }

  private str(v: FieldValue | undefined): number {
    const s = typeof v === 'string' ? v : '';
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    return id;
  }

  private nameId(name: string): number {
    let id = this.nameIds.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.nameIds.set(name, id);
      this.specs.push(compileSpec(packedFieldsOf(name)));
    }
    return id;
  }

  private common(tsNs: number, stream: number, trace: number, cpu: number | null, flags: number): void {
    const i = this.ts.push(tsNs);
    this.stream.push(this.streamGlobal[stream]);
    this.trace.push(trace);
    if (cpu === null) this.cpu.push(-1);
    else if (Number.isInteger(cpu) && cpu >= 0 && cpu < MAX_PLAIN_CPU) this.cpu.push(cpu);
    else {
      this.cpu.push(-1);
      this.oddIndex.push(i);
      this.oddValue.push(cpu);
    }
    this.flags.push(flags);
    this.records++;
    if (++this.count >= this.chunkRecords) this.cut();
  }

  private mark(stream: number, tsNs: number): void {
    this.lastKey[stream] = Number.isNaN(tsNs) ? -Infinity : tsNs;
    this.hasRecord[stream] = 1;
  }

  addEvent(e: TraceEvent): void {
    const ts = e.tsNs;
    this.mark(e.stream, ts);
    const id = this.nameId(e.name);
    const spec = this.specs[id];
    const ctx = e.ctx;
    const d = e.trace * 4;
    if ((Number.isNaN(ts) || (spec === null && ctx === null)) && d >= 0 && d < this.dropped.length) {
      this.dropped[d + D_COUNT]++;
      if (Number.isNaN(ts)) this.dropped[d + D_UNTIMED]++;
      else {
        if (ts < this.dropped[d + D_MIN]) this.dropped[d + D_MIN] = ts;
        if (ts > this.dropped[d + D_MAX]) this.dropped[d + D_MAX] = ts;
      }
      return;
    }
    let flags = REC_EVENT;
    const values = this.values;
    if (ctx !== null) {
      flags |= F_CTX;
      if (typeof ctx.vtid === 'number') {
        flags |= F_VTID;
        values.push(ctx.vtid);
      }
      if (typeof ctx.vpid === 'number') {
        flags |= F_VPID;
        values.push(ctx.vpid);
      }
      if (typeof ctx.procname === 'string') {
        flags |= F_PROCNAME;
        values.push(this.str(ctx.procname));
      }
    }
    const f = e.fields;
    if (f !== null && spec !== null) {
      flags |= F_FIELDS;
      const fields = spec.fields;
      const types = spec.types;
      for (let k = 0; k < fields.length; k++) {
        const type = types[k];
        const v = f[fields[k]];
        if (type === T_NUM) values.push(num(v));
        else if (type === T_STR) values.push(this.str(v));
        else if (type === T_OPT) {
          if (v !== undefined) {
            flags |= F_OPT;
            values.push(num(v));
          }
        } else if (Array.isArray(v)) {
          values.push(v.length);
          for (const b of v) values.push(num(b));
        } else if (v instanceof Uint8Array) {
          values.push(v.length);
          for (const b of v) values.push(b);
        } else values.push(-1);
      }
    } else if (f !== null) {
      flags |= F_FIELDS; // presence only (an unclassified event with context)
    }
    this.name.push(id);
    this.common(ts, e.stream, e.trace, e.cpu, flags);
  }

  addLoss(l: LossRecord): void {
    this.mark(l.stream, l.beginNs);
    this.values.push(l.count);
    this.values.push(l.endNs);
    this.name.push(0);
    this.common(l.beginNs, l.stream, l.trace, l.cpu, l.kind === 'discarded-events' ? REC_DISCARDED_EVENTS : REC_DISCARDED_PACKETS);
  }

  /** Close the current chunk: hand it over (onChunk) or keep it. */
  private cut(): void {
    if (this.count === 0) return;
    const chunk: PackedChunk = {
      count: this.count,
      tsNs: this.ts.finish(),
      stream: this.stream.finish(),
      trace: this.trace.finish(),
      cpu: this.cpu.finish(),
      cpuOddIndex: Int32Array.from(this.oddIndex),
      cpuOddValue: Float64Array.from(this.oddValue),
      name: this.name.finish(),
      flags: this.flags.finish(),
      values: this.values.finish(),
      newNames: this.names.slice(this.sentNames),
      newStrings: this.strings.slice(this.sentStrings),
    };
    this.sentNames = this.names.length;
    this.sentStrings = this.strings.length;
    this.count = 0;
    this.ts.length = 0;
    this.stream.length = 0;
    this.trace.length = 0;
    this.cpu.length = 0;
    this.name.length = 0;
    this.flags.length = 0;
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

const NO_FIELDS = compileSpec(NONE)!;

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
  readonly objects: FieldStruct[] = [];
  constructor(readonly shift: number) {}
}

/**
 * Feeds parts to the builder in the decoder's merge order (time, ties by global stream index) as their chunks
 * arrive: a record is merged only when every part still decoding has a record queued to compare it with.
 */
export class PackedMerger {
  private readonly parts: PartCursor[];
  private readonly keys: Float64Array;
  /** One reused event, context, and fields object per event class: the builder reads them during addEvent only. */
  private readonly ev: TraceEvent = { name: '', tsNs: 0, cpu: null, ctx: null, ectx: null, fields: null, trace: 0, stream: 0 };
  private readonly ctx: FieldStruct = { vtid: null, vpid: null, procname: null };
  private readonly fieldObjects = new Map<string, FieldStruct>();
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
      p.specs.push(compileSpec(packedFieldsOf(n)) ?? NO_FIELDS);
      let f = this.fieldObjects.get(n);
      if (f === undefined) {
        f = {};
        this.fieldObjects.set(n, f);
      }
      p.objects.push(f);
    }
    for (const s of chunk.newStrings) p.strings.push(s);
    p.queue.push(chunk);
  }

  /** The part has sent its last chunk. */
  end(part: number, dropped: Float64Array): void {
    this.parts[part].ended = true;
    this.parts[part].dropped = dropped;
  }

  /** Head key of a part, loading its next chunk when needed; NaN when it has nothing queued. */
  private head(j: number): number {
    const p = this.parts[j];
    let c = p.chunk;
    if (c === null || p.pos >= c.count) {
      c = p.queue.shift() ?? null;
      p.chunk = c;
      p.pos = 0;
      p.vpos = 0;
      if (c === null) return NaN;
      p.odd.clear();
      for (let i = 0; i < c.cpuOddIndex.length; i++) p.odd.set(c.cpuOddIndex[i], c.cpuOddValue[i]);
    }
    const ts = c.tsNs[p.pos];
    return Number.isNaN(ts) ? -Infinity : ts + p.shift;
  }

  /** Merges as far as the queued chunks allow. True when every part has ended and everything is merged. */
  drain(): boolean {
    const parts = this.parts;
    const k = parts.length;
    const keys = this.keys;
    for (let j = 0; j < k; j++) if (Number.isNaN(keys[j])) keys[j] = this.head(j);
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
        const s = parts[j].chunk!.stream[parts[j].pos];
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
      this.run(parts[best], boundKey, boundStream);
      keys[best] = this.head(best);
    }
  }

  /** Emits the part's records of its current chunk while they come before (boundKey, boundStream). */
  private run(p: PartCursor, boundKey: number, boundStream: number): void {
    const c = p.chunk!;
    const builder = this.builder;
    const ev = this.ev;
    const ctx = this.ctx;
    const values = c.values;
    const tsCol = c.tsNs;
    const streamCol = c.stream;
    const shift = p.shift;
    let v = p.vpos;
    let i = p.pos;
    const n = c.count;
    for (; i < n; i++) {
      const rawTs = tsCol[i];
      const ts = Number.isNaN(rawTs) ? NaN : rawTs + shift;
      if (i > p.pos) {
        const key = Number.isNaN(rawTs) ? -Infinity : ts;
        if (!(key < boundKey || (key === boundKey && streamCol[i] < boundStream))) break;
      }
      const flags = c.flags[i];
      let cpu: number | null = c.cpu[i];
      if (cpu === -1) cpu = p.odd.get(i) ?? null;
      const rec = flags & REC_MASK;
      if (rec === REC_EVENT) {
        const nameId = c.name[i];
        ev.name = p.names[nameId];
        ev.tsNs = ts;
        ev.cpu = cpu;
        ev.trace = c.trace[i];
        ev.stream = streamCol[i];
        if (flags & F_CTX) {
          ctx.vtid = flags & F_VTID ? values[v++] : null;
          ctx.vpid = flags & F_VPID ? values[v++] : null;
          ctx.procname = flags & F_PROCNAME ? p.strings[values[v++]] : null;
          ev.ctx = ctx;
        } else ev.ctx = null;
        if (flags & F_FIELDS) {
          const spec = p.specs[nameId];
          const f = p.objects[nameId];
          const fields = spec.fields;
          const types = spec.types;
          for (let s = 0; s < fields.length; s++) {
            const type = types[s];
            const field = fields[s];
            if (type === T_NUM) f[field] = values[v++];
            else if (type === T_STR) f[field] = p.strings[values[v++]];
            else if (type === T_OPT) {
              // The builder asks whether is_pic is there at all.
              if (flags & F_OPT) f[field] = values[v++];
              else (f as Record<string, FieldValue | undefined>)[field] = undefined;
            } else {
              const len = values[v++];
              if (len < 0) f[field] = null;
              else {
                const bytes: number[] = [];
                for (let b = 0; b < len; b++) bytes.push(values[v++]);
                f[field] = bytes;
              }
            }
          }
          ev.fields = f;
        } else ev.fields = null;
        builder.addEvent(ev);
        this.events++;
        if (this.onEvent) this.onEvent(this.events);
      } else {
        const count = values[v++];
        const endNs = values[v++];
        builder.addLoss({
          kind: rec === REC_DISCARDED_EVENTS ? 'discarded-events' : 'discarded-packets',
          count,
          beginNs: ts,
          endNs: Number.isNaN(endNs) ? NaN : endNs + shift,
          trace: c.trace[i],
          stream: streamCol[i],
          cpu,
        });
      }
    }
    p.vpos = v;
    p.pos = i;
  }

  /** After drain() returned true: the events the builder only counts (their order does not matter to it). */
  finish(): void {
    const dummy: TraceEvent = { name: '\u0000counted', tsNs: 0, cpu: null, ctx: null, ectx: null, fields: null, trace: 0, stream: -1 };
    for (const p of this.parts) {
      const dropped = p.dropped;
      if (!dropped) continue;
      for (let t = 0; t * 4 < dropped.length; t++) {
        const d = t * 4;
        const count = dropped[d + D_COUNT];
        const untimed = dropped[d + D_UNTIMED];
        dummy.trace = t;
        dummy.tsNs = NaN;
        for (let n = 0; n < untimed; n++) this.builder.addEvent(dummy);
        const timed = count - untimed;
        for (let n = 0; n < timed; n++) {
          dummy.tsNs = (n === 1 ? dropped[d + D_MAX] : dropped[d + D_MIN]) + p.shift;
          this.builder.addEvent(dummy);
        }
        this.events += count;
        if (this.onEvent && count > 0) this.onEvent(this.events);
      }
    }
  }
}

/** Merges whole parts (all chunks at hand) into the builder. */
export function mergePackedInto(builder: ModelBuilder, parts: PackedEvents[], originNs: bigint, onEvent?: (events: number) => void): void {
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
