/**
 * Command-line decoder: `npm run dump -- PATH [--format=text|ndjson|count]`.
 * ndjson is the corpus reference format (../shared/corpus/README.md); text is one readable line per event, with
 * integers in the metadata's preferred base (0x.. for hexadecimal, as babeltrace2's text output);
 * count prints events per name and the total (read by column readers that skip every value). Invalid traces: message on stderr, exit code 1.
 */
import { CtfError, openExperiment, type Experiment, type LossRecord, type TraceEvent } from '../src/ctf/index';
import { ColumnTables } from '../src/ctf/decode/columns';
import { eventClassesByName, fieldText } from '../src/ctf/decode/text-format';
import { readTraceFolder } from '../src/ctf/node-fs';
import { referenceRecorder, refJson } from '../src/ctf/reference-format';

function usage(): never {
  process.stderr.write('usage: npm run dump -- PATH [--format=text|ndjson|count]\n');
  process.exit(2);
}

function timeText(exp: Experiment, tsNs: number): string {
  if (Number.isNaN(tsNs)) return '[no clock]';
  const abs = exp.absoluteNs(tsNs);
  const s = abs / 1000000000n;
  const ns = (abs % 1000000000n).toString().padStart(9, '0');
  return `[${s}.${ns}]`;
}

function damagedLossText(l: LossRecord, exp: Experiment): string {
  const s = exp.streams[l.stream];
  const path = exp.traces[s.trace].name ? `${exp.traces[s.trace].name}/${s.file}` : s.file;
  return `${path}: damaged ${l.kind} record (${l.count} lost): its range ends ${l.beginNs - l.endNs} ns before it begins, so where the loss happened is unknown`;
}

function main(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const args = process.argv.slice(2);
  let format = 'text';
  const paths: string[] = [];
  for (const a of args) {
    if (a.startsWith('--format=')) format = a.slice('--format='.length);
    else if (a.startsWith('--')) usage();
    else paths.push(a);
  }
  if (paths.length !== 1 || !['text', 'ndjson', 'count'].includes(format)) usage();
  const out: string[] = [];
  let outLen = 0;
  const write = (s: string) => {
    out.push(s);
    outLen += s.length;
    if (outLen > 1 << 20) flush();
  };
  const flush = () => {
    if (out.length > 0) process.stdout.write(out.join(''));
    out.length = 0;
    outLen = 0;
  };
  try {
    const exp = openExperiment(readTraceFolder(paths[0]));
    // Warnings from opening now, those found while decoding at the end.
    let warned = 0;
    const showWarnings = () => {
      for (; warned < exp.warnings.length; warned++) process.stderr.write(`warning: ${exp.warnings[warned]}\n`);
    };
    showWarnings();
    const ref = referenceRecorder(exp);
    if (format === 'count') {
      // Column readers that want nothing: every event is only skipped over and counted by class, no values built;
      // stream after stream (no merge by time: counts do not depend on order).
      const tables = new ColumnTables(() => null, false);
      const perName: number[] = [];
      let total = 0;
      let losses = 0;
      try {
        exp.decodeColumns(
          tables,
          (rec) => {
            perName[rec.nameId] = (perName[rec.nameId] ?? 0) + 1;
            total++;
          },
          (l) => {
            if (l.damaged) process.stderr.write(`warning: ${damagedLossText(l, exp)}\n`);
            losses++;
          },
          true,
        );
      } finally {
        showWarnings();
        const counts = tables.names
          .map((name, id): [string, number] => [name, perName[id] ?? 0])
          .filter(([, n]) => n > 0);
        for (const [name, n] of counts.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) write(`${n}\t${name}\n`);
        write(`${total}\ttotal events\n`);
        if (losses > 0) write(`${losses}\tloss records\n`);
        flush();
      }
      return;
    }
    const classes = exp.traces.map((tr) => eventClassesByName(tr.schema));
    const onEvent =
      format === 'ndjson'
        ? (e: TraceEvent) => write(`${refJson(ref.event(e))}\n`)
        : (e: TraceEvent) => {
            const cls = classes[e.trace].get(e.name);
            const parts = [timeText(exp, e.tsNs), e.name];
            if (e.cpu !== null) parts.push(`cpu ${e.cpu}`);
            if (exp.traces.length > 1) parts.push(`(${exp.traces[e.trace].name})`);
            if (e.ctx) parts.push(fieldText(e.ctx, cls?.stream.eventCommonContext));
            if (e.ectx) parts.push(fieldText(e.ectx, cls?.event.specificContext));
            parts.push(e.fields ? fieldText(e.fields, cls?.event.payload) : '{ }');
            write(parts.join(' ') + '\n');
          };
    const onLoss =
      format === 'ndjson'
        ? (l: LossRecord) => write(`${refJson(ref.loss(l))}\n`)
        : (l: LossRecord) =>
            write(
              `${timeText(exp, l.beginNs)} -- ${timeText(exp, l.endNs)} ${l.kind}: ${l.count} (stream ${exp.streams[l.stream].file}${l.cpu !== null ? `, cpu ${l.cpu}` : ''})${l.damaged ? ' DAMAGED: the range ends before it begins' : ''}\n`,
            );
    const onLossChecked = (l: LossRecord) => {
      if (l.damaged) process.stderr.write(`warning: ${damagedLossText(l, exp)}\n`);
      onLoss(l);
    };
    try {
      exp.decode(onEvent, onLossChecked);
    } finally {
      showWarnings();
      flush();
    }
  } catch (e) {
    flush();
    if (e instanceof CtfError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}

main();
