/**
 * Event and stream layouts the synthesizer writes, copied from what LTTng emits on x86-64 (every type byte-aligned,
 * `align = 8`), and their TSDL text in the two dialects LTTng uses:
 * - lttng-modules (`metadata-ctf-1-8.c`): typealiases, `event_header_compact`, `integer { size; align; signed;
 *   encoding; base; }` with numeric booleans, sequences as `_x[ __x_length ]`;
 * - lttng-tools for UST (`tsdl-trace-class-visitor.cpp`): everything inline, quoted enum labels, `signed = true`
 *   only when signed, `base` only when not decimal, sequences as `_x[__x_length]`.
 * Field layouts follow lttng-modules 2.13 (`include/instrumentation/events/*.h`, syscall tables) and lttng-ust 2.13.
 */

export type IntBits = 8 | 16 | 32 | 64;

export type FieldType =
  | { k: 'int'; bits: IntBits; signed: boolean; hex: boolean }
  /** NUL-terminated UTF-8 string. */
  | { k: 'string' }
  /** char array of `len` bytes with UTF8 encoding (comm, procname). */
  | { k: 'text'; len: number }
  /** Sequence of integers whose length is the previous field (named `lengthOf`). */
  | { k: 'seq'; elem: { bits: IntBits; signed: boolean; hex: boolean } };

export interface FieldDef {
  /** Name without LTTng's `_` prefix (the TSDL writer adds it). */
  name: string;
  type: FieldType;
}

export interface EventClassDef {
  name: string;
  id: number;
  /** UST only. */
  loglevel?: number;
  fields: FieldDef[];
}

const u = (bits: IntBits, hex = false): FieldType => ({ k: 'int', bits, signed: false, hex });
const s = (bits: IntBits): FieldType => ({ k: 'int', bits, signed: true, hex: false });
const str: FieldType = { k: 'string' };
const text = (len: number): FieldType => ({ k: 'text', len });
const f = (name: string, type: FieldType): FieldDef => ({ name, type });

/** TASK_COMM_LEN. */
export const COMM_BYTES = 16;
/** lttng-ust <= 2.14 procname context length (LTTNG_UST_ABI_PROCNAME_LEN). */
export const UST_PROCNAME_BYTES = 17;

const comm = (name: string) => f(name, text(COMM_BYTES));
const pidT = (name: string) => f(name, s(32));

type Proto = [name: string, fields: FieldDef[]];

/** Kernel tracepoints, in the order lttng-modules registers them when every event is enabled. */
const KERNEL_TRACEPOINTS: Proto[] = [
  ['lttng_statedump_start', []],
  ['lttng_statedump_end', []],
  [
    'lttng_statedump_process_state',
    [
      pidT('tid'),
      pidT('pid'),
      pidT('ppid'),
      comm('name'),
      f('type', s(32)),
      f('mode', s(32)),
      f('submode', s(32)),
      f('status', s(32)),
      f('cpu', u(32)),
      f('file_table_address', u(64, true)),
    ],
  ],
  [
    'sched_switch',
    [
      comm('prev_comm'),
      pidT('prev_tid'),
      f('prev_prio', s(32)),
      f('prev_state', s(64)),
      comm('next_comm'),
      pidT('next_tid'),
      f('next_prio', s(32)),
    ],
  ],
  ['sched_waking', [comm('comm'), pidT('tid'), f('prio', s(32)), f('target_cpu', s(32))]],
  ['sched_wakeup', [comm('comm'), pidT('tid'), f('prio', s(32)), f('target_cpu', s(32))]],
  ['sched_wakeup_new', [comm('comm'), pidT('tid'), f('prio', s(32)), f('target_cpu', s(32))]],
  [
    'sched_process_fork',
    [
      comm('parent_comm'),
      pidT('parent_tid'),
      pidT('parent_pid'),
      f('parent_ns_inum', u(32)),
      comm('child_comm'),
      pidT('child_tid'),
      f('_vtids_length', u(8)),
      f('vtids', { k: 'seq', elem: { bits: 32, signed: true, hex: false } }),
      pidT('child_pid'),
      f('child_ns_inum', u(32)),
    ],
  ],
  ['sched_process_exec', [f('filename', str), pidT('tid'), pidT('old_tid')]],
  ['sched_process_exit', [comm('comm'), pidT('tid'), f('prio', s(32))]],
  ['sched_process_free', [comm('comm'), pidT('tid'), f('prio', s(32))]],
  ['irq_handler_entry', [f('irq', s(32)), f('name', str)]],
  ['irq_handler_exit', [f('irq', s(32)), f('ret', s(32))]],
  ['irq_softirq_entry', [f('vec', u(32))]],
  ['irq_softirq_exit', [f('vec', u(32))]],
  ['irq_softirq_raise', [f('vec', u(32))]],
];

