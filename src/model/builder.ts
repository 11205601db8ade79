/**
 * Streaming model builder: turns decoded events (in time order, as packed records: packed-events.ts) into
 * per-thread column tables of call slices, kernel thread states and syscalls. Which events it understands and
 * which fields it reads: event-kinds.ts. Rules: ../shared/docs/ctf-lttng-digest.md sections 4 and 6.
 *
 * Hot path: the event class comes with the record (resolved once per class), one Map lookup for the thread per
 * event; no closure or object per event.
 */
import { Arena, compactTypedArrays, THREADS_PER_BUFFER } from './arena';
import type { LossRecord } from '../ctf/event';
import { Ev, eventKindOf, FIELD } from './event-kinds';
import {
  f64Column,
  i16Column,
  i32Column,
  StringTable,
  u16Column,
  u8Column,
  type Column,
  type F64Column,
  type TypedArray,
} from './growable';
import { SymbolResolver } from './symbols';
import { assembleModel, type ModelPartition } from './assemble';
import { SYSCALLS_X86_64 } from './syscalls-x86_64';
import {
  CpuRunKind,
  SliceFlag,
  SliceKind,
  SyscallFlag,
  ThreadState,
  type CpuRunTable,
  type LossRange,
  type ModelAnomalies,
  type ThreadModel,
  type TraceModel,
  type TraceSource,
} from './types';

/** The rest of a stream that could not be read (from `byteOffset` of `file`); `count` is its unread bytes. */
export type DamagedStreamLoss = Omit<LossRecord, 'kind' | 'damaged'> & {
  kind: 'damaged-stream';
  file: string;
  byteOffset: number;
};

export interface ModelSourceInfo {
  name: string;
  domain: 'kernel' | 'ust' | 'other';
  /** The trace's metadata `env` block (kernel_release chooses the sched_switch prev_state encoding; vpid...). */
  env?: Record<string, string | number | bigint>;
}

export interface ModelBuilderOptions {
  sources: ModelSourceInfo[];
  originNs: bigint;
  /** nm-style mapping text ("address type name" per line) by file name. */
  symbolFiles?: Map<string, string>;
  /**
   * Build partition `index` of `count` (default 0 of 1): every partition reads every event and keeps the shared
   * state (which tids are live, each CPU's current thread, open syscalls, binary mappings), and builds the
   * columns of the threads it owns only (tid modulo count); assembleModel (assemble.ts) joins the partitions.
   */
  partition?: { index: number; count: number };
}

/** What the builder does with an event class (from event-kinds.ts), resolved once per class. */
export interface EvClass {
  kind: Ev;
  /** Syscall name (IndexIntoStrings) for SysEntry / SysExit; -1 for the old `exit_syscall` and perf's raw_syscalls. */
  sys: number;
  /** perf's raw_syscalls: the name comes from the payload's syscall number. */
  sysById: boolean;
}

/** Where a stack frame came from, to match it with the right kind of return. */
const enum Frame {
  Python = 0,
  PythonC = 1,
  Cyg = 2,
}

const NO_STATE = -1;
/** No syscall in progress (-1 is a syscall name: unknown). */
const NO_SYSCALL = -2;
/** Largest CPU id kept (the state tables store CPUs as Int16). */
const MAX_CPU = 32767;
const UNKNOWN_NAME = '(unknown)';
/** Thread-map keys of the per-CPU rows used when user-space events cannot be tied to a thread. */
const CPU_ROW_KEY_BASE = -1_000_000;

/**
 * One event as the builder reads it: a view into a packed chunk (packed-events.ts), reused for every event.
 * Field k of the event's kind (FIELD in event-kinds.ts) is `values[at + k]`; strings are ids into `strings`.
 */
export interface EventRecord {
  name: string;
  /** builder.classOf(name), resolved once per event class by whoever fills the record. */
  cls: EvClass;
  tsNs: number;
  cpu: number | null;
  trace: number;
  /** The stream has a common context; then vtid / vpid / procname when of the type read. */
  hasCtx: boolean;
  vtid: number | null;
  vpid: number | null;
  procname: string | null;
  /** The event has a payload (its fields are in `values`). */
  hasFields: boolean;
  /** The optional field (is_pic) is there. */
  hasOpt: boolean;
  values: Float64Array;
  at: number;
  strings: readonly string[];
}

function num(r: EventRecord, k: number): number {
  return r.values[r.at + k];
}

function str(r: EventRecord, k: number): string {
  return r.strings[r.values[r.at + k]];
}

function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i >= 0 ? path.slice(i + 1) : path;
}

/** Kernel >= 4.14 reports prev_state as `1 << (state index - 1)`, with 0x100 for preemption. */
function usesModernPrevState(env: Record<string, string | number | bigint> | undefined): boolean {
  const release = env?.kernel_release;
  if (typeof release !== 'string') return true;
  const m = /^(\d+)\.(\d+)/.exec(release);
  if (!m) return true;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major > 4 || (major === 4 && minor >= 14);
}

/** Thread state after a sched_switch away from it; NO_STATE when the thread is dead. */
export function stateFromPrevState(prevState: number, modern: boolean): number {
  if (!Number.isFinite(prevState)) return ThreadState.WaitUnknown;
  // Bits above 0x1ff never occur in the >= 4.14 encoding: such a value is the older one whatever we were told.
  if (modern && (prevState & ~0x1ff) === 0) {
    // 0x100 = TASK_REPORT_MAX: preempted (still runnable).
    if (prevState === 0 || (prevState & 0x100) !== 0) return ThreadState.WaitCpu;
    if (prevState & 0x3) return ThreadState.WaitBlocked; // interruptible / uninterruptible
    if (prevState & 0x30) return NO_STATE; // EXIT_DEAD / EXIT_ZOMBIE
    if (prevState & 0xc0) return ThreadState.WaitBlocked; // parked / idle kernel thread
    return ThreadState.WaitUnknown; // stopped / traced
  }
  // Older kernels: preempted = TASK_RUNNING | TASK_STATE_MAX (a high bit only), else the raw task state.
  const s = prevState & 0x3ff;
  if (s === 0) return ThreadState.WaitCpu;
  if (s & 0x3) return ThreadState.WaitBlocked;
  if (s & 0x70) return NO_STATE; // EXIT_DEAD / EXIT_ZOMBIE / TASK_DEAD
  return ThreadState.WaitUnknown;
}

/** lttng_statedump_process_state `status` -> state (NO_STATE for DEAD). */
function stateFromStatedump(status: number): number {
  switch (status) {
    case 1:
      return ThreadState.WaitFork;
    case 2:
      return ThreadState.WaitCpu;
    case 5:
      return ThreadState.WaitUnknown;
    case 6:
      return ThreadState.RunUser;
    case 7:
      return NO_STATE;
    default:
      return ThreadState.Unknown;
  }
}

