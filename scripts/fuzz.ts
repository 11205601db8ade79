/**
 * Seeded fuzzer: `npm run fuzz -- [--cases N] [--seed S] [--jobs J] [--timeout-ms T] [--memory-mb M] [--case N]`.
 * Damaged copies of corpus traces (scripts/fuzz-mutate.ts) go through the page's decode path in child processes,
 * each case bounded in time (a hang is killed) and heap (an out-of-memory ends the child), and are classified:
 * clean error, decoded, crash, hang, oom. Failures are saved as reproducers under fuzz-failures/ (git-ignored):
 * the mutated trace folder plus case.json; `--case N` (same seed) replays one case in this process.
 * Exits with 1 on any crash, hang or oom.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaseResult, Outcome } from './fuzz-case';
import { makeCase } from './fuzz-mutate';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface FuzzOptions {
  cases: number;
  seed: number;
  /** Child processes working at once. */
  jobs: number;
  /** A case running longer than this is a hang. */
  timeoutMs: number;
  /** V8 heap limit of each child: a case that needs more is an oom. */
  memoryMb: number;
  /** Where failures are written (null: not saved). */
  saveDir: string | null;
  onResult?: (n: number, r: CaseResult, done: number) => void;
}

export interface FuzzFailure extends CaseResult {
  n: number;
  trace: string;
  mutations: string[];
  saved?: string;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  seconds: number;
  counts: Record<Outcome, number>;
  /** Outcome counts per corpus trace. */
  byTrace: Record<string, Record<Outcome, number>>;
  failures: FuzzFailure[];
}

const OUTCOMES: Outcome[] = ['error', 'decoded', 'crash', 'hang', 'oom'];
const zeroCounts = (): Record<Outcome, number> => ({ error: 0, decoded: 0, crash: 0, hang: 0, oom: 0 });

export function saveReproducer(
  dir: string,
  seed: number,
  n: number,
  r: CaseResult,
): { path: string; trace: string; mutations: string[] } {
  const c = makeCase(seed, n);
  const path = join(dir, `s${seed}-c${n}-${r.outcome}`);
  for (const e of c.entries) {
    mkdirSync(dirname(join(path, e.path)), { recursive: true });
    writeFileSync(join(path, e.path), e.data);
  }
  const replay = `npm run fuzz -- --seed ${seed} --case ${n}`;
  writeFileSync(
    join(path, 'case.json'),
    JSON.stringify({ seed, case: n, trace: c.trace, mutations: c.mutations, ...r, replay }, null, 2) + '\n',
  );
  return { path, trace: c.trace, mutations: c.mutations };
}

/** One child process running cases one at a time. */
class Runner {
  private child: ChildProcess | null = null;
  private stderr = '';
  private ready: Promise<void> | null = null;
  private pending: { n: number; resolve: (r: CaseResult) => void; timer: NodeJS.Timeout } | null = null;

  constructor(private readonly opts: FuzzOptions) {}

