/**
 * Writes a whole LTTng session folder: `kernel/` and `ust/uid/1000/64-bit/`, each a CTF trace with packetized
 * metadata, per-CPU streams and `index/*.idx`. Events are produced round by round by the scenario, sorted per stream
 * and written; nothing but the current round and one packet per stream stays in memory.
 */
import { type FieldInput, type OutputDir, StreamWriter, packetizeMetadata } from './ctf-writer';
import { KERNEL_EVENTS, type TraceDescription, UST_CONTEXT, UST_EVENTS, kernelTsdl, ustTsdl } from './layouts';
import { prng } from '../base/prng';
import { ArticleStory, type EventSink } from './scenario';

export type ScenarioName = 'article' | 'scale';

export interface SynthOptions {
  scenario?: ScenarioName;
  /** Target event count for `scale` (the writer stops after the round that reaches it). */
  events?: number;
  seed?: number;
  /** Sub-buffer sizes; default 4 KiB for `article` (several packets per stream), 1 MiB / 512 KiB for `scale`. */
  kernelPacketBytes?: number;
  ustPacketBytes?: number;
  /** Called after each flushed round with the events written so far (progress reporting). */
  onProgress?: (events: number, bytes: number) => void;
}

export interface TraceSummary {
  /** Folder of the trace inside the session (`kernel`, `ust/uid/1000/64-bit`). */
  path: string;
  events: number;
  streams: number;
  /** Bytes of stream files (metadata and index excluded). */
  bytes: number;
}

export interface SynthResult {
  kernel: TraceSummary;
  ust: TraceSummary;
  /** Monotonic clock values (ns) of `lttng start` / `lttng stop`, and the clock offset to the Unix epoch. */
  startTs: number;
  endTs: number;
  clockOffsetNs: bigint;
}

export const CPUS = 4;
export const KERNEL_PATH = 'kernel';
export const UST_PATH = 'ust/uid/1000/64-bit';
export const UST_CHANNEL = 'ust';
/** 2014-12-02 14:30:00.123456789 UTC, the article's date: realtime at `lttng start`. */
const REALTIME_AT_START_NS = 1417530600_123456789n;
/** Monotonic time at `lttng start`: about three hours after boot. */
const MONOTONIC_AT_START_NS = 10_812_345_678_901;
const CLOCK_UUID = '5d2a9f0e-3c47-4b8e-9a1d-7e6f0b2c4d18';

interface Pending {
  ts: number;
  classId: number;
  values: FieldInput[];
  context: FieldInput[] | null;
}

function uuidFrom(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
  // RFC 4122 version 4 / variant bits, as lttng-tools generates them.
  const v = hex.slice(0, 12) + '4' + hex.slice(13, 16) + ((parseInt(hex[16], 16) & 3) | 8).toString(16) + hex.slice(17);
  return `${v.slice(0, 8)}-${v.slice(8, 12)}-${v.slice(12, 16)}-${v.slice(16, 20)}-${v.slice(20)}`;
}