/**
 * A thread as every partition knows it (see ModelBuilderOptions.partition): enough to find the row an event
 * belongs to (its index, whether its tid is live) and the syscall a fork's child inherits. Its columns are built
 * by the partition that owns it (a ThreadBuilder there).
 */
class ThreadStub {
  readonly own = false;
  /** Its tid was freed or reused: no longer the live thread of that tid. */
  retired = false;
  cpuRow: number | undefined = undefined;
  /** Name (IndexIntoStrings, or -1: unknown) of its syscall in progress: a forked child starts inside it. */
  openSysName = NO_SYSCALL;
  constructor(
    readonly tid: number,
    readonly index: number,
    readonly firstNs: number,
  ) {}
}

/**
 * A thread's call slices and open stack, made at its first call event: most threads of a kernel trace have none,
 * and a dozen columns and arrays each were about half of the builder's heap per thread.
 */
class CallStack {
  readonly sStart = f64Column();
  readonly sEnd = f64Column();
  readonly sSelf = f64Column();
  readonly sDepth = u16Column();
  readonly sKind = u8Column();
  readonly sName = i32Column();
  readonly sAddr = f64Column();
  readonly sFlags = u8Column();
  readonly stack: number[] = [];
  readonly stackOrigin: number[] = [];
  readonly stackChildNs: number[] = [];
  /** Open frames per Frame origin, so a return with no frame of its kind does not scan the stack. */
  readonly openByOrigin: number[] = [0, 0, 0];
  maxDepth = 0;
  lastDepth0EndNs = -Infinity;
  /** After a loss reset, an unmatched return's frame cannot have started before this. */
  resetNs = -Infinity;
  lastCallNs = NaN;
  callTrace = -1;
  callCpu = -1;
}

/** The empty call stack of threads without call events (only ever finished: nothing is pushed on it). */
const NO_CALLS = new CallStack();

class ThreadBuilder {
  readonly own = true;
  retired = false;
  cpuRow: number | undefined = undefined;
  openSysName = NO_SYSCALL;
  pid = -1;
  name = '';
  eventCount = 0;
  calls: CallStack | null = null;

  // Kernel thread states.
  readonly stStart = f64Column();
  readonly stEnd = f64Column();
  readonly stState = u8Column();
  readonly stCpu = i16Column();
  curState = NO_STATE;
  curStateStartNs = 0;
  curCpu = -1;

  // Syscalls.
  readonly scStart = f64Column();
  readonly scEnd = f64Column();
  readonly scName = i32Column();
  readonly scRet = f64Column();
  readonly scFlags = u8Column();
  openSys = -1;
  lastSysEndNs = -Infinity;

  readonly nameStart = f64Column();
  readonly nameIdx = i32Column();

  /** Times of the events no slice, state or syscall shows (the model does not know them): tick marks. */
  otherNs: F64Column | null = null;

  constructor(
    readonly tid: number,
    /** Its index in the model's threads. */
    readonly index: number,
    readonly firstNs: number,
  ) {}
}

type AnyThread = ThreadStub | ThreadBuilder;

/** One CPU's run table being built: the open interval and the finished ones. */
class CpuRunBuilder {
  readonly start = f64Column();
  readonly end = f64Column();
  readonly kind = u8Column();
  readonly thread = i32Column();
  readonly tid = i32Column();
  /** The open interval (kind -1: none). */
  openKind = -1;
  openThread = -1;
  openTid = -1;
  openStartNs = 0;

  close(ts: number): void {
    if (this.openKind >= 0 && ts > this.openStartNs) {
      this.start.push(this.openStartNs);
      this.end.push(ts);
      this.kind.push(this.openKind);
      this.thread.push(this.openThread);
      this.tid.push(this.openTid);
    }
    this.openKind = -1;
  }
}

export class ModelBuilder {
  private readonly sources: ModelSourceInfo[];
  private readonly sourceEvents: number[];
  private readonly modernPrevState: boolean;
  private readonly hasKernel: boolean;
  private readonly originNs: bigint;
  private readonly strings = new StringTable();
  private readonly symbols: SymbolResolver;
  private readonly classes = new Map<string, EvClass>();
  private readonly sysIdNames = new Map<number, number>();
  /** Syscall numbers are x86-64's unless the kernel trace's env names another machine. */
  private readonly x86_64: boolean;
  /** Live threads by tid (CPU rows by CPU_ROW_KEY_BASE - cpu). A freed tid leaves: its reuse is a new row. */
  private readonly live = new Map<number, AnyThread>();
  /** Every thread in creation order (the same in every partition: the model's thread order). */
  private readonly all: AnyThread[] = [];
  private readonly partition: number;
  private readonly partitions: number;
  /** Events given to addRecord so far: the clock of first interns and first sightings (assemble.ts). */
  private seq = 0;
  /** Per CPU: current tid from sched_switch (-1 unknown), active irq and softirq handlers. */
  private readonly cpuCurrent: number[] = [];
  /** Per CPU: the thread last found for its current tid (valid while not retired): no Map lookup per event. */
  private readonly cpuThread: Array<AnyThread | undefined> = [];
  private readonly cpuIrqDepth: number[] = [];
  private readonly cpuSoftDepth: number[] = [];
  private readonly cpuRuns: CpuRunBuilder[] = [];
  private readonly losses: LossRange[] = [];
  private readonly anomalies: ModelAnomalies = {
    unmatchedReturns: 0,
    ignoredCReturns: 0,
    mismatchedReturns: 0,
    unattributedKernelEvents: 0,
    untimedEvents: 0,
  };
  private readonly unknownNameIdx: number;
  private eventCount = 0;
  private startNs = Infinity;
  private endNs = -Infinity;
  private finished = false;

  constructor(opts: ModelBuilderOptions) {
    this.sources = opts.sources;
    this.sourceEvents = opts.sources.map(() => 0);
    this.originNs = opts.originNs;
    this.hasKernel = opts.sources.some((s) => s.domain === 'kernel');
    const kernelEnv = opts.sources.find((s) => s.domain === 'kernel')?.env;
    this.modernPrevState = usesModernPrevState(kernelEnv);
    const machine = kernelEnv?.machine ?? kernelEnv?.arch;
    this.x86_64 = typeof machine !== 'string' || machine === 'x86_64';
    this.symbols = new SymbolResolver(opts.symbolFiles);
    this.unknownNameIdx = this.strings.intern(UNKNOWN_NAME);
    this.partition = opts.partition?.index ?? 0;
    this.partitions = opts.partition?.count ?? 1;
    if (!(this.partitions >= 1 && this.partition >= 0 && this.partition < this.partitions))
      throw new Error(`no partition ${this.partition} of ${this.partitions}`);
  }

