/**
 * The one table of what the model understands: per event name, its kind and the payload fields the builder
 * reads, in the order it reads them. The decoder compiles a column reader per event class from it
 * (src/ctf/decode/columns.ts), the generic-event packer follows it (packed-events.ts), and the builder reads
 * fields by the indices derived from it (`FIELD.schedSwitch.prev_tid`): a field the builder starts to read
 * must be added here, or it does not typecheck. Besides these, every event's vtid / vpid / procname context
 * values, cpu, time and trace are kept.
 */
import type { ColumnPick, ColumnSpec } from '../ctf/decode/columns';

export const enum Ev {
  Other,
  SchedSwitch,
  Wakeup,
  Fork,
  Exec,
  Free,
  ProcState,
  SysEntry,
  SysExit,
  IrqEntry,
  IrqExit,
  SoftEntry,
  SoftExit,
  PyCall,
  PyCCall,
  PyReturn,
  PyCReturn,
  CygEntry,
  CygExit,
  UstDumpStart,
  BinInfo,
  DlOpen,
  BuildId,
  DebugLink,
  DlClose,
  UstProcname,
}

/** Fields per kind. `opt` (present or not) and `bytes` (variable length) fields come last: the ones before are at fixed indices. */
const SPECS = {
  none: {},
  schedSwitch: { prev_tid: 'num', next_tid: 'num', prev_comm: 'str', next_comm: 'str', prev_state: 'num' },
  wakeup: { tid: 'num', comm: 'str', target_cpu: 'num' },
  fork: {
    parent_tid: 'num',
    child_tid: 'num',
    parent_pid: 'num',
    parent_comm: 'str',
    child_pid: 'num',
    child_comm: 'str',
  },
  exec: { tid: 'num', filename: 'str' },
  tid: { tid: 'num' },
  procState: { tid: 'num', name: 'str', pid: 'num', status: 'num', cpu: 'num' },
  sysExit: { ret: 'num' },
  pyCall: { co_name: 'str', co_filename: 'str', co_firstlineno: 'num', lineno: 'num' },
  cyg: { addr: 'num' },
  binInfo: { baddr: 'num', memsz: 'num', path: 'str', sopath: 'str', is_pic: 'opt' },
  buildId: { baddr: 'num', build_id: 'bytes' },
  debugLink: { baddr: 'num', filename: 'str', crc: 'num' },
  baddr: { baddr: 'num' },
  procname: { procname: 'str' },
  // perf's raw_syscalls carry the number, not the name; perf_tid (every perf sample's current thread) tells
  // which thread runs on the CPU before the trace's first sched_switch there.
  rawSysEntry: { id: 'num', perf_tid: 'num' },
  rawSysExit: { ret: 'num', id: 'num', perf_tid: 'num' },
  // Any other `subsystem:name` event: perf's sample thread, if it is a perf event (absent, NaN, in UST ones).
  perfSample: { perf_tid: 'num', perf_pid: 'num' },
} as const satisfies Record<string, Record<string, ColumnPick>>;

type Specs = typeof SPECS;

function indices<T extends Record<string, ColumnPick>>(spec: T): { readonly [K in keyof T]: number } {
  const out: Record<string, number> = {};
  Object.keys(spec).forEach((k, i) => (out[k] = i));
  return out as { [K in keyof T]: number };
}

/** Index of each field among the values of its kind's records. */
export const FIELD: { readonly [S in keyof Specs]: { readonly [K in keyof Specs[S]]: number } } = {
  none: indices(SPECS.none),
  schedSwitch: indices(SPECS.schedSwitch),
  wakeup: indices(SPECS.wakeup),
  fork: indices(SPECS.fork),
  exec: indices(SPECS.exec),
  tid: indices(SPECS.tid),
  procState: indices(SPECS.procState),
  sysExit: indices(SPECS.sysExit),
  pyCall: indices(SPECS.pyCall),
  cyg: indices(SPECS.cyg),
  binInfo: indices(SPECS.binInfo),
  buildId: indices(SPECS.buildId),
  debugLink: indices(SPECS.debugLink),
  baddr: indices(SPECS.baddr),
  procname: indices(SPECS.procname),
  rawSysEntry: indices(SPECS.rawSysEntry),
  rawSysExit: indices(SPECS.rawSysExit),
  perfSample: indices(SPECS.perfSample),
};

