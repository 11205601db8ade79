/**
 * Decoder benchmark: `npm run bench:decode [-- TRACE_PATH...]`.
 * Decodes ../shared/corpus/traces/tc-many-threads (and any trace folders given) in Node, counting events per
 * name (the `dump --format=count` work, no printing), and times `babeltrace2 -o dummy PATH` on the same trace.
 * Each figure is the best of several runs; peak RSS is the process's high-water mark (babeltrace2's through
 * GNU time when it is on PATH).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openExperiment } from '../src/ctf/index';
import { readTraceFolder } from '../src/ctf/node-fs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface Result {
  seconds: number;
  events: number;
  bytes: number;
  peakRssMB: number | null;
}

function decodeOnce(path: string): Result {
  const t0 = process.hrtime.bigint();
  const exp = openExperiment(readTraceFolder(path));
  const counts = new Map<string, number>();
  let events = 0;
  exp.decode((e) => {
    counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
    events++;
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, events, bytes: exp.totalBytes, peakRssMB: process.resourceUsage().maxRSS / 1024 };
}

/** GNU time (for the child's peak RSS), looked up on PATH. */
function gnuTime(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, 'time');
    if (dir && existsSync(p)) return p;
  }
  return null;
}

function babeltraceOnce(path: string): Result | null {
  const timeBin = gnuTime();
  const useTime = timeBin !== null;
  const cmd = timeBin ?? 'babeltrace2';
  const args = useTime ? ['-f', '%M', 'babeltrace2', '-o', 'dummy', path] : ['-o', 'dummy', path];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error || r.status !== 0) return null;
  let peak: number | null = null;
  if (useTime) {
    const lines = r.stderr.trim().split('\n');
    const kb = Number(lines[lines.length - 1]);
    if (Number.isFinite(kb)) peak = kb / 1024;
  }
  return { seconds, events: NaN, bytes: NaN, peakRssMB: peak };
}

function best(rs: Result[]): Result {
  return rs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function main(): void {
  const paths = [join(repoRoot, '..', 'shared', 'corpus', 'traces', 'tc-many-threads'), ...process.argv.slice(2)];
  const rows: string[] = [];
  rows.push(
    '| trace | MB | events | strata s (first run) | strata s | strata Mev/s | strata MB/s | strata peak RSS MB | babeltrace2 s | bt2 Mev/s | bt2 peak RSS MB | speed ratio (bt2 s / strata s) |',
  );
  rows.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const p of paths) {
    if (!existsSync(p)) {
      console.error(`no such trace: ${p}`);
      process.exit(1);
    }
    const cold = decodeOnce(p); // first run in this process: includes JIT warm-up
    const ours = best(Array.from({ length: RUNS }, () => decodeOnce(p)));
    const btRuns = Array.from({ length: RUNS }, () => babeltraceOnce(p)).filter((r): r is Result => r !== null);
    const bt = btRuns.length > 0 ? best(btRuns) : null;
    const mb = ours.bytes / 1e6;
    const name = p.split('/').filter(Boolean).pop();
    rows.push(
      `| ${name} | ${fmt(mb, 1)} | ${fmt(ours.events)} | ${fmt(cold.seconds, 3)} | ${fmt(ours.seconds, 3)} | ${fmt(ours.events / ours.seconds / 1e6, 2)} | ${fmt(mb / ours.seconds, 1)} | ${fmt(ours.peakRssMB ?? 0)} | ${bt ? fmt(bt.seconds, 3) : 'n/a'} | ${bt ? fmt(ours.events / bt.seconds / 1e6, 2) : 'n/a'} | ${bt?.peakRssMB ? fmt(bt.peakRssMB) : 'n/a'} | ${bt ? fmt(bt.seconds / ours.seconds, 2) : 'n/a'} |`,
    );
  }
  console.log(`Decoder benchmark (best of ${RUNS} runs; strata: Node ${process.version}, one thread; babeltrace2 -o dummy)\n`);
  console.log(rows.join('\n'));
}

main();