  /** Whether this partition builds the thread of this live-map key (CPU rows: negative keys). */
  private owns(key: number): boolean {
    const k = this.partitions;
    return k === 1 || ((key % k) + k) % k === this.partition;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Event classification (cached per event name).

  classOf(name: string): EvClass {
    let c = this.classes.get(name);
    if (c === undefined) {
      c = this.classifyUncached(name);
      this.classes.set(name, c);
    }
    return c;
  }

  private classifyUncached(name: string): EvClass {
    const k = eventKindOf(name);
    return { kind: k.kind, sys: k.sysName === null ? -1 : this.strings.intern(k.sysName), sysById: k.sysById };
  }

  /** Name (IndexIntoStrings) of syscall number `id` of the kernel's architecture (x86-64's table, else `syscall_<id>`). */
  private sysNameOfId(id: number): number {
    let idx = this.sysIdNames.get(id);
    if (idx === undefined) {
      const known = this.x86_64 && Number.isInteger(id) && id >= 0 ? SYSCALLS_X86_64[id] : undefined;
      idx = this.strings.intern(known || (Number.isFinite(id) ? `syscall_${id}` : UNKNOWN_NAME));
      this.sysIdNames.set(id, idx);
    }
    return idx;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Threads.

  private newThread(key: number, tid: number, ts: number): AnyThread {
    let t: AnyThread;
    if (this.owns(key)) {
      t = new ThreadBuilder(tid, this.all.length, ts);
      if (this.hasKernel && key >= 0) {
        t.curState = ThreadState.Unknown;
        t.curStateStartNs = ts;
      }
    } else t = new ThreadStub(tid, this.all.length, ts);
    this.live.set(key, t);
    this.all.push(t);
    return t;
  }

  private thread(tid: number, ts: number): AnyThread {
    return this.live.get(tid) ?? this.newThread(tid, tid, ts);
  }

  private cpuRowThread(cpu: number, ts: number): AnyThread {
    const key = CPU_ROW_KEY_BASE - cpu;
    let t = this.live.get(key);
    if (t === undefined) {
      t = this.newThread(key, -1, ts);
      t.cpuRow = cpu;
      if (t.own) this.setName(t, cpu >= 0 ? `CPU ${cpu}` : 'CPU ?', ts);
    }
    return t;
  }

  private setName(t: ThreadBuilder, name: string, ts: number): void {
    if (name === '' || name === t.name) return;
    t.name = name;
    const n = t.nameStart.length;
    if (n > 0 && t.nameStart.get(n - 1) === ts) {
      t.nameIdx.set(n - 1, this.strings.intern(name));
      return;
    }
    t.nameStart.push(ts);
    t.nameIdx.push(this.strings.intern(name));
  }

  private setState(t: ThreadBuilder, state: number, ts: number, cpu: number): void {
    if (state === t.curState && cpu === t.curCpu) return;
    if (t.curState !== NO_STATE) {
      if (ts > t.curStateStartNs) {
        t.stStart.push(t.curStateStartNs);
        t.stEnd.push(ts);
        t.stState.push(t.curState);
        t.stCpu.push(t.curCpu);
      } else {
        ts = t.curStateStartNs; // zero-length: replaced by the new state
      }
    }
    const n = t.stStart.length;
    // Re-open the previous interval when the state comes back unchanged at its end (after a zero-length blip).
    if (
      state !== NO_STATE &&
      n > 0 &&
      t.stEnd.get(n - 1) === ts &&
      t.stState.get(n - 1) === state &&
      t.stCpu.get(n - 1) === cpu
    ) {
      ts = t.stStart.get(n - 1);
      t.stStart.pop();
      t.stEnd.pop();
      t.stState.pop();
      t.stCpu.pop();
    }
    t.curState = state;
    t.curStateStartNs = ts;
    t.curCpu = cpu;
  }

  private runningState(t: ThreadBuilder): number {
    return t.openSys >= 0 ? ThreadState.RunSyscall : ThreadState.RunUser;
  }

  private cpuSlot(cpu: number): void {
    while (this.cpuCurrent.length <= cpu) {
      this.cpuCurrent.push(-1);
      this.cpuThread.push(undefined);
      this.cpuIrqDepth.push(0);
      this.cpuSoftDepth.push(0);
      this.cpuRuns.push(new CpuRunBuilder());
    }
  }

  /** After a switch or an irq boundary on cpu: start a new run-table interval if what runs there changed. */
  private markCpu(cpu: number, ts: number): void {
    if (!this.owns(cpu)) return; // CPU n's run table is built by partition n modulo the count
    const r = this.cpuRuns[cpu];
    const tid = this.cpuCurrent[cpu];
    let kind: number;
    if (this.cpuIrqDepth[cpu] > 0) kind = CpuRunKind.Irq;
    else if (this.cpuSoftDepth[cpu] > 0) kind = CpuRunKind.Softirq;
    else if (tid === 0) kind = CpuRunKind.Idle;
    else if (tid > 0) kind = CpuRunKind.Run;
    else kind = -1; // before the CPU's first sched_switch: unknown, no interval
    const known = this.cpuThread[cpu];
    const thread =
      tid > 0
        ? known !== undefined && !known.retired && known.tid === tid
          ? known.index
          : (this.live.get(tid)?.index ?? -1)
        : -1;
    if (kind === r.openKind && thread === r.openThread && tid === r.openTid) return;
    r.close(ts);
    r.openKind = kind;
    r.openThread = thread;
    r.openTid = tid;
    r.openStartNs = ts;
  }

  /** The thread the kernel says runs on cpu now, or undefined (unknown, or idle). */
  private currentOn(cpu: number | null, ts: number): AnyThread | undefined {
    if (cpu === null || cpu >= this.cpuCurrent.length) return undefined;
    const tid = this.cpuCurrent[cpu];
    return tid > 0 ? this.threadOn(cpu, tid, ts) : undefined;
  }

  /** this.thread(tid, ts) for a tid met on a known cpu: the CPU's cached thread when it is that tid's live one. */
  private threadOn(cpu: number, tid: number, ts: number): AnyThread {
    const known = this.cpuThread[cpu];
    if (known !== undefined && !known.retired && known.tid === tid) return known;
    const t = this.thread(tid, ts);
    this.cpuThread[cpu] = t;
    return t;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Events.

  /** Events the builder only counts (decoded without their values), with their time range. */
  addCounted(trace: number, count: number, untimed: number, minNs: number, maxNs: number): void {
    this.eventCount += count;
    if (trace >= 0 && trace < this.sourceEvents.length) this.sourceEvents[trace] += count;
    this.anomalies.untimedEvents += untimed;
    if (count > untimed) {
      if (minNs < this.startNs) this.startNs = minNs;
      if (maxNs > this.endNs) this.endNs = maxNs;
    }
  }

  /** What every event does: its number, counts and the time range. False when it has no time (then ignored). */
  private count(trace: number, ts: number): boolean {
    this.strings.clock = ++this.seq;
    this.eventCount++;
    if (trace >= 0 && trace < this.sourceEvents.length) this.sourceEvents[trace]++;
    if (Number.isNaN(ts)) {
      this.anomalies.untimedEvents++;
      return false;
    }
    if (ts < this.startNs) this.startNs = ts;
    if (ts > this.endNs) this.endNs = ts;
    return true;
  }

  /**
   * Whether a call-stack (or unknown user-space) event with this vtid is another partition's thread's, already
   * live here: then addRecord would only count it, and the merger gives it to `countOnly` without filling the
   * record (the shared cost every partition pays for every event, kept small).
   */
  othersLiveThread(vtid: number): boolean {
    return this.partitions > 1 && !this.owns(vtid) && this.live.has(vtid);
  }

  /** A timed event that only counts here (othersLiveThread). */
  countOnly(trace: number, ts: number): void {
    this.count(trace, ts);
  }

  addRecord(e: EventRecord): void {
    const ts = e.tsNs;
    if (!this.count(e.trace, ts)) return;
    // A CPU id indexes per-CPU arrays: ignore absurd ones rather than allocate for them.
    const cpu = e.cpu !== null && e.cpu >= 0 && e.cpu <= MAX_CPU && Number.isInteger(e.cpu) ? e.cpu : null;
    const c = e.cls;
    const f = e.hasFields ? e : null;
    switch (c.kind) {
      case Ev.SchedSwitch:
        if (f) this.onSchedSwitch(f, ts, cpu);
        return;
      case Ev.Wakeup:
        if (f) this.onWakeup(f, ts);
        return;
      case Ev.Fork:
        if (f) this.onFork(f, ts, cpu);
        return;
      case Ev.Exec:
        if (f) this.onExec(f, ts, cpu);
        return;
      case Ev.Free:
        if (f) this.onFree(f, ts);
        return;
      case Ev.ProcState:
        if (f) this.onProcState(f, ts);
        return;
      case Ev.SysEntry:
        if (c.sysById && f)
          this.onSysEntry(this.sysNameOfId(num(f, FIELD.rawSysEntry.id)), ts, cpu, num(f, FIELD.rawSysEntry.perf_tid));
        else this.onSysEntry(c.sys, ts, cpu, -1);
        return;
      case Ev.SysExit:
        if (c.sysById && f)
          this.onSysExit(this.sysNameOfId(num(f, FIELD.rawSysExit.id)), f, ts, cpu, num(f, FIELD.rawSysExit.perf_tid));
        else this.onSysExit(c.sys, f, ts, cpu, -1);
        return;
      case Ev.IrqEntry:
      case Ev.SoftEntry:
        this.onIrqEntry(c.kind === Ev.SoftEntry, ts, cpu);
        return;
      case Ev.IrqExit:
      case Ev.SoftExit:
        this.onIrqExit(c.kind === Ev.SoftExit, ts, cpu);
        return;
      case Ev.PyCall:
      case Ev.PyCCall:
      case Ev.PyReturn:
      case Ev.PyCReturn:
      case Ev.CygEntry:
      case Ev.CygExit:
        this.onCall(c.kind, e, ts, cpu);
        return;
      case Ev.UstDumpStart:
      case Ev.BinInfo:
      case Ev.DlOpen:
      case Ev.BuildId:
      case Ev.DebugLink:
      case Ev.DlClose:
        this.onDebugInfo(c.kind, e);
        this.ustThread(e, ts);
        return;
      case Ev.UstProcname: {
        const t = this.ustThread(e, ts);
        if (t && t.own && f) this.setName(t, str(f, FIELD.procname.procname), ts);
        return;
      }
      default:
        this.onOther(e, ts, cpu);
    }
  }

  /**
   * An event the model does not know gets a tick mark on its thread, found as for call events (vtid, else the
   * thread the kernel shows on the CPU, else the CPU's row), so that a trace of unknown events still shows its
   * rows. Unknown kernel events only count for their vtid thread if they have one, or tick on perf's sample
   * thread (perf_tid); the packer drops the others (LTTng's kernel events without context).
   */
  private onOther(e: EventRecord, ts: number, cpu: number | null): void {
    if (this.sources[e.trace]?.domain === 'kernel') {
      if (e.hasCtx)
        this.ustThread(e, ts); // a context added to kernel events (lttng add-context -k -t vtid)
      else if (e.hasFields) {
        // perf: the sample's thread (0: idle).
        const tid = num(e, FIELD.perfSample.perf_tid);
        if (!(tid > 0)) return;
        const t = this.thread(tid, ts);
        if (!t.own) return;
        t.eventCount++;
        const pid = num(e, FIELD.perfSample.perf_pid);
        if (t.pid < 0 && pid > 0) t.pid = pid;
        (t.otherNs ??= f64Column()).push(ts);
      }
      return;
    }
    const t = this.callThread(e, ts, cpu);
    if (t.own) (t.otherNs ??= f64Column()).push(ts);
  }

  private onSchedSwitch(f: EventRecord, ts: number, cpu: number | null): void {
    const prevTid = num(f, FIELD.schedSwitch.prev_tid);
    const nextTid = num(f, FIELD.schedSwitch.next_tid);
    const c = cpu ?? -1;
    if (prevTid > 0) {
      const p =
        cpu !== null && cpu < this.cpuThread.length ? this.threadOn(cpu, prevTid, ts) : this.thread(prevTid, ts);
      if (p.own) {
        p.eventCount++;
        this.setName(p, str(f, FIELD.schedSwitch.prev_comm), ts);
        const state = stateFromPrevState(num(f, FIELD.schedSwitch.prev_state), this.modernPrevState);
        this.setState(p, state, ts, state === ThreadState.WaitCpu ? c : -1);
      }
    }
    let next: AnyThread | undefined;
    if (nextTid > 0) {
      const n = (next = this.thread(nextTid, ts));
      if (n.own) {
        n.eventCount++;
        this.setName(n, str(f, FIELD.schedSwitch.next_comm), ts);
        this.setState(n, this.runningState(n), ts, c);
      }
    }
    if (cpu !== null && nextTid >= 0) {
      this.cpuSlot(cpu);
      this.cpuCurrent[cpu] = nextTid;
      this.cpuThread[cpu] = next;
      this.markCpu(cpu, ts);
    }
  }

  private onWakeup(f: EventRecord, ts: number): void {
    const tid = num(f, FIELD.wakeup.tid);
    if (!(tid > 0)) return;
    const t = this.thread(tid, ts);
    if (!t.own) return;
    t.eventCount++;
    this.setName(t, str(f, FIELD.wakeup.comm), ts);
    const s = t.curState;
    if (s !== ThreadState.RunUser && s !== ThreadState.RunSyscall && s !== ThreadState.Interrupted) {
      const target = num(f, FIELD.wakeup.target_cpu);
      this.setState(t, ThreadState.WaitCpu, ts, Number.isFinite(target) ? target : -1);
    }
  }

  private onFork(f: EventRecord, ts: number, cpu: number | null): void {
    const parentTid = num(f, FIELD.fork.parent_tid);
    const childTid = num(f, FIELD.fork.child_tid);
    let parent: AnyThread | undefined;
    if (parentTid > 0) {
      parent = this.thread(parentTid, ts);
      if (parent.own) {
        parent.eventCount++;
        const ppid = num(f, FIELD.fork.parent_pid);
        if (Number.isFinite(ppid)) parent.pid = ppid;
        this.setName(parent, str(f, FIELD.fork.parent_comm), ts);
      }
    }
    if (!(childTid > 0)) return;
    // A tid seen again without a free in between: the old thread is gone, start a new row.
    const stale = this.live.get(childTid);
    if (stale && stale.firstNs < ts) this.retire(stale, childTid, ts);
    const child = this.live.get(childTid) ?? this.newThread(childTid, childTid, ts);
    // The child starts inside its parent's clone/fork and leaves it through its own syscall exit.
    const inherited = parent !== undefined ? parent.openSysName : NO_SYSCALL;
    if (inherited !== NO_SYSCALL) child.openSysName = inherited;
    if (!child.own) return;
    child.eventCount++;
    const cpid = num(f, FIELD.fork.child_pid);
    child.pid = Number.isFinite(cpid) ? cpid : childTid;
    this.setName(child, str(f, FIELD.fork.child_comm), ts);
    if (this.hasKernel) this.setState(child, ThreadState.WaitFork, ts, cpu ?? -1);
    if (inherited !== NO_SYSCALL) {
      child.openSys = child.scStart.push(ts);
      child.scEnd.push(NaN);
      child.scName.push(inherited);
      child.scRet.push(NaN);
      child.scFlags.push(SyscallFlag.Inherited);
    }
  }

  private onExec(f: EventRecord, ts: number, cpu: number | null): void {
    let tid = num(f, FIELD.exec.tid);
    if (!(tid > 0)) tid = cpu !== null && cpu < this.cpuCurrent.length ? this.cpuCurrent[cpu] : -1;
    if (!(tid > 0)) return;
    const t = this.thread(tid, ts);
    if (!t.own) return;
    t.eventCount++;
    this.setName(t, baseName(str(f, FIELD.exec.filename)), ts);
  }

  private onFree(f: EventRecord, ts: number): void {
    const tid = num(f, FIELD.tid.tid);
    const t = this.live.get(tid);
    if (t === undefined || !(tid > 0)) return;
    if (t.own) t.eventCount++;
    this.retire(t, tid, ts);
  }

  /** The thread is gone at ts: close everything it had open and forget its tid. */
  private retire(t: AnyThread, key: number, ts: number): void {
    t.retired = true;
    if (t.own) this.closeThread(t, ts);
    t.openSysName = NO_SYSCALL;
    this.live.delete(key);
  }

  private closeThread(t: ThreadBuilder, ts: number): void {
    t.openSysName = NO_SYSCALL;
    const s = t.calls;
    if (s !== null) {
      const stackEndNs = ts > s.lastCallNs ? ts : s.lastCallNs;
      while (s.stack.length > 0) this.popFrame(s, stackEndNs, SliceFlag.Unfinished);
    }
    if (t.openSys >= 0) {
      const i = t.openSys;
      t.scEnd.set(i, Math.max(ts, t.scStart.get(i)));
      t.scFlags.set(i, t.scFlags.get(i) | SyscallFlag.Unfinished);
      t.openSys = -1;
    }
    if (t.curState !== NO_STATE) this.setState(t, NO_STATE, Math.max(ts, t.curStateStartNs), -1);
  }

  private onProcState(f: EventRecord, ts: number): void {
    const tid = num(f, FIELD.procState.tid);
    if (!(tid > 0)) return;
    const t = this.thread(tid, ts);
    if (!t.own) return;
    t.eventCount++;
    // The statedump only fills in what is still unknown (digest 6.3).
    if (t.name === '') this.setName(t, str(f, FIELD.procState.name), ts);
    const pid = num(f, FIELD.procState.pid);
    if (t.pid < 0 && Number.isFinite(pid)) t.pid = pid;
    if (t.curState === ThreadState.Unknown) {
      const state = stateFromStatedump(num(f, FIELD.procState.status));
      if (state !== ThreadState.Unknown) {
        const cpu = num(f, FIELD.procState.cpu);
        this.setState(t, state, ts, state === ThreadState.WaitCpu && Number.isFinite(cpu) ? cpu : -1);
      }
    }
  }

  /** `tid` > 0: the thread the event names (perf's perf_tid: per-task recordings miss the switches that would tell). */
  private onSysEntry(name: number, ts: number, cpu: number | null, tid: number): void {
    const t = tid > 0 ? this.thread(tid, ts) : this.currentOn(cpu, ts);
    if (t === undefined) {
      this.anomalies.unattributedKernelEvents++;
      return;
    }
    t.openSysName = name;
    if (!t.own) return;
    t.eventCount++;
    if (t.openSys >= 0) {
      // Its exit was lost: close it here.
      const i = t.openSys;
      t.scEnd.set(i, Math.max(ts, t.scStart.get(i)));
      t.scFlags.set(i, t.scFlags.get(i) | SyscallFlag.Unfinished);
      t.lastSysEndNs = ts;
    }
    t.openSys = t.scStart.push(ts);
    t.scEnd.push(NaN);
    t.scName.push(name);
    t.scRet.push(NaN);
    t.scFlags.push(0);
    if (t.curState !== ThreadState.Interrupted) this.setState(t, ThreadState.RunSyscall, ts, cpu ?? -1);
  }

  private onSysExit(name: number, f: EventRecord | null, ts: number, cpu: number | null, tid: number): void {
    const t = tid > 0 ? this.thread(tid, ts) : this.currentOn(cpu, ts);
    if (t === undefined) {
      this.anomalies.unattributedKernelEvents++;
      return;
    }
    t.openSysName = NO_SYSCALL;
    if (!t.own) return;
    t.eventCount++;
    const ret = f ? num(f, FIELD.sysExit.ret) : NaN;
    if (t.openSys >= 0) {
      const i = t.openSys;
      t.scEnd.set(i, Math.max(ts, t.scStart.get(i)));
      t.scRet.set(i, ret);
      t.openSys = -1;
    } else {
      // The trace started inside this syscall.
      t.scStart.push(Math.min(ts, Math.max(t.firstNs, t.lastSysEndNs)));
      t.scEnd.push(ts);
      t.scName.push(name >= 0 ? name : this.unknownNameIdx);
      t.scRet.push(ret);
      t.scFlags.push(SyscallFlag.NoEntry);
    }
    t.lastSysEndNs = ts;
    if (t.curState !== ThreadState.Interrupted) this.setState(t, ThreadState.RunUser, ts, cpu ?? -1);
  }

  private onIrqEntry(soft: boolean, ts: number, cpu: number | null): void {
    if (cpu === null) return;
    this.cpuSlot(cpu);
    if (soft) this.cpuSoftDepth[cpu]++;
    else this.cpuIrqDepth[cpu]++;
    this.markCpu(cpu, ts);
    const t = this.currentOn(cpu, ts);
    if (t === undefined || !t.own) return;
    t.eventCount++;
    this.setState(t, ThreadState.Interrupted, ts, cpu);
  }

  private onIrqExit(soft: boolean, ts: number, cpu: number | null): void {
    if (cpu === null) return;
    this.cpuSlot(cpu);
    if (soft) this.cpuSoftDepth[cpu] = Math.max(0, this.cpuSoftDepth[cpu] - 1);
    else this.cpuIrqDepth[cpu] = Math.max(0, this.cpuIrqDepth[cpu] - 1);
    this.markCpu(cpu, ts);
    if (this.cpuSoftDepth[cpu] > 0 || this.cpuIrqDepth[cpu] > 0) return;
    const t = this.currentOn(cpu, ts);
    if (t === undefined || !t.own) return;
    t.eventCount++;
    if (t.curState === ThreadState.Interrupted) this.setState(t, this.runningState(t), ts, cpu);
  }

  /** The thread a user-space event belongs to, by vtid; undefined when the event has none. */
  private ustThread(e: EventRecord, ts: number): AnyThread | undefined {
    const vtid = e.vtid;
    if (vtid === null) return undefined;
    const t = this.thread(vtid, ts);
    if (!t.own) return t;
    t.eventCount++;
    const vpid = e.vpid;
    if (vpid !== null) t.pid = vpid;
    if (t.name === '' && e.procname !== null) this.setName(t, e.procname, ts);
    return t;
  }

  /** Thread of a call-stack event: vtid, else the kernel's current thread on the CPU, else a CPU row. */
  private callThread(e: EventRecord, ts: number, cpu: number | null): AnyThread {
    const t = this.ustThread(e, ts) ?? this.currentOn(cpu, ts);
    if (t !== undefined) {
      if (e.vtid === null && t.own) t.eventCount++;
      return t;
    }
    const row = this.cpuRowThread(cpu ?? -1, ts);
    if (row.own) row.eventCount++;
    return row;
  }

  private vpidOf(e: EventRecord, t: ThreadBuilder | undefined): number {
    const v = e.vpid;
    if (v !== null) return v;
    const env = this.sources[e.trace]?.env?.vpid;
    if (typeof env === 'number') return env;
    return t?.pid ?? -1;
  }

  private onCall(kind: Ev, e: EventRecord, ts: number, cpu: number | null): void {
    const t = this.callThread(e, ts, cpu);
    if (!t.own) return; // another partition's thread
    const s = t.calls ?? (t.calls = new CallStack());
    // A stack needs its own events in order: an out-of-order one is taken as happening at the last time seen.
    if (ts < s.lastCallNs) ts = s.lastCallNs;
    s.lastCallNs = ts;
    s.callTrace = e.trace;
    s.callCpu = cpu ?? -1;
    const f = e.hasFields ? e : null;
    switch (kind) {
      case Ev.PyCall: {
        const name = this.strings.intern(f ? str(f, FIELD.pyCall.co_name) : '');
        if (f && str(f, FIELD.pyCall.co_filename)) this.notePythonSource(name, f);
        this.pushFrame(s, ts, SliceKind.Python, name, NaN, Frame.Python);
        return;
      }
      case Ev.PyCCall:
        this.pushFrame(
          s,
          ts,
          SliceKind.PythonBuiltin,
          this.strings.intern(f ? str(f, FIELD.pyCall.co_name) : ''),
          NaN,
          Frame.PythonC,
        );
        return;
      case Ev.PyCReturn: {
        const n = s.stack.length;
        if (n > 0 && s.stackOrigin[n - 1] === Frame.PythonC) this.popFrame(s, ts, 0);
        else this.anomalies.ignoredCReturns++;
        return;
      }
      case Ev.PyReturn:
        if (!this.popTo(s, Frame.Python, ts, NaN))
          this.unmatchedReturn(t, s, ts, SliceKind.Python, this.unknownNameIdx, NaN);
        return;
      case Ev.CygEntry: {
        const addr = f ? num(f, FIELD.cyg.addr) : NaN;
        this.pushFrame(s, ts, SliceKind.C, this.cName(e, t, addr), addr, Frame.Cyg);
        return;
      }
      case Ev.CygExit: {
        const addr = f ? num(f, FIELD.cyg.addr) : NaN; // the _fast exit has no addr
        if (!this.popTo(s, Frame.Cyg, ts, addr)) {
          const name = Number.isNaN(addr) ? this.unknownNameIdx : this.cName(e, t, addr);
          this.unmatchedReturn(t, s, ts, SliceKind.C, name, addr);
        }
        return;
      }
    }
  }

  /** First definition seen of a Python function name (a sparse array by name: one check per call). */
  private readonly pySources: ({ file: string; line: number; conflicting?: boolean; at: number } | undefined)[] = [];

  private notePythonSource(name: number, f: EventRecord): void {
    const file = str(f, FIELD.pyCall.co_filename);
    const seen = this.pySources[name];
    if (seen === undefined) {
      const first = num(f, FIELD.pyCall.co_firstlineno);
      const line = Number.isFinite(first) ? first : num(f, FIELD.pyCall.lineno);
      this.pySources[name] = { file, line: Number.isFinite(line) ? line : 0, at: this.seq };
    } else if (seen.file !== file) seen.conflicting = true;
  }

  private cName(e: EventRecord, t: ThreadBuilder, addr: number): number {
    if (Number.isNaN(addr)) return this.unknownNameIdx;
    this.symbols.clock = this.seq;
    return this.strings.intern(this.symbols.resolve(this.vpidOf(e, t), addr));
  }

  private pushFrame(t: CallStack, ts: number, kind: SliceKind, name: number, addr: number, origin: Frame): void {
    const depth = t.stack.length;
    const i = t.sStart.push(ts);
    t.sEnd.push(NaN);
    t.sSelf.push(0);
    t.sDepth.push(depth > 0xffff ? 0xffff : depth);
    t.sKind.push(kind);
    t.sName.push(name);
    t.sAddr.push(addr);
    t.sFlags.push(0);
    t.stack.push(i);
    t.stackOrigin.push(origin);
    t.stackChildNs.push(0);
    t.openByOrigin[origin]++;
    if (depth + 1 > t.maxDepth) t.maxDepth = depth + 1;
  }

  private popFrame(t: CallStack, ts: number, flags: number): void {
    const i = t.stack.pop()!;
    t.openByOrigin[t.stackOrigin.pop()!]--;
    const childNs = t.stackChildNs.pop()!;
    const start = t.sStart.get(i);
    const end = ts > start ? ts : start;
    const dur = end - start;
    t.sEnd.set(i, end);
    t.sSelf.set(i, dur - childNs);
    t.sFlags.set(i, t.sFlags.get(i) | flags);
    const n = t.stackChildNs.length;
    if (n > 0) t.stackChildNs[n - 1] += dur;
    else t.lastDepth0EndNs = end;
  }

  /**
   * Pop down to the topmost frame of the given origin. Frames above it were left without their own return
   * (a c_call ended by an exception, a lost exit) and are closed as mismatched. False when there is none.
   */
  private popTo(t: CallStack, origin: Frame, ts: number, exitAddr: number): boolean {
    if (t.openByOrigin[origin] === 0) return false;
    let k = t.stack.length - 1;
    while (k >= 0 && t.stackOrigin[k] !== origin) k--;
    if (k < 0) return false;
    while (t.stack.length - 1 > k) {
      this.anomalies.mismatchedReturns++;
      this.popFrame(t, ts, SliceFlag.Mismatched);
    }
    let flags = 0;
    if (!Number.isNaN(exitAddr) && exitAddr !== t.sAddr.get(t.stack[k])) {
      // Trace Compass pops anyway and warns.
      flags = SliceFlag.Mismatched;
      this.anomalies.mismatchedReturns++;
    }
    this.popFrame(t, ts, flags);
    return true;
  }

  /** A return with nothing to return from: the frame was entered before we saw the thread (or before a loss). */
  private unmatchedReturn(
    thread: ThreadBuilder,
    t: CallStack,
    ts: number,
    kind: SliceKind,
    name: number,
    addr: number,
  ): void {
    this.anomalies.unmatchedReturns++;
    if (t.stack.length > 0) return; // other kinds of frames are open: nowhere to put it without overlapping
    let start = thread.firstNs;
    if (t.lastDepth0EndNs > start) start = t.lastDepth0EndNs;
    if (t.resetNs > start) start = t.resetNs;
    if (start > ts) start = ts;
    t.sStart.push(start);
    t.sEnd.push(ts);
    t.sSelf.push(ts - start);
    t.sDepth.push(0);
    t.sKind.push(kind);
    t.sName.push(name);
    t.sAddr.push(addr);
    t.sFlags.push(SliceFlag.UnmatchedReturn);
    if (t.maxDepth < 1) t.maxDepth = 1;
    t.lastDepth0EndNs = ts;
  }

  private onDebugInfo(kind: Ev, e: EventRecord): void {
    const f = e.hasFields ? e : null;
    const vpid = this.vpidOf(e, undefined);
    if (vpid < 0) return;
    if (kind === Ev.UstDumpStart) {
      this.symbols.resetProcess(vpid);
      return;
    }
    if (!f) return;
    const baddr = num(f, FIELD.baddr.baddr); // first field of every debug-info kind
    if (!Number.isFinite(baddr)) return;
    switch (kind) {
      case Ev.BinInfo:
      case Ev.DlOpen: {
        const isPic = kind === Ev.DlOpen || !f.hasOpt ? true : num(f, FIELD.binInfo.is_pic) !== 0;
        const path = str(f, FIELD.binInfo.path) || str(f, FIELD.binInfo.sopath);
        this.symbols.addMapping(vpid, { baddr, memsz: num(f, FIELD.binInfo.memsz) || 0, path, isPic });
        return;
      }
      case Ev.BuildId: {
        const at = FIELD.buildId.build_id;
        const len = num(f, at); // -1: not a byte list
        let hex = '';
        for (let b = 1; b <= len; b++)
          hex += num(f, at + b)
            .toString(16)
            .padStart(2, '0');
        this.symbols.setBuildId(vpid, baddr, hex);
        return;
      }
      case Ev.DebugLink:
        this.symbols.setDebugLink(vpid, baddr, str(f, FIELD.debugLink.filename), num(f, FIELD.debugLink.crc));
        return;
      case Ev.DlClose:
        this.symbols.removeMapping(vpid, baddr);
        return;
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Losses.

  /** The latest time met so far (NaN before any): where a damaged stream's loss range ends. */
  get lastNs(): number {
    return this.endNs === -Infinity ? NaN : this.endNs;
  }

  addLoss(l: LossRecord | DamagedStreamLoss): void {
    const source = this.sources[l.trace];
    this.losses.push({
      kind: l.kind,
      count: l.count,
      beginNs: l.beginNs,
      endNs: l.endNs,
      cpu: l.cpu,
      trace: source?.name ?? String(l.trace),
      ...(l.kind === 'damaged-stream' ? { file: l.file, byteOffset: l.byteOffset } : {}),
    });
    if (source?.domain === 'kernel') return;
    // User-space events of the threads that were writing to this stream may be gone: the stacks cannot be
    // trusted. Close their open frames at the loss, marked, and start from an empty stack (digest 7.7).
    for (const t of this.live.values()) {
      const s = t.own ? t.calls : null;
      if (s === null || s.stack.length === 0 || s.callTrace !== l.trace) continue;
      if (l.cpu !== null && s.callCpu !== l.cpu) continue;
      const closeNs = Number.isNaN(l.beginNs) ? s.lastCallNs : Math.max(s.lastCallNs, l.beginNs);
      while (s.stack.length > 0) this.popFrame(s, closeNs, SliceFlag.BrokenByLoss);
      s.lastCallNs = closeNs;
      s.resetNs = Number.isNaN(l.endNs) ? closeNs : Math.max(closeNs, l.endNs);
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Result.

  /** The model; with partitions, this partition's part of it (finishPartition, then assembleModel). */
  finish(): TraceModel {
    return assembleModel([this.finishPartition()]);
  }

  /** This partition's threads and what it met, for assembleModel (assemble.ts) to join with the others'. */
  finishPartition(): ModelPartition {
    if (this.finished) throw new Error('ModelBuilder.finish() called twice');
    this.finished = true;
    const startNs = this.startNs === Infinity ? 0 : this.startNs;
    const endNs = this.endNs === -Infinity ? startNs : this.endNs;
    for (const t of this.live.values()) if (t.own) this.closeThread(t, endNs);
    this.strings.clock = this.seq + 1;
    // Finished a group at a time, each group's small columns copied straight into one buffer (arena.ts): the page
    // receives one buffer per group (plus the large columns, each in its own), not one per column, and no
    // column leaves the builder as a view into the growable columns' shared slabs.
    const own: ThreadBuilder[] = [];
    for (const t of this.all) if (t.own) own.push(t);
    const threads: ThreadModel[] = [];
    for (let i = 0; i < own.length; i += THREADS_PER_BUFFER) {
      const end = Math.min(own.length, i + THREADS_PER_BUFFER);
      let bytes = 0;
      for (let j = i; j < end; j++) bytes += this.arenaBytes(own[j]);
      const arena = new Arena(bytes);
      for (let j = i; j < end; j++) threads.push(this.threadModel(own[j], arena));
    }
    const threadIndex = own.map((t) => t.index);
    const cpus: CpuRunTable[] = [];
    this.cpuRuns.forEach((r, cpu) => {
      r.close(endNs);
      if (r.start.length === 0) return;
      cpus.push({
        cpu,
        count: r.start.length,
        startNs: r.start.finish(),
        endNs: r.end.finish(),
        kind: r.kind.finish(),
        thread: r.thread.finish(),
        tid: r.tid.finish(),
      });
      compactTypedArrays(cpus[cpus.length - 1]); // short columns out of the shared slabs (growable.ts)
    });
    const sources: TraceSource[] = this.sources.map((s, i) => ({
      name: s.name,
      domain: s.domain,
      eventCount: this.sourceEvents[i],
    }));
    const pythonSources: ModelPartition['pythonSources'] = [];
    this.pySources.forEach((s, name) => {
      if (s) pythonSources.push({ ...s, name: this.strings.list[name] });
    });
    return {
      partition: this.partition,
      partitions: this.partitions,
      strings: this.strings.list,
      stringsAt: Float64Array.from(this.strings.firstAt),
      threadCount: this.all.length,
      threads,
      threadIndex: Int32Array.from(threadIndex),
      pythonSources,
      symbols: this.symbols.part(),
      anomalies: { ...this.anomalies },
      cpus,
      shared: {
        originNs: this.originNs,
        startNs,
        endNs,
        losses: this.losses,
        hasKernel: this.hasKernel,
        sources,
        eventCount: this.eventCount,
      },
    };
  }

  /** Whether a thread's model has state and syscall tables (threadModel). */
  private hasKernelTables(t: ThreadBuilder): boolean {
    return this.hasKernel && t.cpuRow === undefined;
  }

  /**
   * A thread's columns, grouped as its model holds them: the one list that arenaBytes sizes and threadModel
   * finishes (in this order) into its group's arena.
   */
  private threadColumns(t: ThreadBuilder) {
    const s = t.calls ?? NO_CALLS;
    const kernel = this.hasKernelTables(t);
    return {
      slices: {
        startNs: s.sStart,
        endNs: s.sEnd,
        selfNs: s.sSelf,
        depth: s.sDepth,
        kind: s.sKind,
        name: s.sName,
        addr: s.sAddr,
        flags: s.sFlags,
      },
      nameHistory: { startNs: t.nameStart, name: t.nameIdx },
      other: t.otherNs !== null && t.otherNs.length > 0 ? { ns: t.otherNs } : null,
      states: kernel ? { startNs: t.stStart, endNs: t.stEnd, state: t.stState, cpu: t.stCpu } : null,
      syscalls: kernel ? { startNs: t.scStart, endNs: t.scEnd, name: t.scName, ret: t.scRet, flags: t.scFlags } : null,
    };
  }

  /** Bytes threadModel copies of t's columns into its group's arena. */
  private arenaBytes(t: ThreadBuilder): number {
    let bytes = 0;
    for (const group of Object.values(this.threadColumns(t)))
      if (group !== null) for (const column of Object.values(group)) bytes += column.arenaBytes;
    return bytes;
  }

  private threadModel(t: ThreadBuilder, arena: Arena): ThreadModel {
    const c = this.threadColumns(t);
    const slices = { count: c.slices.startNs.length, ...finishGroup(c.slices, arena) };
    sortSlices(slices);
    const m: ThreadModel = {
      tid: t.tid,
      pid: t.pid,
      name: t.name,
      slices,
      maxDepth: (t.calls ?? NO_CALLS).maxDepth,
      eventCount: t.eventCount,
      nameHistory: { count: c.nameHistory.startNs.length, ...finishGroup(c.nameHistory, arena) },
    };
    if (t.cpuRow !== undefined) m.cpuRow = t.cpuRow;
    if (c.other) m.otherEventsNs = c.other.ns.finish(arena).sort();
    if (c.states) m.states = { count: c.states.startNs.length, ...finishGroup(c.states, arena) };
    if (c.syscalls) m.syscalls = { count: c.syscalls.startNs.length, ...finishGroup(c.syscalls, arena) };
    return m;
  }
}

/** Each column of `group` finished into `arena`, under the same names. */
function finishGroup<G extends Record<string, Column<TypedArray>>>(
  group: G,
  arena: Arena,
): { [K in keyof G]: ReturnType<G[K]['finish']> } {
  const out: Record<string, TypedArray> = {};
  for (const key in group) out[key] = group[key].finish(arena);
  return out as { [K in keyof G]: ReturnType<G[K]['finish']> };
}

type SliceColumns = ThreadModel['slices'];

/** Slices are appended at their call, so already in order except around synthesized unmatched-return frames. */
function sortSlices(s: SliceColumns): void {
  let sorted = true;
  for (let i = 1; i < s.count && sorted; i++) {
    const a = s.startNs[i - 1];
    const b = s.startNs[i];
    if (b < a || (b === a && s.depth[i] < s.depth[i - 1])) sorted = false;
  }
  if (sorted) return;
  const order = Array.from({ length: s.count }, (_, i) => i);
  order.sort((i, j) => s.startNs[i] - s.startNs[j] || s.depth[i] - s.depth[j] || i - j);
  const permute = <T extends Float64Array | Uint16Array | Uint8Array | Int32Array>(col: T): void => {
    const copy = col.slice();
    for (let k = 0; k < order.length; k++) col[k] = copy[order[k]];
  };
  permute(s.startNs);
  permute(s.endNs);
  permute(s.selfNs);
  permute(s.depth);
  permute(s.kind);
  permute(s.name);
  permute(s.addr);
  permute(s.flags);
}
