/**
 * perf's kernel view, in LTTng's kernel trace shape: `tsx recorder/perf-to-lttng.ts PERF_CTF_DIR OUT_DIR
 * CLOCK_OFFSET_NS [UNISTD_H]`.
 *
 * `perf data convert --to-ctf` writes tracepoints as perf names them (`sched:sched_switch` with `prev_pid`,
 * `raw_syscalls:sys_enter` with a syscall number). The viewer reads one kernel shape, LTTng's (`sched_switch` with
 * `prev_tid`, `syscall_entry_write`...), so the recorder turns perf's trace into that shape with Strata's own
 * decoder and trace writer, instead of teaching the model a second dialect. Syscall numbers are named from the
 * machine's `asm/unistd_64.h`. The clock is CLOCK_MONOTONIC with the UST trace's offset, so both traces of the
 * session are on one clock exactly.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openExperiment } from '../src/ctf/experiment';
import type { FieldStruct, FieldValue, TraceEvent } from '../src/ctf/event';
import { readTraceFolder } from '../src/ctf/node-fs';
import { type FieldInput, StreamWriter, packetizeMetadata } from '../src/synth/ctf-writer';
import { type EventClassDef, type FieldDef, type FieldType, COMM_BYTES, kernelTsdl } from '../src/synth/layouts';
import { NodeDir } from '../src/synth/node-dir';

const PACKET_BYTES = 1 << 20;

const i32: FieldType = { k: 'int', bits: 32, signed: true, hex: false };
const i64: FieldType = { k: 'int', bits: 64, signed: true, hex: false };
const u32: FieldType = { k: 'int', bits: 32, signed: false, hex: false };
const comm: FieldType = { k: 'text', len: COMM_BYTES };
const str: FieldType = { k: 'string' };
const f = (name: string, type: FieldType): FieldDef => ({ name, type });

/** One output class: its LTTng layout and how to fill it from a perf event's payload. */
interface Mapping {
  fields: FieldDef[];
  values: (p: FieldStruct) => FieldInput[];
}

const text = (v: FieldValue | undefined): string => (typeof v === 'string' ? v : '');
const int = (v: FieldValue | undefined): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : 0);

const wakeup: Mapping = {
  fields: [f('comm', comm), f('tid', i32), f('prio', i32), f('target_cpu', i32)],
  values: (p) => [text(p.comm), int(p.pid), int(p.prio), int(p.target_cpu)],
};

/** perf tracepoint name -> LTTng event name and layout (lttng-modules 2.13's fields, in its order). */
const TRACEPOINTS: Record<string, [string, Mapping]> = {
  'sched:sched_switch': [
    'sched_switch',
    {
      fields: [
        f('prev_comm', comm),
        f('prev_tid', i32),
        f('prev_prio', i32),
        f('prev_state', i64),
        f('next_comm', comm),
        f('next_tid', i32),
        f('next_prio', i32),
      ],
      values: (p) => [
        text(p.prev_comm),
        int(p.prev_pid),
        int(p.prev_prio),
        int(p.prev_state),
        text(p.next_comm),
        int(p.next_pid),
        int(p.next_prio),
      ],
    },
  ],
  'sched:sched_wakeup': ['sched_wakeup', wakeup],
  'sched:sched_wakeup_new': ['sched_wakeup_new', wakeup],
  'sched:sched_waking': ['sched_waking', wakeup],
  'sched:sched_process_fork': [
    'sched_process_fork',
    {
      // perf's parent_pid/child_pid are thread ids; the process of the child is its own tid for a fork and
      // unknown for a thread (the model then keeps what the UST vpid or the statedump tell).
      fields: [f('parent_comm', comm), f('parent_tid', i32), f('child_comm', comm), f('child_tid', i32)],
      values: (p) => [text(p.parent_comm), int(p.parent_pid), text(p.child_comm), int(p.child_pid)],
    },
  ],
  'sched:sched_process_exec': [
    'sched_process_exec',
    {
      fields: [f('filename', str), f('tid', i32), f('old_tid', i32)],
      values: (p) => [text(p.filename), int(p.pid), int(p.old_pid)],
    },
  ],
  'sched:sched_process_exit': [
    'sched_process_exit',
    {
      fields: [f('comm', comm), f('tid', i32), f('prio', i32)],
      values: (p) => [text(p.comm), int(p.pid), int(p.prio)],
    },
  ],
  'sched:sched_process_free': [
    'sched_process_free',
    {
      fields: [f('comm', comm), f('tid', i32), f('prio', i32)],
      values: (p) => [text(p.comm), int(p.pid), int(p.prio)],
    },
  ],
  'irq:irq_handler_entry': [
    'irq_handler_entry',
    { fields: [f('irq', i32), f('name', str)], values: (p) => [int(p.irq), text(p.name)] },
  ],
  'irq:irq_handler_exit': [
    'irq_handler_exit',
    { fields: [f('irq', i32), f('ret', i32)], values: (p) => [int(p.irq), int(p.ret)] },
  ],
  'irq:softirq_entry': ['irq_softirq_entry', { fields: [f('vec', u32)], values: (p) => [int(p.vec)] }],
  'irq:softirq_exit': ['irq_softirq_exit', { fields: [f('vec', u32)], values: (p) => [int(p.vec)] }],
  'irq:softirq_raise': ['irq_softirq_raise', { fields: [f('vec', u32)], values: (p) => [int(p.vec)] }],
};

