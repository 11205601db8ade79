/** Several traces opened together and decoded as one time-ordered flow (k-way merge on a min-heap). */
import { findCopies } from './duplicates';
import { CtfError } from './errors';
import { isDamagedLoss, type LossRecord, type TraceDomain, type TraceEvent } from './event';
import { parseMetadata } from './metadata';
import type { TraceSchema } from './schema';
import { asByteSource, type ByteInput, type ByteSource, readAll } from './decode/byte-source';
import { ClockConv } from './decode/clock';
import type { ColumnTables, StagedRecord } from './decode/columns';
import { readIndex } from './decode/index-file';
import { compileTrace, type TracePlan } from './decode/plan';
import { type ScannedStream, scanStream, StreamDecoder } from './decode/stream';

export interface TraceInput {
  /** Path of the trace directory relative to what the user opened: 'kernel', 'ust/uid/1000/64-bit', or '' */
  name: string;
  /**
   * Files keyed by path relative to the trace dir: 'metadata', 'channel0_0', 'index/channel0_0.idx'. Stream files
   * are read packet by packet when given as ByteSources (disk, Blob); metadata and indexes are read whole.
   */
  files: Map<string, ByteInput>;
}

export interface ExperimentTrace {
  name: string;
  domain: TraceDomain;
  schema: TraceSchema;
  env: Record<string, string | number | bigint>;
}

export interface ExperimentStream {
  trace: number;
  file: string;
  cpu: number | null;
  packetCount: number;
  bytes: number;
}

export interface Experiment {
  traces: ExperimentTrace[];
  streams: ExperimentStream[];
  /** Absolute ns (since the clock origin, normally the Unix epoch) of time 0 of every tsNs. */
  originNs: bigint;
  totalBytes: number;
  /**
   * What the user must know to trust the picture, one sentence each: copies left out, doubtful metadata, and
   * (appended by `decode`, once) damaged streams: packets overlapping, time or loss counters going backwards.
   * Shown on stderr by the CLIs and in the page's trace summary. (Damaged loss ranges are flagged on the record.)
   */
  warnings: string[];
  /**
   * Decode every event of every stream of every trace, merged in time order (k-way merge), calling onEvent for
   * each and onLoss for each loss record, in time order as met. A corrupt stream stops at its last valid event;
   * the other streams are decoded to their end, then the first CtfError is thrown.
   */
  decode(onEvent: (e: TraceEvent) => void, onLoss?: (l: LossRecord) => void): void;
  /**
   * The same merge, events read as columns (only the fields the tables want; see decode/columns.ts): onEvent
   * gets each event's staged record (valid during the call), its trace, global stream index and cpu.
   * `inStreamOrder`: stream after stream instead of merged by time (counting, where order does not matter).
   */
  decodeColumns(
    tables: ColumnTables,
    onEvent: (rec: StagedRecord, trace: number, stream: number, cpu: number | null) => void,
    onLoss?: (l: LossRecord) => void,
    inStreamOrder?: boolean,
  ): void;
  absoluteNs(tsNs: number): bigint;
  /** A fresh decoder of stream `si` (the events table seeks it packet by packet: event-range.ts). */
  streamDecoder(si: number): StreamDecoder;
}

function joinPath(dir: string, file: string): string {
  return dir === '' ? file : `${dir}/${file}`;
}

function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? p : p.slice(i + 1);
}

/** Trace directories among a set of file paths ('/'-separated): every directory holding a `metadata` file. */
export function findTraceDirs(paths: Iterable<string>): string[] {
  const dirs = new Set<string>();
  for (const p of paths) {
    if (basename(p) !== 'metadata') continue;
    const dir = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '';
    if (dir.split('/').some((part) => part.startsWith('.'))) continue;
    dirs.add(dir);
  }
  return [...dirs].sort();
}

/** Group a flat path->bytes map into TraceInputs (stream files = siblings of metadata; index files from index/). */
export function groupTraceFiles(files: Map<string, ByteInput>): TraceInput[] {
  const dirs = findTraceDirs(files.keys());
  const out: TraceInput[] = dirs.map((name) => ({ name, files: new Map() }));
  const byDir = new Map(out.map((t) => [t.name, t]));
  for (const [path, bytes] of files) {
    const slash = path.lastIndexOf('/');
    const dir = slash < 0 ? '' : path.slice(0, slash);
    const base = path.slice(slash + 1);
    if (base.startsWith('.')) continue;
    const t = byDir.get(dir);
    if (t) {
      t.files.set(base, bytes);
      continue;
    }
    if (basename(dir) === 'index') {
      const parent = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
      const pt = byDir.get(parent);
      if (pt && base.endsWith('.idx')) pt.files.set(`index/${base}`, bytes);
    }
  }
  return out;
}