  private start(): Promise<void> {
    this.stderr = '';
    const child = fork(join(repoRoot, 'scripts/fuzz-case.ts'), [], {
      cwd: repoRoot,
      execArgv: ['--import', 'tsx', `--max-old-space-size=${this.opts.memoryMb}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    return new Promise((res, rej) => {
      child.on('message', (m: { ready?: true; n?: number } & Partial<CaseResult>) => {
        if (m.ready) return res();
        const p = this.pending;
        if (!p || m.n !== p.n) return;
        clearTimeout(p.timer);
        this.pending = null;
        p.resolve({ outcome: m.outcome!, message: m.message! });
      });
      child.on('exit', (code, signal) => {
        if (this.child === child) {
          this.child = null;
          this.ready = null;
        }
        const p = this.pending;
        if (p) {
          clearTimeout(p.timer);
          this.pending = null;
          const oom =
            /heap out of memory|Allocation failed|ERR_WORKER_OUT_OF_MEMORY|Invalid (array|typed array) length/.test(
              this.stderr,
            );
          p.resolve({
            outcome: oom ? 'oom' : 'crash',
            message: `child exited (${signal ?? code}): ${this.stderr.trim().slice(-1500)}`,
          });
        } else if (code !== 0 && signal === null) {
          rej(new Error(`fuzz child failed to start (${code}): ${this.stderr}`));
        }
      });
    });
  }

  async run(n: number): Promise<CaseResult> {
    if (!this.ready) this.ready = this.start();
    await this.ready;
    const child = this.child!;
    return new Promise((resolveCase) => {
      const timer = setTimeout(() => {
        this.pending = null;
        this.child = null;
        this.ready = null;
        child.kill('SIGKILL');
        resolveCase({ outcome: 'hang', message: `no result after ${this.opts.timeoutMs} ms` });
      }, this.opts.timeoutMs);
      this.pending = { n, resolve: resolveCase, timer };
      child.send({ seed: this.opts.seed, n });
    });
  }

  stop(): void {
    this.child?.kill('SIGKILL');
    this.child = null;
  }
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const t0 = performance.now();
  const counts = zeroCounts();
  const byTrace: Record<string, Record<Outcome, number>> = {};
  const failures: FuzzFailure[] = [];
  let next = 0;
  let done = 0;
  const runners = Array.from({ length: Math.max(1, opts.jobs) }, () => new Runner(opts));
  await Promise.all(
    runners.map(async (runner) => {
      while (next < opts.cases) {
        const n = next++;
        const r = await runner.run(n);
        done++;
        counts[r.outcome]++;
        const trace = makeCase(opts.seed, n).trace;
        (byTrace[trace] ??= zeroCounts())[r.outcome]++;
        if (r.outcome === 'crash' || r.outcome === 'hang' || r.outcome === 'oom') {
          const c = makeCase(opts.seed, n);
          const f: FuzzFailure = { n, trace: c.trace, mutations: c.mutations, ...r };
          if (opts.saveDir) f.saved = saveReproducer(opts.saveDir, opts.seed, n, r).path;
          failures.push(f);
        }
        opts.onResult?.(n, r, done);
      }
      runner.stop();
    }),
  );
  return { seed: opts.seed, cases: opts.cases, seconds: (performance.now() - t0) / 1000, counts, byTrace, failures };
}

export function formatReport(r: FuzzReport, opts: FuzzOptions): string {
  const lines: string[] = [];
  lines.push(
    `fuzz: seed ${r.seed}, ${r.cases} cases in ${r.seconds.toFixed(1)} s (${(r.cases / r.seconds).toFixed(1)} cases/s, ${opts.jobs} jobs, ${opts.timeoutMs} ms and ${opts.memoryMb} MB per case)`,
  );
  const label: Record<Outcome, string> = {
    error: 'clean error',
    decoded: 'decoded',
    crash: 'crash',
    hang: 'hang',
    oom: 'out of memory',
  };
  for (const o of OUTCOMES) lines.push(`  ${label[o].padEnd(14)}${String(r.counts[o]).padStart(8)}`);
  lines.push('  per trace (error / decoded / crash / hang / oom):');
  for (const [t, c] of Object.entries(r.byTrace).sort())
    lines.push(`    ${t.padEnd(44)} ${OUTCOMES.map((o) => c[o]).join(' / ')}`);
  for (const f of r.failures) {
    lines.push(`FAIL case ${f.n} (${f.outcome}) ${f.trace}: ${f.mutations.join('; ')}`);
    lines.push(`     ${f.message.split('\n').slice(0, 4).join('\n     ')}`);
    if (f.saved) lines.push(`     saved to ${f.saved}; replay: npm run fuzz -- --seed ${r.seed} --case ${f.n}`);
  }
  return lines.join('\n');
}

function parseArgs(argv: string[]): { opts: FuzzOptions; replay: number | null } {
  const opts: FuzzOptions = {
    cases: 1000,
    seed: 1,
    jobs: 2,
    timeoutMs: 10000,
    memoryMb: 1024,
    saveDir: join(repoRoot, 'fuzz-failures'),
  };
  let replay: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = (): number => {
      const v = Number(inline ?? argv[++i]);
      if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${flag} needs a non-negative integer`);
      return v;
    };
    if (flag === '--cases') opts.cases = value();
    else if (flag === '--seed') opts.seed = value();
    else if (flag === '--jobs') opts.jobs = Math.max(1, value());
    else if (flag === '--timeout-ms') opts.timeoutMs = value();
    else if (flag === '--memory-mb') opts.memoryMb = value();
    else if (flag === '--case') replay = value();
    else if (flag === '--no-save') opts.saveDir = null;
    else
      throw new Error(
        `unknown option ${argv[i]} (--cases N --seed S --jobs J --timeout-ms T --memory-mb M --case N --no-save)`,
      );
  }
  return { opts, replay };
}

async function main(): Promise<void> {
  const { opts, replay } = parseArgs(process.argv.slice(2));
  if (replay !== null) {
    const { runEntries } = await import('./fuzz-case');
    const c = makeCase(opts.seed, replay);
    console.log(`case ${replay} of seed ${opts.seed}: ${c.trace}: ${c.mutations.join('; ')}`);
    const r = runEntries(c.entries);
    console.log(`${r.outcome}: ${r.message}`);
    process.exitCode = r.outcome === 'crash' ? 1 : 0;
    return;
  }
  const every = Math.max(1, Math.min(1000, Math.round(opts.cases / 20)));
  const t0 = performance.now();
  const seen = { error: 0, decoded: 0, crash: 0, hang: 0, oom: 0 };
  const report = await runFuzz({
    ...opts,
    onResult: (_n, r, done) => {
      seen[r.outcome]++;
      // Running counts: a long run stopped early still leaves its figures.
      if (done % every === 0) {
        const s = ((performance.now() - t0) / 1000).toFixed(0);
        process.stderr.write(
          `  ${done}/${opts.cases} in ${s} s: ${Object.entries(seen)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}\n`,
        );
      }
    },
  });
  console.log(formatReport(report, opts));
  if (report.counts.crash + report.counts.hang + report.counts.oom > 0) process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  });
}