/** Syscall number -> name, from `#define __NR_write 1` lines. */
export function parseUnistd(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const m of text.matchAll(/^#define\s+__NR_(\w+)\s+(\d+)\s*$/gm)) names.set(Number(m[2]), m[1]);
  return names;
}

export interface ConvertResult {
  events: number;
  skipped: number;
  cpus: number;
}

export function convertPerfTrace(
  perfDir: string,
  outDir: string,
  clockOffsetNs: bigint,
  unistd: Map<number, string>,
): ConvertResult {
  const perfTraces = readTraceFolder(perfDir);
  const env = openExperiment(perfTraces).traces[0]?.env ?? {};

  // Pass 1: which classes the output needs (syscall classes are made for the numbers that occur).
  const sysIds = new Set<number>();
  openExperiment(perfTraces).decode((e) => {
    if (e.name === 'raw_syscalls:sys_enter' || e.name === 'raw_syscalls:sys_exit') sysIds.add(int(e.fields?.id));
  });
  const classes: EventClassDef[] = [];
  const byPerfName = new Map<string, { id: number; map: Mapping }>();
  for (const [perfName, [name, map]] of Object.entries(TRACEPOINTS)) {
    byPerfName.set(perfName, { id: classes.length, map });
    classes.push({ name, id: classes.length, fields: map.fields });
  }
  const sysName = (id: number) => unistd.get(id) ?? `unknown_${id}`;
  const entryClass = new Map<number, number>();
  const exitClass = new Map<number, number>();
  for (const id of [...sysIds].sort((a, b) => a - b)) {
    entryClass.set(id, classes.length);
    classes.push({ name: `syscall_entry_${sysName(id)}`, id: classes.length, fields: [] });
  }
  for (const id of [...sysIds].sort((a, b) => a - b)) {
    exitClass.set(id, classes.length);
    classes.push({ name: `syscall_exit_${sysName(id)}`, id: classes.length, fields: [f('ret', i64)] });
  }

  // Pass 2: write one stream per CPU, in time order.
  const dir = new NodeDir(outDir);
  const uuid = randomUUID();
  const writers = new Map<number, StreamWriter>();
  let lastRaw = 0;
  let events = 0;
  let skipped = 0;
  const experiment = openExperiment(perfTraces);
  // perf's clock has offset 0: its absolute ns are the CLOCK_MONOTONIC ns the output stores as they are.
  const rawOrigin = Number(experiment.originNs);
  const writerFor = (cpu: number, raw: number): StreamWriter => {
    let w = writers.get(cpu);
    if (w === undefined) {
      w = new StreamWriter({
        uuid,
        header: 'compact',
        packetBytes: PACKET_BYTES,
        cpu,
        context: [],
        classes,
        startTs: raw,
        data: dir.open(`channel0_${cpu}`),
        index: dir.open(`index/channel0_${cpu}.idx`),
      });
      writers.set(cpu, w);
    }
    return w;
  };
  experiment.decode((e: TraceEvent) => {
    const raw = rawOrigin + e.tsNs;
    const p = e.fields ?? {};
    const cpu = e.cpu ?? 0;
    let classId = -1;
    let values: FieldInput[] = [];
    if (e.name === 'raw_syscalls:sys_enter') classId = entryClass.get(int(p.id)) ?? -1;
    else if (e.name === 'raw_syscalls:sys_exit') {
      classId = exitClass.get(int(p.id)) ?? -1;
      values = [int(p.ret)];
    } else {
      const m = byPerfName.get(e.name);
      if (m !== undefined) {
        classId = m.id;
        values = m.map.values(p);
      }
    }
    if (classId < 0 || !Number.isFinite(raw)) {
      skipped++;
      return;
    }
    writerFor(cpu, raw).write(raw, classId, values);
    if (raw > lastRaw) lastRaw = raw;
    events++;
  });
  for (const w of writers.values()) w.close(lastRaw);

  const release = env.release ?? env.kernel_release ?? '';
  const tsdl = kernelTsdl({
    uuid,
    env: [
      ['hostname', String(env.host ?? env.hostname ?? '')],
      ['domain', 'kernel'],
      ['sysname', String(env.sysname ?? 'Linux')],
      ['kernel_release', String(release)],
      ['kernel_version', String(env.version ?? '')],
      ['tracer_name', 'perf'],
      ['trace_creation_datetime', new Date().toISOString()],
      ['converted_by', 'strata-record (perf data convert --to-ctf, then LTTng kernel layout)'],
    ],
    clock: {
      name: 'monotonic',
      uuid: randomUUID(),
      description: 'Monotonic Clock',
      freq: 1_000_000_000,
      offset: clockOffsetNs,
    },
  });
  writeFileSync(join(outDir, 'metadata'), packetizeMetadata(withClasses(tsdl, classes), uuid));
  return { events, skipped, cpus: writers.size };
}

/** kernelTsdl() lists lttng-modules' own classes: keep its preamble and list ours instead. */
function withClasses(tsdl: string, classes: EventClassDef[]): string {
  const cut = tsdl.indexOf('event {');
  // babeltrace2 takes LTTng-UST's clock as absolute (Unix epoch origin); with the same offset, so is this one,
  // and its muxer merges the two traces only when both say so.
  let out = (cut >= 0 ? tsdl.slice(0, cut) : tsdl).replace(/(\toffset = -?\d+;\n)(\};)/, '$1\tabsolute = TRUE;\n$2');
  for (const ev of classes) {
    out += `event {\n\tname = "${ev.name}";\n\tid = ${ev.id};\n\tstream_id = 0;\n\tfields := struct {\n`;
    for (const field of ev.fields) out += `\t\t${tsdlField(field)}\n`;
    out += '\t};\n};\n\n';
  }
  return out;
}