/** x86-64 syscalls: [name, entry arguments, exit fields after `ret`]. */
const SYSCALLS: [string, FieldDef[], FieldDef[]][] = [
  ['read', [f('fd', u(32)), f('count', u(64))], [f('buf', u(64))]],
  ['write', [f('fd', u(32)), f('buf', u(64)), f('count', u(64))], []],
  ['openat', [f('dfd', s(32)), f('filename', str), f('flags', s(32)), f('mode', u(16))], []],
  ['close', [f('fd', u(32))], []],
  ['poll', [f('ufds', u(64)), f('nfds', u(32)), f('timeout_msecs', s(32))], [f('ufds', u(64))]],
  [
    'mmap',
    [f('addr', u(64, true)), f('len', u(64)), f('prot', s(32)), f('flags', s(32)), f('fd', s(32)), f('offset', s(64))],
    [],
  ],
  ['munmap', [f('addr', u(64)), f('len', u(64))], []],
  ['ioctl', [f('fd', u(32)), f('cmd', u(32)), f('arg', u(64))], [f('arg', u(64))]],
  [
    'clone',
    [f('clone_flags', u(64, true)), f('newsp', u(64, true)), f('parent_tid', u(64, true)), f('child_tid', u(64, true))],
    [],
  ],
  ['execve', [f('filename', str), f('argv', u(64, true)), f('envp', u(64, true))], []],
  ['wait4', [f('upid', s(32)), f('options', s(32))], [f('stat_addr', u(64)), f('ru', u(64))]],
  ['exit_group', [f('error_code', s(32))], []],
  [
    'futex',
    [f('uaddr', u(64)), f('op', s(32)), f('val', u(32)), f('utime', u(64)), f('uaddr2', u(64)), f('val3', u(32))],
    [f('uaddr', u(64)), f('uaddr2', u(64))],
  ],
  ['clock_nanosleep', [f('which_clock', s(32)), f('flags', s(32)), f('rqtp', u(64))], [f('rmtp', u(64))]],
  ['epoll_wait', [f('epfd', s(32)), f('maxevents', s(32)), f('timeout', s(32))], [f('events', u(64))]],
];

function numberClasses(protos: Proto[], loglevel?: number): EventClassDef[] {
  return protos.map(([name, fields], id) =>
    loglevel === undefined ? { name, id, fields } : { name, id, loglevel, fields },
  );
}

/**
 * Kernel event classes: tracepoints first, then every syscall entry, then every exit, as `lttng enable-event -k
 * --all` registers them. With more than 31 classes, the later ids need the extended compact header.
 */
export const KERNEL_EVENTS: EventClassDef[] = numberClasses([
  ...KERNEL_TRACEPOINTS,
  ...SYSCALLS.map(([name, args]): Proto => [`syscall_entry_${name}`, args]),
  ...SYSCALLS.map(([name, , out]): Proto => [`syscall_exit_${name}`, [f('ret', s(64)), ...out]]),
]);

/** lttng-ust loglevels. */
const TRACE_DEBUG_FUNCTION = 12;
const TRACE_DEBUG_LINE = 13;

const hex64 = u(64, true);
const UST_PROTOS: [Proto, number][] = [
  [['lttng_ust_statedump:start', []], TRACE_DEBUG_LINE],
  [
    [
      'lttng_ust_statedump:bin_info',
      [
        f('baddr', hex64),
        f('memsz', u(64)),
        f('path', str),
        f('is_pic', u(8)),
        f('has_build_id', u(8)),
        f('has_debug_link', u(8)),
      ],
    ],
    TRACE_DEBUG_LINE,
  ],
  [
    [
      'lttng_ust_statedump:build_id',
      [
        f('baddr', hex64),
        f('_build_id_length', u(64)),
        f('build_id', { k: 'seq', elem: { bits: 8, signed: false, hex: true } }),
      ],
    ],
    TRACE_DEBUG_LINE,
  ],
  [['lttng_ust_statedump:end', []], TRACE_DEBUG_LINE],
  [['python:call', [f('co_name', str)]], TRACE_DEBUG_LINE],
  [['python:c_call', [f('co_name', str)]], TRACE_DEBUG_LINE],
  [['python:return', []], TRACE_DEBUG_LINE],
  [['python:c_return', []], TRACE_DEBUG_LINE],
  [['lttng_ust_cyg_profile:func_entry', [f('addr', hex64), f('call_site', hex64)]], TRACE_DEBUG_FUNCTION],
  [['lttng_ust_cyg_profile:func_exit', [f('addr', hex64), f('call_site', hex64)]], TRACE_DEBUG_FUNCTION],
];

export const UST_EVENTS: EventClassDef[] = UST_PROTOS.map(([[name, fields], loglevel], id) => ({
  name,
  id,
  loglevel,
  fields,
}));