const COLUMN_SPECS = {} as Record<keyof Specs, ColumnSpec>;
for (const key of Object.keys(SPECS) as Array<keyof Specs>)
  COLUMN_SPECS[key] = Object.entries(SPECS[key]) as Array<[string, ColumnPick]>;

/**
 * The same fields under perf's names (`perf data convert --to-ctf` keeps the kernel tracepoints' own fields:
 * their `pid` is a thread id, and they have no process id: the sample's `perf_pid` is the current task's).
 * Same order as the LTTng spec, so FIELD indices hold; NONE names a field no event has (read as NaN).
 */
const NONE = '';
function renamed<S extends keyof Specs>(spec: S, names: { readonly [K in keyof Specs[S]]?: string }): ColumnSpec {
  const byName = names as Readonly<Record<string, string | undefined>>;
  return COLUMN_SPECS[spec].map(([field, pick]) => [byName[field] ?? field, pick] as const);
}

const PERF_SPECS = {
  schedSwitch: renamed('schedSwitch', { prev_tid: 'prev_pid', next_tid: 'next_pid' }),
  wakeup: renamed('wakeup', { tid: 'pid' }),
  fork: renamed('fork', { parent_tid: 'parent_pid', child_tid: 'child_pid', parent_pid: 'perf_pid', child_pid: NONE }),
  exec: renamed('exec', { tid: 'pid' }),
  tid: renamed('tid', { tid: 'pid' }),
};

export interface EventKind {
  kind: Ev;
  /** Syscall name for SysEntry / SysExit (null for the old `exit_syscall`, which does not say, and perf's raw_syscalls). */
  sysName: string | null;
  /** perf's raw_syscalls: the name is the payload's syscall number (FIELD.rawSysEntry.id / rawSysExit.id). */
  sysById: boolean;
  /** Payload fields read; null when the builder reads none and only counts the event (unless it has a context). */
  fields: ColumnSpec | null;
}

function k(kind: Ev, spec: keyof Specs | null, sysName: string | null = null): EventKind {
  return { kind, sysName, sysById: false, fields: spec === null ? null : COLUMN_SPECS[spec] };
}

function perf(kind: Ev, fields: ColumnSpec): EventKind {
  return { kind, sysName: null, sysById: false, fields };
}