export function synthesizeSession(out: OutputDir, options: SynthOptions = {}): SynthResult {
  const scenario = options.scenario ?? 'article';
  const seed = options.seed ?? 1;
  const scale = scenario === 'scale';
  const target = options.events ?? (scale ? 1_000_000 : 0);
  const kernelPacketBytes = options.kernelPacketBytes ?? (scale ? 1024 * 1024 : 4096);
  const ustPacketBytes = options.ustPacketBytes ?? (scale ? 512 * 1024 : 4096);
  const idRand = prng(seed ^ 0x5eed);
  const clockOffsetNs = REALTIME_AT_START_NS - BigInt(MONOTONIC_AT_START_NS);
  const startTs = MONOTONIC_AT_START_NS;
  const clock = {
    name: 'monotonic',
    uuid: CLOCK_UUID,
    description: 'Monotonic Clock',
    freq: 1e9,
    offset: clockOffsetNs,
  };
  const created = '20141202T143000+0000';

  const kernelDesc: TraceDescription = {
    uuid: uuidFrom(idRand),
    env: [
      ['hostname', 'fullstack-demo'],
      ['domain', 'kernel'],
      ['sysname', 'Linux'],
      ['kernel_release', '6.1.0-18-amd64'],
      ['kernel_version', '#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)'],
      ['tracer_name', 'lttng-modules'],
      ['tracer_major', 2],
      ['tracer_minor', 13],
      ['tracer_patchlevel', 11],
      ['trace_buffering_scheme', 'global'],
      ['trace_name', 'python-fullstack'],
      ['trace_creation_datetime', created],
    ],
    clock,
  };
  const ustDesc: TraceDescription = {
    uuid: uuidFrom(idRand),
    env: [
      ['hostname', 'fullstack-demo'],
      ['domain', 'ust'],
      ['tracer_name', 'lttng-ust'],
      ['tracer_major', 2],
      ['tracer_minor', 13],
      ['tracer_buffering_scheme', 'uid'],
      ['tracer_buffering_id', 1000],
      ['architecture_bit_width', 64],
      ['trace_name', 'python-fullstack'],
      ['trace_creation_datetime', created],
    ],
    clock,
  };

  const writeFile = (path: string, bytes: Uint8Array) => {
    const sink = out.open(path);
    sink.write(bytes);
    sink.close();
  };
  writeFile(`${KERNEL_PATH}/metadata`, packetizeMetadata(kernelTsdl(kernelDesc), kernelDesc.uuid));
  writeFile(`${UST_PATH}/metadata`, packetizeMetadata(ustTsdl(ustDesc), ustDesc.uuid));

  const makeWriters = (path: string, channel: string, desc: TraceDescription, ust: boolean) =>
    Array.from(
      { length: CPUS },
      (_, cpu) =>
        new StreamWriter({
          uuid: desc.uuid,
          header: ust ? 'large' : 'compact',
          packetBytes: ust ? ustPacketBytes : kernelPacketBytes,
          cpu,
          context: ust ? UST_CONTEXT : [],
          classes: ust ? UST_EVENTS : KERNEL_EVENTS,
          startTs,
          data: out.open(`${path}/${channel}_${cpu}`),
          index: out.open(`${path}/index/${channel}_${cpu}.idx`),
        }),
    );
  const kernelWriters = makeWriters(KERNEL_PATH, 'channel0', kernelDesc, false);
  const ustWriters = makeWriters(UST_PATH, UST_CHANNEL, ustDesc, true);

  const kernelPending: Pending[][] = Array.from({ length: CPUS }, () => []);
  const ustPending: Pending[][] = Array.from({ length: CPUS }, () => []);
  const sink: EventSink = {
    kernel: (ts, cpu, classId, values) => kernelPending[cpu].push({ ts, classId, values, context: null }),
    ust: (ts, cpu, classId, values, context) => ustPending[cpu].push({ ts, classId, values, context }),
  };
  const flush = () => {
    const drainTo = (pending: Pending[][], writers: StreamWriter[]) =>
      pending.forEach((list, cpu) => {
        // Stable: events of one CPU at the same nanosecond keep their emission order.
        list.sort((a, b) => a.ts - b.ts);
        for (const e of list) writers[cpu].write(e.ts, e.classId, e.values, e.context ?? undefined);
        list.length = 0;
      });
    drainTo(kernelPending, kernelWriters);
    drainTo(ustPending, ustWriters);
  };
  const written = () => [...kernelWriters, ...ustWriters].reduce((n, w) => n + w.events, 0);
  const writtenBytes = () => [...kernelWriters, ...ustWriters].reduce((n, w) => n + w.bytes, 0);

  const story = new ArticleStory(sink, startTs, seed);
  const sim = story.sim;
  const rand = sim.rand;
  story.prologue();
  let t = sim.drain() + 40_000;
  flush();
  if (!scale) {
    // The rest of the machine for a few milliseconds around the program's one iteration (python3 sleeps in
    // time.sleep() until then).
    for (let i = 0; i < 9; i++) {
      story.runRound(t, i === 3);
      t = sim.drain() + 300_000 + Math.round(rand() * 600_000);
    }
    story.quietPeriod(t, 1_000_000);
    t = sim.drain();
    flush();
  } else {
    while (sim.count < target) {
      story.runRound(t);
      t = sim.drain() + 200_000 + Math.round(rand() * 1_500_000);
      flush();
      options.onProgress?.(written(), writtenBytes());
    }
  }
  const endTs = t + 20_000;
  for (const w of [...kernelWriters, ...ustWriters]) w.close(endTs);

  const summary = (path: string, writers: StreamWriter[]): TraceSummary => ({
    path,
    events: writers.reduce((n, w) => n + w.events, 0),
    streams: writers.length,
    bytes: writers.reduce((n, w) => n + w.bytes, 0),
  });
  return {
    kernel: summary(KERNEL_PATH, kernelWriters),
    ust: summary(UST_PATH, ustWriters),
    startTs,
    endTs,
    clockOffsetNs,
  };
}

/** An `OutputDir` that keeps every file in memory (the demo archive, tests). */
export class MemoryDir implements OutputDir {
  readonly files = new Map<string, Uint8Array[]>();
  open(relPath: string) {
    const chunks: Uint8Array[] = [];
    this.files.set(relPath, chunks);
    return { write: (chunk: Uint8Array) => void chunks.push(chunk), close: () => {} };
  }
  /** Files as `{ path, data }`, concatenated, sorted by path. */
  entries(prefix = ''): { path: string; data: Uint8Array }[] {
    return [...this.files.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([path, chunks]) => {
        const data = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
        let off = 0;
        for (const c of chunks) {
          data.set(c, off);
          off += c.length;
        }
        return { path: prefix + path, data };
      });
  }
}
