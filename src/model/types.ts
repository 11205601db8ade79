/**
 * The analysis model: what the views draw. Column tables of typed arrays (one array per field, no object per
 * slice), so a model with millions of slices is a few transferable buffers, not millions of objects.
 *
 * Times are nanoseconds relative to `TraceModel.originNs` (Float64). Names are indices into
 * `TraceModel.strings` (`IndexIntoStrings`).
 */

export type IndexIntoStrings = number;
export type IndexIntoThreads = number;

export const enum SliceKind {
  Python = 0,
  /** Compiled C: cyg-profile frames (named from symbols). */
  C = 1,
  /** A Python built-in implemented in C (`python:c_call`: len, print, ...), neither Python code nor a traced C symbol. */
  PythonBuiltin = 2,
}

/** Bit flags on a call slice. */
export const enum SliceFlag {
  /** The call had not returned when the trace ended: end is the trace end. */
  Unfinished = 1,
  /** Closed by a return that did not match it (cyg-profile exit addr differs). */
  Mismatched = 2,
  /** Lost events happened inside this slice: the stack may be wrong from here. */
  BrokenByLoss = 4,
  /**
   * A return arrived with an empty stack: the slice starts at the thread's first event (or, if later, where the
   * previous top-level slice ended or where a loss reset the stack), so it overlaps nothing.
   */
  UnmatchedReturn = 8,
}

/**
 * Call slices of one thread (Python and C frames interleaved in one stack), sorted by startNs, ties by depth.
 *
 *   depth 0  [foo..........................]
 *   depth 1     [bar...............]
 *   depth 2        [baz] [write-ish C]
 */
export interface SliceTable {
  count: number;
  startNs: Float64Array;
  endNs: Float64Array;
  /** Self time: duration minus the durations of direct children. */
  selfNs: Float64Array;
  depth: Uint16Array;
  kind: Uint8Array; // SliceKind
  name: Int32Array; // IndexIntoStrings: co_name, resolved symbol, or the address as 0x... text
  /** C frames: the function address (exact up to 2^53; user-space addresses fit). NaN for Python frames. */
  addr: Float64Array;
  flags: Uint8Array; // SliceFlag bits
}

/** Kernel thread states (Trace Compass control-flow values). */
export const enum ThreadState {
  Unknown = 0,
  WaitBlocked = 1,
  RunUser = 2,
  RunSyscall = 3,
  Interrupted = 4,
  WaitCpu = 5,
  WaitUnknown = 6,
  WaitFork = 7,
}

/** Contiguous state intervals of one thread, sorted by startNs, not overlapping. */
export interface StateTable {
  count: number;
  startNs: Float64Array;
  endNs: Float64Array;
  state: Uint8Array; // ThreadState
  /** CPU the thread ran / queued on during the interval, -1 if unknown. */
  cpu: Int16Array;
}

export const enum SyscallFlag {
  /** No exit seen before the trace end. */
  Unfinished = 1,
  /** Exit without an entry (the trace started inside the syscall). */
  NoEntry = 2,
  /** A forked child's copy of its parent's ongoing syscall (clone/fork): starts at the fork. */
  Inherited = 4,
}

/** Syscalls of one thread, sorted by startNs. */
export interface SyscallTable {
  count: number;
  startNs: Float64Array;
  endNs: Float64Array;
  name: Int32Array; // IndexIntoStrings, without the syscall_entry_ / sys_ prefix
  ret: Float64Array; // NaN when unknown
  flags: Uint8Array; // SyscallFlag bits
}

export interface ThreadModel {
  tid: number;
  /** Process id (tgid); -1 when unknown. */
  pid: number;
  /** Latest known name (comm / procname). */
  name: string;
  /** Every name the thread had, from when (fork, exec, comm changes); names are IndexIntoStrings. */
  nameHistory?: { count: number; startNs: Float64Array; name: Int32Array };
  /** When this row is not a real thread (user-space events with no vtid and no kernel trace): its CPU. */
  cpuRow?: number;
  slices: SliceTable;
  /** Number of stack levels used (deepest slice depth + 1); 0 without slices. */
  maxDepth: number;
  /** Present only when a kernel trace is loaded. */
  states?: StateTable;
  syscalls?: SyscallTable;
  /** Number of events attributed to the thread (for sorting by activity). */
  eventCount: number;
  /**
   * Sorted times of the thread's events that the model does not know (no slice, state or syscall shows them);
   * absent when none. A thread with only these is an events-only row: drawn as tick marks.
   */
  otherEventsNs?: Float64Array;
}

/** A row with nothing but events the model does not know (see ThreadModel.otherEventsNs). */
export function isEventsOnly(t: ThreadModel): boolean {
  return (
    t.otherEventsNs !== undefined &&
    t.slices.count === 0 &&
    (t.states === undefined || t.states.count === 0) &&
    (t.syscalls === undefined || t.syscalls.count === 0)
  );
}

