/**
 * Decoder benchmark.
 *
 * Corpus mode, `npm run bench:decode [-- TRACE_PATH...]`: decodes ../shared/corpus/traces/tc-many-threads (and any
 * trace folders given) in Node, counting events per name (the `dump --format=count` work, no printing), and times
 * `babeltrace2 -o dummy PATH` on the same trace. Each figure is the best of several runs; peak RSS is the process's
 * high-water mark (babeltrace2's through GNU time when it is on PATH).
 *
 * Synth mode, `npm run bench:decode -- --synth-size=100MB [--synth-size=1GB ...] [--seed=N]`: synthesizes a `scale`
 * session of about that size (stream bytes; reused from the OS temp folder when one with the same size and seed
 * exists), then decodes it in a fresh Node process per run (so peak RSS / heap are those of that decode alone),
 * and runs babeltrace2 on it.
 *
 * Both modes end with the whole-process comparison: `npm run dump -- PATH --format=count` (through npm, then the
 * prebuilt bundle run directly, `node tmp/cli/dump.mjs`, without npm's own start-up) against
 * `babeltrace2 -c sink.utils.counter PATH`, wall and CPU time (user + system, from GNU time) of each process,
 * beside the floors of `node -e 0` and `npm run -s env`; the commands take turns, best of at least 5 rounds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { openExperiment } from '../src/ctf/index';
import { readTraceFolder } from '../src/ctf/node-fs';
import { NodeDir } from '../src/synth/node-dir';
import { synthesizeSession } from '../src/synth/session';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface Result {
  seconds: number;
  events: number;
  bytes: number;
  peakRssMB: number | null;
  /** Peak used JS heap, sampled every 65536 events and at the end (synth mode). */
  peakHeapMB?: number;
}

function decodeOnce(path: string): Result {
  const t0 = process.hrtime.bigint();
  const exp = openExperiment(readTraceFolder(path));
  const counts = new Map<string, number>();
  let events = 0;
  let peakHeap = getHeapStatistics().used_heap_size;
  exp.decode((e) => {
    counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
    events++;
    if ((events & 0xffff) === 0) peakHeap = Math.max(peakHeap, getHeapStatistics().used_heap_size);
  });
  peakHeap = Math.max(peakHeap, getHeapStatistics().used_heap_size);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    seconds,
    events,
    bytes: exp.totalBytes,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    peakHeapMB: peakHeap / 1048576,
  };
}