/** What the model does with an event of this name. */
export function eventKindOf(name: string): EventKind {
  switch (name) {
    case 'sched_switch':
      return k(Ev.SchedSwitch, 'schedSwitch');
    case 'sched_waking':
    case 'sched_wakeup':
    case 'sched_wakeup_new':
      return k(Ev.Wakeup, 'wakeup');
    case 'sched_process_fork':
      return k(Ev.Fork, 'fork');
    case 'sched_process_exec':
      return k(Ev.Exec, 'exec');
    case 'sched_process_free':
      return k(Ev.Free, 'tid');
    case 'lttng_statedump_process_state':
      return k(Ev.ProcState, 'procState');
    case 'exit_syscall':
      return k(Ev.SysExit, 'sysExit');
    case 'irq_handler_entry':
      return k(Ev.IrqEntry, 'none');
    case 'irq_handler_exit':
      return k(Ev.IrqExit, 'none');
    case 'irq_softirq_entry':
    case 'softirq_entry':
      return k(Ev.SoftEntry, 'none');
    case 'irq_softirq_exit':
    case 'softirq_exit':
      return k(Ev.SoftExit, 'none');
    case 'python:call':
      return k(Ev.PyCall, 'pyCall');
    case 'python:c_call':
      return k(Ev.PyCCall, 'pyCall');
    case 'python:return':
      return k(Ev.PyReturn, 'none');
    case 'python:c_return':
      return k(Ev.PyCReturn, 'none');
    case 'lttng_ust_cyg_profile:func_entry':
    case 'lttng_ust_cyg_profile_fast:func_entry':
      return k(Ev.CygEntry, 'cyg');
    case 'lttng_ust_cyg_profile:func_exit':
    case 'lttng_ust_cyg_profile_fast:func_exit':
      return k(Ev.CygExit, 'cyg');
    case 'lttng_ust_statedump:start':
      return k(Ev.UstDumpStart, 'none');
    case 'lttng_ust_statedump:bin_info':
    case 'lttng_ust_statedump:soinfo': // UST 2.8 pre-release name (field `sopath`)
      return k(Ev.BinInfo, 'binInfo');
    case 'lttng_ust_dl:dlopen':
    case 'lttng_ust_dl:dlmopen':
      return k(Ev.DlOpen, 'binInfo');
    case 'lttng_ust_statedump:build_id':
    case 'lttng_ust_dl:build_id':
      return k(Ev.BuildId, 'buildId');
    case 'lttng_ust_statedump:debug_link':
    case 'lttng_ust_dl:debug_link':
      return k(Ev.DebugLink, 'debugLink');
    case 'lttng_ust_dl:dlclose':
      return k(Ev.DlClose, 'baddr');
    case 'lttng_ust_statedump:procname':
      return k(Ev.UstProcname, 'procname');
    // perf data convert --to-ctf: `subsystem:tracepoint` names, perf's field names.
    case 'sched:sched_switch':
      return perf(Ev.SchedSwitch, PERF_SPECS.schedSwitch);
    case 'sched:sched_waking':
    case 'sched:sched_wakeup':
    case 'sched:sched_wakeup_new':
      return perf(Ev.Wakeup, PERF_SPECS.wakeup);
    case 'sched:sched_process_fork':
      return perf(Ev.Fork, PERF_SPECS.fork);
    case 'sched:sched_process_exec':
      return perf(Ev.Exec, PERF_SPECS.exec);
    case 'sched:sched_process_free':
      return perf(Ev.Free, PERF_SPECS.tid);
    case 'raw_syscalls:sys_enter':
      return { ...k(Ev.SysEntry, 'rawSysEntry'), sysById: true };
    case 'raw_syscalls:sys_exit':
      return { ...k(Ev.SysExit, 'rawSysExit'), sysById: true };
    case 'irq:irq_handler_entry':
      return k(Ev.IrqEntry, 'none');
    case 'irq:irq_handler_exit':
      return k(Ev.IrqExit, 'none');
    case 'irq:softirq_entry':
      return k(Ev.SoftEntry, 'none');
    case 'irq:softirq_exit':
      return k(Ev.SoftExit, 'none');
  }
  for (const [prefix, kind] of SYSCALL_PREFIXES) {
    if (name.startsWith(prefix)) return k(kind, kind === Ev.SysExit ? 'sysExit' : 'none', name.slice(prefix.length));
  }
  // LTTng kernel names have no provider; perf's (and UST's) do: a perf event tells its thread.
  return k(Ev.Other, name.includes(':') ? 'perfSample' : null);
}

const SYSCALL_PREFIXES: ReadonlyArray<readonly [string, Ev]> = [
  ['syscall_entry_', Ev.SysEntry],
  ['compat_syscall_entry_', Ev.SysEntry],
  ['syscall_exit_', Ev.SysExit],
  ['compat_syscall_exit_', Ev.SysExit],
  // LTTng < 2.6: sys_<name> entries, one exit_syscall exit.
  ['sys_', Ev.SysEntry],
  ['compat_sys_', Ev.SysEntry],
];

/** The decoder's view of the table: fields to read per event name. */
export function modelFieldsOf(name: string): ColumnSpec | null {
  return eventKindOf(name).fields;
}
