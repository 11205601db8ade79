/**
 * Command-line decoder: `npm run dump -- PATH [--format=text|ndjson|count]`.
 * ndjson is the corpus reference format (../shared/corpus/README.md); text is one readable line per event, with
 * integers in the metadata's preferred base (0x.. for hexadecimal, as babeltrace2's text output);
 * count prints events per name and the total. Invalid traces: message on stderr, exit code 1.
 */
import { CtfError, openExperiment, type Experiment, type LossRecord, type TraceEvent } from '../src/ctf/index';
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
    const classes = exp.traces.map((tr) => eventClassesByName(tr.schema));
    const ref = referenceRecorder(exp);
    if (format === 'count') {
      const counts = new Map<string, number>();
      let total = 0;
      let losses = 0;
      try {
        exp.decode(
          (e) => {
            counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
            total++;
          },
          () => {
            losses++;
          },
        );
      } finally {
        for (const [name, n] of [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) write(`${n}\t${name}\n`);
        write(`${total}\ttotal events\n`);
        if (losses > 0) write(`${losses}\tloss records\n`);
        flush();
      }
      return;
    }
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
              `${timeText(exp, l.beginNs)} -- ${timeText(exp, l.endNs)} ${l.kind}: ${l.count} (stream ${exp.streams[l.stream].file}${l.cpu !== null ? `, cpu ${l.cpu}` : ''})\n`,
            );
    try {
      exp.decode(onEvent, onLoss);
    } finally {
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