function tsdlField(field: FieldDef): string {
  const t = field.type;
  const int = (bits: number, signed: boolean, utf8 = false) =>
    `integer { size = ${bits}; align = 8; signed = ${signed ? 1 : 0}; encoding = ${utf8 ? 'UTF8' : 'none'}; base = 10; }`;
  switch (t.k) {
    case 'int':
      return `${int(t.bits, t.signed)} _${field.name};`;
    case 'string':
      return `string _${field.name};`;
    case 'text':
      return `${int(8, false, true)} _${field.name}[${t.len}];`;
    case 'seq':
      throw new Error('no sequence fields in converted perf events');
  }
}

function main(argv: string[]): void {
  const [perfDir, outDir, offset, unistdPath] = argv;
  if (!perfDir || !outDir || offset === undefined) {
    console.error('usage: tsx recorder/perf-to-lttng.ts PERF_CTF_DIR OUT_DIR CLOCK_OFFSET_NS [UNISTD_H]');
    process.exit(2);
  }
  // The running machine's syscall numbers (linux-libc-dev, installed with gcc): x86-64, else the generic table.
  const headers = unistdPath
    ? [unistdPath]
    : ['/usr/include/x86_64-linux-gnu/asm/unistd_64.h', '/usr/include/asm-generic/unistd.h'].filter(
        (h) => process.arch === 'x64' || !h.includes('x86_64'),
      );
  let unistd = new Map<number, string>();
  for (const header of headers) {
    try {
      unistd = parseUnistd(readFileSync(header, 'utf8'));
      if (unistd.size > 0) break;
    } catch {
      // try the next one
    }
  }
  if (unistd.size === 0)
    console.error(`perf-to-lttng: no syscall table in ${headers.join(', ')}: syscalls named by number`);
  const r = convertPerfTrace(perfDir, outDir, BigInt(offset), unistd);
  console.log(JSON.stringify(r));
}

if (process.argv[1] && /perf-to-lttng\.ts$/.test(process.argv[1])) main(process.argv.slice(2));