function domainOf(env: Record<string, string | number | bigint>): TraceDomain {
  if (env.domain === 'kernel' || env.tracer_name === 'lttng-modules') return 'kernel';
  if (env.domain === 'ust' || env.tracer_name === 'lttng-ust') return 'ust';
  return 'other';
}

interface OpenStream {
  trace: number;
  file: string;
  path: string;
  source: ByteSource;
  scan: ScannedStream;
}

/** Parse metadata of every trace, scan packet headers/contexts (or the .idx files); throws CtfError. */
export function openExperiment(traces: TraceInput[]): Experiment {
  const expTraces: ExperimentTrace[] = [];
  const plans: TracePlan[] = [];
  const convs: Array<Map<number, ClockConv>> = [];
  const open: OpenStream[] = [];
  let totalBytes = 0;
  // A stream file or trace given twice is opened once (the unpack worker has already done this for the page).
  const copies = findCopies(traces);
  const warnings = [...copies.warnings];
  copies.kept.forEach((t, ti) => {
    const metaInput = t.files.get('metadata');
    if (!metaInput) throw new CtfError('trace directory has no metadata file', { file: joinPath(t.name, 'metadata') });
    const meta = readAll(metaInput);
    const schema = parseMetadata(meta, joinPath(t.name, 'metadata'));
    let plan: TracePlan;
    try {
      plan = compileTrace(schema);
    } catch (e) {
      if (e instanceof CtfError && e.file === undefined)
        throw new CtfError(e.message, { file: joinPath(t.name, 'metadata') });
      throw e;
    }
    expTraces.push({ name: t.name, domain: domainOf(schema.env), schema, env: schema.env });
    if (schema.warnings) warnings.push(...schema.warnings);
    plans.push(plan);
    const cm = new Map<number, ClockConv>();
    for (const sc of schema.streams.values())
      cm.set(sc.id, new ClockConv(sc.clock !== undefined ? schema.clocks.get(sc.clock) : undefined));
    convs.push(cm);
    totalBytes += meta.length;
    const names = [...t.files.keys()].filter((f) => f !== 'metadata' && !f.includes('/') && !f.startsWith('.')).sort();
    for (const f of names) {
      const source = asByteSource(t.files.get(f)!);
      const path = joinPath(t.name, f);
      const idxInput = t.files.get(`index/${f}.idx`);
      const index = idxInput ? readIndex(readAll(idxInput), source.sizeBytes) : null;
      const scan = scanStream(plan, source, path, index);
      open.push({ trace: ti, file: f, path, source, scan });
      totalBytes += source.sizeBytes;
    }
  });

  const decoderOf = (s: OpenStream, si: number): StreamDecoder => {
    const conv = convs[s.trace].get(s.scan.streamClassId) ?? new ClockConv(undefined);
    return new StreamDecoder(plans[s.trace], s.source, s.scan, s.path, conv, s.trace, si);
  };

  // Origin: the earliest packet beginning (or first event) of any stream, so that tsNs stay small and exact.
  let originNs: bigint | null = null;
  open.forEach((s, si) => {
    let first: [number, number] | null = null;
    try {
      first = decoderOf(s, si).firstClock();
    } catch {
      first = null; // reported when decoding
    }
    if (!first) return;
    const conv = convs[s.trace].get(s.scan.streamClassId);
    if (!conv) return;
    const ns = conv.absNs(first[0], first[1]);
    if (originNs === null || ns < originNs) originNs = ns;
  });
  if (originNs === null) {
    for (const cm of convs)
      for (const c of cm.values()) if (originNs === null || c.baseNs < originNs) originNs = c.baseNs;
  }
  const origin: bigint = originNs ?? 0n;
  for (const cm of convs) for (const c of cm.values()) c.setOrigin(origin);

  const streams: ExperimentStream[] = open.map((s) => ({
    trace: s.trace,
    file: s.file,
    cpu: s.scan.cpu,
    packetCount: s.scan.offsets.length,
    bytes: s.source.sizeBytes,
  }));

  return {
    traces: expTraces,
    streams,
    originNs: origin,
    totalBytes,
    warnings,
    absoluteNs: (tsNs: number) => origin + BigInt(tsNs),
    streamDecoder: (si: number) => decoderOf(open[si], si),
    decode(onEvent, onLoss) {
      merge(null, onEvent, null, onLoss);
    },
    decodeColumns(tables, onEvent, onLoss, inStreamOrder) {
      if (!inStreamOrder) {
        merge(tables, null, onEvent, onLoss);
        return;
      }
      let firstError: unknown = null;
      open.forEach((s, si) => {
        const d = decoderOf(s, si);
        d.readColumns(tables);
        try {
          while (d.advance()) {
            if (d.isStaged) onEvent(d.staged, d.traceIdx, d.order, d.cpu);
            else if (d.loss) {
              if (isDamagedLoss(d.loss)) d.loss.damaged = true;
              onLoss?.(d.loss);
            }
          }
        } catch (e) {
          if (firstError === null) firstError = e;
        }
        for (const w of d.warnings()) if (!warnings.includes(w)) warnings.push(w);
      });
      if (firstError !== null) throw firstError;
    },
  };

  function merge(
    tables: ColumnTables | null,
    onEvent: ((e: TraceEvent) => void) | null,
    onStaged: ((rec: StagedRecord, trace: number, stream: number, cpu: number | null) => void) | null,
    onLoss: ((l: LossRecord) => void) | undefined,
  ): void {
    const heap: StreamDecoder[] = [];
    // A corrupt stream stops there; the other streams still deliver all their valid events, then the first
    // error is thrown.
    let firstError: unknown = null;
    const advance = (d: StreamDecoder): boolean => {
      try {
        return d.advance();
      } catch (e) {
        if (firstError === null) firstError = e;
        return false;
      }
    };
    const decoders = open.map((s, si) => decoderOf(s, si));
    for (const d of decoders) {
      if (tables) d.readColumns(tables);
      if (advance(d)) heapPush(heap, d);
    }
    // Time going backwards within a stream (a damaged or spliced file): babeltrace2's muxer stops there.
    const lastNs = new Float64Array(open.length).fill(-Infinity);
    const backwards: Array<{ count: number; atNs: number; afterNs: number } | undefined> = [];
    while (heap.length > 0) {
      const d = heap[0];
      if (d.isStaged || d.event) {
        if (d.key < lastNs[d.order]) {
          const b = backwards[d.order];
          if (b) b.count++;
          else backwards[d.order] = { count: 1, atNs: d.key, afterNs: lastNs[d.order] };
        } else if (Number.isFinite(d.key)) lastNs[d.order] = d.key;
        if (d.isStaged) onStaged!(d.staged, d.traceIdx, d.order, d.cpu);
        else onEvent!(d.event!);
      } else if (d.loss) {
        if (isDamagedLoss(d.loss)) d.loss.damaged = true;
        onLoss?.(d.loss);
      }
      if (advance(d)) {
        siftDown(heap, 0);
      } else {
        const last = heap.pop()!;
        if (heap.length > 0) {
          heap[0] = last;
          siftDown(heap, 0);
        }
      }
    }
    const found = decoders.flatMap((d) => d.warnings());
    backwards.forEach((b, si) => {
      if (!b) return;
      found.push(
        `${open[si].path}: time goes backwards within the stream ${b.count} time${b.count > 1 ? 's' : ''} (first an event at ${b.atNs} ns after one at ${b.afterNs} ns from the trace start): its events are shown in file order there, the picture may be wrong`,
      );
    });
    // A second decode finds the same: said once.
    for (const w of found) if (!warnings.includes(w)) warnings.push(w);
    if (firstError !== null) throw firstError;
  }
}

/** Heap order: time, then stream number (babeltrace2's muxer also breaks ties by stream, so outputs line up). */
export function before(a: StreamDecoder, b: StreamDecoder): boolean {
  return a.key < b.key || (a.key === b.key && a.order < b.order);
}

/** The min-heap of stream decoders that merges streams by time (the full decode, and a range of the Events tab). */
export function heapPush(h: StreamDecoder[], d: StreamDecoder): void {
  h.push(d);
  let i = h.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!before(d, h[p])) break;
    h[i] = h[p];
    i = p;
  }
  h[i] = d;
}

export function siftDown(h: StreamDecoder[], i: number): void {
  const n = h.length;
  const d = h[i];
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const r = l + 1;
    const m = r < n && before(h[r], h[l]) ? r : l;
    if (!before(h[m], d)) break;
    h[i] = h[m];
    i = m;
  }
  h[i] = d;
}