/** `lttng add-context -u -t vpid -t vtid -t procname`. */
export const UST_CONTEXT: FieldDef[] = [f('vpid', s(32)), f('vtid', s(32)), f('procname', text(UST_PROCNAME_BYTES))];

export function eventIdsByName(classes: EventClassDef[]): Map<string, number> {
  return new Map(classes.map((c) => [c.name, c.id]));
}

// ---------------------------------------------------------------------------------------------------------------
// TSDL text

export interface TraceDescription {
  uuid: string;
  env: [string, string | number][];
  clock: { name: string; uuid: string; description: string; freq: number; offset: bigint };
}

function envBlock(env: [string, string | number][]): string {
  const lines = env.map(
    ([k, v]) => `\t${k} = ${typeof v === 'number' ? v : `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`};\n`,
  );
  return `env {\n${lines.join('')}};\n\n`;
}

function modulesInt(t: { bits: number; signed: boolean; hex: boolean }, utf8 = false): string {
  return `integer { size = ${t.bits}; align = 8; signed = ${t.signed ? 1 : 0}; encoding = ${utf8 ? 'UTF8' : 'none'}; base = ${t.hex ? 16 : 10}; }`;
}

function modulesField(field: FieldDef, prev: FieldDef | undefined): string {
  const t = field.type;
  switch (t.k) {
    case 'int':
      return `\t\t${modulesInt(t)} _${field.name};\n`;
    case 'string':
      return `\t\tstring _${field.name};\n`;
    case 'text':
      return `\t\t${modulesInt({ bits: 8, signed: false, hex: false }, true)} _${field.name}[${t.len}];\n`;
    case 'seq':
      return `\t\t${modulesInt(t.elem)} _${field.name}[ _${prev!.name} ];\n`;
  }
}

/** The kernel metadata text, as lttng-modules 2.13 prints it on x86-64. */
export function kernelTsdl(desc: TraceDescription): string {
  const c = desc.clock;
  let out =
    'typealias integer { size = 8; align = 8; signed = false; } := uint8_t;\n' +
    'typealias integer { size = 16; align = 8; signed = false; } := uint16_t;\n' +
    'typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n' +
    'typealias integer { size = 64; align = 8; signed = false; } := uint64_t;\n' +
    'typealias integer { size = 64; align = 8; signed = false; } := unsigned long;\n' +
    'typealias integer { size = 5; align = 1; signed = false; } := uint5_t;\n' +
    'typealias integer { size = 27; align = 1; signed = false; } := uint27_t;\n\n' +
    `trace {\n\tmajor = 1;\n\tminor = 8;\n\tuuid = "${desc.uuid}";\n\tbyte_order = le;\n` +
    '\tpacket.header := struct {\n\t\tuint32_t magic;\n\t\tuint8_t  uuid[16];\n\t\tuint32_t stream_id;\n' +
    '\t\tuint64_t stream_instance_id;\n\t};\n};\n\n' +
    envBlock(desc.env) +
    `clock {\n\tname = "${c.name}";\n\tuuid = "${c.uuid}";\n\tdescription = "${c.description}";\n` +
    `\tfreq = ${c.freq}; /* Frequency, in Hz */\n\t/* clock value offset from Epoch is: offset * (1/freq) */\n` +
    `\toffset = ${c.offset};\n};\n\n`;
  for (const [bits, align] of [
    [27, 1],
    [32, 8],
    [64, 8],
  ]) {
    out += `typealias integer {\n\tsize = ${bits}; align = ${align}; signed = false;\n\tmap = clock.${c.name}.value;\n} := uint${bits}_clock_monotonic_t;\n\n`;
  }
  out +=
    'struct packet_context {\n\tuint64_clock_monotonic_t timestamp_begin;\n\tuint64_clock_monotonic_t timestamp_end;\n' +
    '\tuint64_t content_size;\n\tuint64_t packet_size;\n\tuint64_t packet_seq_num;\n\tunsigned long events_discarded;\n' +
    '\tuint32_t cpu_id;\n};\n\n' +
    'struct event_header_compact {\n\tenum : uint5_t { compact = 0 ... 30, extended = 31 } id;\n\tvariant <id> {\n' +
    '\t\tstruct {\n\t\t\tuint27_clock_monotonic_t timestamp;\n\t\t} compact;\n\t\tstruct {\n\t\t\tuint32_t id;\n' +
    '\t\t\tuint64_clock_monotonic_t timestamp;\n\t\t} extended;\n\t} v;\n} align(8);\n\n' +
    'struct event_header_large {\n\tenum : uint16_t { compact = 0 ... 65534, extended = 65535 } id;\n\tvariant <id> {\n' +
    '\t\tstruct {\n\t\t\tuint32_clock_monotonic_t timestamp;\n\t\t} compact;\n\t\tstruct {\n\t\t\tuint32_t id;\n' +
    '\t\t\tuint64_clock_monotonic_t timestamp;\n\t\t} extended;\n\t} v;\n} align(8);\n\n' +
    'stream {\n\tid = 0;\n\tevent.header := struct event_header_compact;\n\tpacket.context := struct packet_context;\n};\n\n';
  for (const ev of KERNEL_EVENTS) {
    out += `event {\n\tname = "${ev.name}";\n\tid = ${ev.id};\n\tstream_id = 0;\n\tfields := struct {\n`;
    ev.fields.forEach((field, i) => (out += modulesField(field, ev.fields[i - 1])));
    out += '\t};\n};\n\n';
  }
  return out;
}