/** One decode in a fresh Node process (same loader as this one): peak memory of that decode alone. */
function decodeInChild(path: string): Result {
  const r = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), `--child-decode=${path}`],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  if (r.status !== 0) throw new Error(`decode of ${path} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Result;
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

interface ProcessRun {
  wall: number;
  cpu: number;
}

/** One process under GNU time: wall and CPU seconds; null when it fails or GNU time is missing. */
function timedProcess(cmd: string, args: string[]): ProcessRun | null {
  const timeBin = gnuTime();
  if (timeBin === null) return null;
  const r = spawnSync(timeBin, ['-f', '%e %U %S', cmd, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.error || r.status !== 0) return null;
  const [wall, user, sys] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { wall, cpu: user + sys };
}

/** Runs of each whole-process figure: at least 5, the best kept (a shared machine's other jobs only add time). */
const PROCESS_RUNS = Math.max(RUNS, 5);

/**
 * Best wall and best CPU time of each command over PROCESS_RUNS rounds, the commands run one after the other in
 * each round, so that every one meets the machine's load of the same moments.
 */
function bestRuns(cmds: Array<[string, string[]]>): Array<ProcessRun | null> {
  const runs: ProcessRun[][] = cmds.map(() => []);
  for (let i = 0; i < PROCESS_RUNS; i++) {
    cmds.forEach(([cmd, args], k) => {
      const r = timedProcess(cmd, args);
      if (r) runs[k].push(r);
    });
  }
  return runs.map((rs) =>
    rs.length === 0 ? null : { wall: Math.min(...rs.map((r) => r.wall)), cpu: Math.min(...rs.map((r) => r.cpu)) },
  );
}

/**
 * Whole-process `dump --format=count` (npm, bundle) against babeltrace2's counter sink, with the floors a Node
 * command cannot go under: `node -e 0` (Node's own start-up) and `npm run -s env` (npm's own start-up, no script
 * of ours).
 */
function wholeProcess(paths: Array<{ label: string; path: string }>): void {
  // Builds the bundle if a source changed, so that no timed run pays for it.
  spawnSync(process.execPath, ['scripts/cli.mjs', 'dump', paths[0].path, '--format=count'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  const rows = [
    '| trace | npm run dump s (CPU s) | bundle s (CPU s) | babeltrace2 counter s (CPU s) | ratio bt2 / npm run (wall) | ratio bt2 / bundle (wall) | ratio bt2 / bundle (CPU) | floors: node -e 0 s (CPU s), npm run -s env s (CPU s) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const f = (r: ProcessRun | null) => (r ? `${fmt(r.wall, 2)} (${fmt(r.cpu, 2)})` : 'n/a');
  const ratio = (a: number | undefined, b: number | undefined) =>
    a !== undefined && b !== undefined && b > 0 ? fmt(a / b, 2) : 'n/a';
  for (const { label, path } of paths) {
    const [viaNpm, bundle, bt, node0, npm0] = bestRuns([
      ['npm', ['run', '-s', 'dump', '--', path, '--format=count']],
      [process.execPath, [join(repoRoot, 'tmp', 'cli', 'dump.mjs'), path, '--format=count']],
      ['babeltrace2', ['-c', 'sink.utils.counter', path]],
      [process.execPath, ['-e', '0']],
      ['npm', ['run', '-s', 'env']],
    ]);
    rows.push(
      `| ${label} | ${f(viaNpm)} | ${f(bundle)} | ${f(bt)} | ${ratio(bt?.wall, viaNpm?.wall)} | ${ratio(bt?.wall, bundle?.wall)} | ${ratio(bt?.cpu, bundle?.cpu)} | ${f(node0)}, ${f(npm0)} |`,
    );
  }
  console.log(`\nWhole process, --format=count (best of ${PROCESS_RUNS} rounds, commands interleaved; GNU time)\n`);
  console.log(rows.join('\n'));
}

function best(rs: Result[]): Result {
  return rs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

const BYTES_PER_EVENT = 31; // stream bytes per event of the `scale` scenario (measured)
const SIZE_UNITS: Record<string, number> = { KB: 1e3, MB: 1e6, GB: 1e9 };

function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(KB|MB|GB)$/i.exec(text);
  if (!m) throw new Error(`bad --synth-size ${text} (expected e.g. 100MB or 1GB)`);
  return Math.round(Number(m[1]) * SIZE_UNITS[m[2].toUpperCase()]);
}

/** A `scale` session of about `bytes` stream bytes under the OS temp folder, synthesized unless already there. */
function synthTrace(label: string, bytes: number, seed: number): string {
  const events = Math.round(bytes / BYTES_PER_EVENT);
  const dir = join(tmpdir(), `strata-bench-scale-${label}-seed${seed}`);
  const marker = join(dir, '.strata-synth.json'); // hidden: not read as a trace file
  if (existsSync(marker)) {
    const m = JSON.parse(readFileSync(marker, 'utf8')) as { events: number; seed: number };
    if (m.events === events && m.seed === seed) return dir;
  }
  rmSync(dir, { recursive: true, force: true });
  console.error(`synthesizing ${label} (${events.toLocaleString('en-US')} events, seed ${seed}) into ${dir} ...`);
  const t0 = performance.now();
  const r = synthesizeSession(new NodeDir(dir), { scenario: 'scale', events, seed });
  const written = r.kernel.bytes + r.ust.bytes;
  console.error(`  ${((performance.now() - t0) / 1000).toFixed(1)} s, ${(written / 1e6).toFixed(1)} MB of streams`);
  writeFileSync(
    marker,
    JSON.stringify({ events, seed, writtenEvents: r.kernel.events + r.ust.events, bytes: written }),
  );
  return dir;
}

function synthMain(sizes: string[], seed: number): void {
  const rows: string[] = [];
  rows.push(
    '| trace | MB | events | strata s | strata Mev/s | strata MB/s | strata peak RSS MB | strata peak heap MB | babeltrace2 s | bt2 Mev/s | bt2 MB/s | bt2 peak RSS MB | speed ratio (bt2 s / strata s) |',
  );
  rows.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const label of sizes) {
    const dir = synthTrace(label, parseSize(label), seed);
    const runs = Array.from({ length: RUNS }, () => decodeInChild(dir));
    const ours = best(runs);
    const peakRss = Math.max(...runs.map((r) => r.peakRssMB ?? 0));
    const peakHeap = Math.max(...runs.map((r) => r.peakHeapMB ?? 0));
    const btRuns = Array.from({ length: RUNS }, () => babeltraceOnce(dir)).filter((r): r is Result => r !== null);
    const bt = btRuns.length > 0 ? best(btRuns) : null;
    const mb = ours.bytes / 1e6;
    rows.push(
      `| scale ${label} | ${fmt(mb, 1)} | ${fmt(ours.events)} | ${fmt(ours.seconds, 2)} | ${fmt(ours.events / ours.seconds / 1e6, 2)} | ${fmt(mb / ours.seconds, 1)} | ${fmt(peakRss)} | ${fmt(peakHeap)} | ${bt ? fmt(bt.seconds, 2) : 'n/a'} | ${bt ? fmt(ours.events / bt.seconds / 1e6, 2) : 'n/a'} | ${bt ? fmt(mb / bt.seconds, 1) : 'n/a'} | ${bt?.peakRssMB ? fmt(bt.peakRssMB) : 'n/a'} | ${bt ? fmt(bt.seconds / ours.seconds, 2) : 'n/a'} |`,
    );
  }
  console.log(
    `Decoder benchmark, synthetic scale sessions (best of ${RUNS} runs, each strata run in a fresh Node ${process.version} process, one thread; babeltrace2 -o dummy)\n`,
  );
  console.log(rows.join('\n'));
  wholeProcess(sizes.map((label) => ({ label: `scale ${label}`, path: synthTrace(label, parseSize(label), seed) })));
}

function main(): void {
  const args = process.argv.slice(2);
  const child = args.find((a) => a.startsWith('--child-decode='));
  if (child) {
    console.log(JSON.stringify(decodeOnce(child.slice('--child-decode='.length))));
    return;
  }
  const sizes = args.filter((a) => a.startsWith('--synth-size=')).map((a) => a.slice('--synth-size='.length));
  const seedArg = args.find((a) => a.startsWith('--seed='));
  const seed = seedArg ? Number(seedArg.slice('--seed='.length)) : 1;
  if (!Number.isInteger(seed)) throw new Error(`bad ${seedArg}`);
  const unknown = args.find((a) => a.startsWith('--') && !a.startsWith('--synth-size=') && !a.startsWith('--seed='));
  if (unknown) throw new Error(`unknown option ${unknown}`);
  if (sizes.length > 0) {
    for (const s of sizes) parseSize(s);
    synthMain(sizes, seed);
    return;
  }
  const paths = [join(repoRoot, '..', 'shared', 'corpus', 'traces', 'tc-many-threads'), ...args];
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
  console.log(
    `Decoder benchmark (best of ${RUNS} runs; strata: Node ${process.version}, one thread; babeltrace2 -o dummy)\n`,
  );
  console.log(rows.join('\n'));
  wholeProcess(paths.map((p) => ({ label: p.split('/').filter(Boolean).pop()!, path: p })));
}

main();