/** What a CPU was doing during a run-table interval. */
export const enum CpuRunKind {
  /** A thread ran (user space or a syscall). */
  Run = 0,
  /** The idle task (swapper, tid 0) ran. */
  Idle = 1,
  /** A hardware irq handler ran (over `thread`, the thread it interrupted). */
  Irq = 2,
  /** A softirq handler ran (over `thread`, the thread it interrupted). */
  Softirq = 3,
}

/**
 * What ran on one CPU, from `sched_switch` (the CPU's current thread) and irq/softirq entry/exit: contiguous,
 * non-overlapping intervals sorted by startNs; an irq cuts the run it interrupts into two. Time before the CPU's
 * first `sched_switch` has no interval unless an irq ran then.
 */
export interface CpuRunTable {
  cpu: number;
  count: number;
  startNs: Float64Array;
  endNs: Float64Array;
  kind: Uint8Array; // CpuRunKind
  /** The thread that ran, or that the irq interrupted: IndexIntoThreads, -1 for idle or unknown. */
  thread: Int32Array;
  /** Its tid (0 for idle, -1 unknown): kept apart from `thread` so idle reads without a row. */
  tid: Int32Array;
}

export interface ProcessModel {
  pid: number;
  name: string;
  threads: IndexIntoThreads[];
}

export interface LossRange {
  /** 'damaged-stream': the rest of a stream could not be read (count: its unread bytes); see `file`, `byteOffset`. */
  kind: 'discarded-events' | 'discarded-packets' | 'damaged-stream';
  count: number;
  beginNs: number;
  endNs: number;
  cpu: number | null;
  /** Name of the trace (kernel, ust/uid/1000/64-bit, ...). */
  trace: string;
  /** Where a damaged stream's damage begins (file within the trace, byte). */
  file?: string;
  byteOffset?: number;
}

export interface TraceSource {
  name: string;
  domain: 'kernel' | 'ust' | 'other';
  eventCount: number;
}

export interface TraceModel {
  /** Absolute time (ns since the clock origin, usually the Unix epoch) of model time 0. */
  originNs: bigint;
  startNs: number;
  endNs: number;
  strings: string[];
  threads: ThreadModel[];
  processes: ProcessModel[];
  losses: LossRange[];
  /** Per CPU (sorted by cpu) what ran when; empty without a kernel trace. */
  cpus: CpuRunTable[];
  hasKernel: boolean;
  sources: TraceSource[];
  /** Total number of events decoded. */
  eventCount: number;
  /** Irregularities met while building (what was tolerated rather than crashed on). */
  anomalies?: ModelAnomalies;
  /** The binaries C frames fall into, and the frames still named by offset (`lib.so+0x12bb`) until resolved. */
  symbols?: SymbolInfo;
  /**
   * Where Python functions are defined, when `python:call` carries `co_filename` and `co_firstlineno` (or `lineno`):
   * per function name, the first file and line seen; `conflicting` when the same name came from several files.
   */
  pythonSources?: { name: IndexIntoStrings; file: string; line: number; conflicting?: boolean }[];
}

/** One source location of a C frame's chain (innermost first: inlined functions, then the real one). */
export interface SourceLine {
  fn: string;
  file: string;
  line: number;
}

/** A binary the trace maps (statedump `bin_info` / `lttng_ust_dl:dlopen`, with build-id and debug link). */
export interface SymbolBinary {
  path: string;
  buildId?: string;
  debugLink?: string;
  debugLinkCrc?: number;
  isPic: boolean;
  /** C frames (slices) that fall into it. */
  frames: number;
  /** The nm-style listing that named some of its frames while the model was built. */
  listing?: string;
  /** Set once symbol files were looked at: what named its frames, or why nothing did. */
  resolution?: { file?: string; namedBy?: string; problem?: string; named: number };
}

/** A C frame named by offset: `label` (its string) is renamed in place when its binary resolves. */
export interface SymbolFrame {
  label: IndexIntoStrings;
  binary: number;
  /** Offset as LTTng defines it: `ip - baddr` for position-independent binaries, else the address. */
  offset: number;
  /** After resolution: where it is in the source, innermost first (more than one when inlined). */
  source?: SourceLine[];
}

export interface SymbolInfo {
  binaries: SymbolBinary[];
  frames: SymbolFrame[];
  /** C frames named by a symbol listing while building: the binary of each name (names met in several: left out). */
  named?: { label: IndexIntoStrings; binary: number }[];
}

export interface ModelAnomalies {
  /** Returns / exits with no matching call on the thread's stack. */
  unmatchedReturns: number;
  /** `python:c_return` with no `python:c_call` on top of the stack (python-profile-ust emits those): ignored. */
  ignoredCReturns: number;
  /** Frames closed by a return that did not match them (cyg-profile exit addr, c_call without c_return). */
  mismatchedReturns: number;
  /** Kernel events naming the CPU's current thread (syscalls, irqs) before any sched_switch told who it was. */
  unattributedKernelEvents: number;
  /** Events without a usable timestamp (ignored by the model). */
  untimedEvents: number;
}