function toolsInt(t: { bits: number; signed: boolean; hex: boolean }, extra = ''): string {
  return `integer { size = ${t.bits}; align = 8;${t.signed ? ' signed = true;' : ''}${t.hex ? ' base = 16;' : ''}${extra} }`;
}

function toolsField(field: FieldDef, prev: FieldDef | undefined): string {
  const t = field.type;
  switch (t.k) {
    case 'int':
      return `${toolsInt(t)} _${field.name};`;
    case 'string':
      return `string _${field.name};`;
    case 'text':
      return `${toolsInt({ bits: 8, signed: false, hex: false }, ' encoding = UTF8;')} _${field.name}[${t.len}];`;
    case 'seq':
      return `${toolsInt(t.elem)} _${field.name}[_${prev!.name}];`;
  }
}

function toolsStruct(fields: FieldDef[], indent: number): string {
  if (fields.length === 0) return 'struct {}';
  const tabs = '\t'.repeat(indent + 1);
  const body = fields.map((field, i) => `\n${tabs}${toolsField(field, fields[i - 1])}`).join('');
  return `struct {${body}\n${'\t'.repeat(indent)}}`;
}

/** The UST metadata text, as lttng-sessiond 2.13 prints it for a 64-bit per-UID buffer. */
export function ustTsdl(desc: TraceDescription): string {
  const c = desc.clock;
  const clk = `map = clock.${c.name}.value;`;
  let out =
    '/* CTF 1.8 */\n\n' +
    `trace {\n\tmajor = 1;\n\tminor = 8;\n\tuuid = "${desc.uuid}";\n\tbyte_order = le;\n` +
    '\tpacket.header := struct {\n\t\tinteger { size = 32; align = 8; } magic;\n' +
    '\t\tinteger { size = 8; align = 8; base = 16; } uuid[16];\n\t\tinteger { size = 32; align = 8; } stream_id;\n' +
    '\t\tinteger { size = 64; align = 8; } stream_instance_id;\n\t};\n};\n\n' +
    envBlock(desc.env) +
    `clock {\n\tname = "${c.name}";\n\tuuid = "${c.uuid}";\n\tdescription = "${c.description}";\n\tfreq = ${c.freq};\n` +
    `\toffset = ${c.offset};\n};\n\n` +
    'stream {\n\tid = 0;\n' +
    '\tevent.header := struct {\n\t\tenum : integer { size = 16; align = 8; } {\n\t\t\t"compact" = 0 ... 65534,\n' +
    '\t\t\t"extended" = 65535\n\t\t} id;\n\t\tvariant <id> {\n' +
    `\t\t\tstruct {\n\t\t\t\tinteger { size = 32; align = 8; ${clk} } timestamp;\n\t\t\t} compact;\n` +
    `\t\t\tstruct {\n\t\t\t\tinteger { size = 32; align = 8; } id;\n\t\t\t\tinteger { size = 64; align = 8; ${clk} } timestamp;\n` +
    '\t\t\t} extended;\n\t\t} v;\n\t};\n' +
    `\tpacket.context := struct {\n\t\tinteger { size = 64; align = 8; ${clk} } timestamp_begin;\n` +
    `\t\tinteger { size = 64; align = 8; ${clk} } timestamp_end;\n\t\tinteger { size = 64; align = 8; } content_size;\n` +
    '\t\tinteger { size = 64; align = 8; } packet_size;\n\t\tinteger { size = 64; align = 8; } packet_seq_num;\n' +
    '\t\tinteger { size = 64; align = 8; } events_discarded;\n\t\tinteger { size = 32; align = 8; } cpu_id;\n\t};\n' +
    `\tevent.context := ${toolsStruct(UST_CONTEXT, 1)};\n};\n\n`;
  for (const ev of UST_EVENTS) {
    out += `event {\n\tname = "${ev.name}";\n\tid = ${ev.id};\n\tstream_id = 0;\n\tloglevel = ${ev.loglevel};\n`;
    out += `\tfields := ${toolsStruct(ev.fields, 1)};\n};\n\n`;
  }
  return out;
}
