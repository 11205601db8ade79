/**
 * `npm run bench:load [-- --events=32000000,128000000] [--no-babeltrace] [--dir=DIR] [--max-rss-gb=8]`: what a user sees opening a
 * large trace by link. For each size, a `scale` session from the synthesizer (cached in DIR between runs) is served
 * as a `.tar` from a local CORS server on 127.0.0.1 (packed on the fly, not copied), and Debian's Chromium
 * (@playwright/test's chromium) opens the production build (`npm run build` first) with `?trace=`. Prints the time to the
 * model on the page and to the timeline drawn, how that time splits by load phase (the page's performance marks), and
 * the peak memory of all the browser's processes, sampled from /proc: the sum of PSS every second (shared pages
 * counted once: the tree's real footprint) and, every 100 ms, the sum of VmRSS (Chromium's mapped binary counted once per
 * process), with the renderer's split per phase. Beside it, babeltrace2's time to count
 * the same session's events (`-c sink.utils.counter`) in the same run. A browser whose processes pass
 * `--max-rss-gb` is stopped (the machine is shared: the kernel's OOM killer must not pick another job) and the
 * run is reported as not fitting, with how far it got.
 */
import { spawnSync } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, relative, resolve, sep } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { tarEnd, tarEntryHead, tarPadding } from '../src/ingest/tar';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const eventCounts = (opt('events') ?? '32000000').split(',').map(Number);
const runBabeltrace = !args.includes('--no-babeltrace');
const cacheDir = resolve(opt('dir') ?? join(tmpdir(), 'strata-bench-load'));
const distDir = resolve('dist');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const maxRssBytes = Number(opt('max-rss-gb') ?? 8) * 1e9;
/** `--busy`: a Chromium trace of the load, summed per thread (busy time, garbage collection). */
const busyReport = args.includes('--busy');
/** `--profile=FILE`: the page's main-thread CPU profile from the navigation to the first drawn timeline. */
const profileFile = opt('profile');
/** `--query=a=1&b=2`: more parameters for the page's address (`decodeWorkers=N`, `modelWorkers=N`). */
const extraQuery = opt('query') ? `&${opt('query')}` : '';
/** VmRSS is sampled every 100 ms; PSS, which costs the kernel far more to compute, every second. */
const PSS_EVERY_MS = 1000;

if (!existsSync(join(distDir, 'index.html'))) {
  console.error('bench:load: no production build in dist/: run `npm run build` first');
  process.exit(2);
}

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      return statSync(full).isDirectory() ? listFiles(full) : [full];
    });
}

/** The session for `events` events (synthesized once, reused by later runs). */
function session(events: number): string {
  const dir = join(cacheDir, `scale-${events}`);
  const done = join(cacheDir, `scale-${events}.done`);
  if (!existsSync(done)) {
    console.error(`synthesizing ${events} events into ${dir} ...`);
    const r = spawnSync(
      'npx',
      ['tsx', 'scripts/synth.ts', '--out', dir, '--scenario', 'scale', '--events', String(events)],
      { stdio: 'inherit' },
    );
    if (r.status !== 0) throw new Error('npm run synth failed');
    writeFileSync(done, '');
  }
  return dir;
}

/** A folder served as one `.tar`, streamed from its files (Content-Length known in advance). */
function tarPlan(dir: string): { parts: Array<Uint8Array | { file: string; size: number }>; sizeBytes: number } {
  const root = dir.split(sep).pop()!;
  const parts: Array<Uint8Array | { file: string; size: number }> = [];
  for (const file of listFiles(dir)) {
    const size = statSync(file).size;
    parts.push(
      ...tarEntryHead(`${root}/${relative(dir, file).split(sep).join('/')}`, size),
      { file, size },
      tarPadding(size),
    );
  }
  parts.push(tarEnd());
  const sizeBytes = parts.reduce((n, p) => n + (p instanceof Uint8Array ? p.length : p.size), 0);
  return { parts, sizeBytes };
}

const MIME: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.gz': 'application/gzip',
  '.svg': 'image/svg+xml',
};

function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ server: Server; base: string }> {
  const server = createServer(handler);
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () =>
      done({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

/** The production build, as `vite preview` would serve it. */
function serveDist(): Promise<{ server: Server; base: string }> {
  return listen((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const file = join(distDir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(distDir) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
}

function serveTar(name: string, plan: ReturnType<typeof tarPlan>): Promise<{ server: Server; base: string }> {
  return listen(async (req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'Content-Length');
    if (req.url?.split('?')[0] !== `/${name}`) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/x-tar', 'Content-Length': String(plan.sizeBytes) });
    for (const p of plan.parts) {
      if (p instanceof Uint8Array) {
        if (!res.write(p)) await new Promise((r) => res.once('drain', r));
        continue;
      }
      for await (const chunk of createReadStream(p.file, { highWaterMark: 1 << 20 })) {
        if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
      }
    }
    res.end();
  });
}

/** The browser's process tree (pid, Chromium process type), found again with every PSS sample. */
let treeCache: Array<{ pid: number; type: string }> = [];

function processTree(rootPid: number): Array<{ pid: number; type: string }> {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  const tree: Array<{ pid: number; type: string }> = [];
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    try {
      const type = /--type=([\w-]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))?.[1] ?? 'browser';
      tree.push({ pid, type });
    } catch {
      // gone meanwhile
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/**
 * Sum of VmRSS (bytes) of `rootPid` and all its descendants, and per Chromium process type (`--type=`); with
 * `withPss`, the sum of PSS too, and the tree is walked again (walking /proc every 100 ms cost a tenth of a core).
 */
function treeRss(rootPid: number, withPss: boolean): { total: number; pssTotal: number; byType: Map<string, number> } {
  if (withPss || treeCache.length === 0) treeCache = processTree(rootPid);
  let total = 0;
  let pssTotal = 0;
  const byType = new Map<string, number>();
  for (const { pid, type } of treeCache) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
      const bytes = kb('VmRSS');
      total += bytes;
      byType.set(type, (byType.get(type) ?? 0) + bytes);
      // Anonymous memory (heaps) apart from file and shared pages (mapped files, shared memory).
      for (const part of ['RssAnon', 'RssFile', 'RssShmem'])
        byType.set(`${type}.${part}`, (byType.get(`${type}.${part}`) ?? 0) + kb(part));
      // Proportional set size: a page shared by n processes counts 1/n in each (the sum is the tree's real
      // footprint; the sum of RSS counts Chromium's mapped binary once per process). Reading it walks the
      // process's page tables (tens of ms of kernel time on a 2 GB renderer), so it is read less often than VmRSS:
      // on 2 cores, reading it every 100 ms took a third of a core from the load measured.
      if (withPss)
        pssTotal +=
          Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) * 1024;
    } catch {
      // gone meanwhile
    }
  }
  return { total, pssTotal, byType };
}

function babeltraceSeconds(dir: string): { seconds: number; events: number } {
  const t0 = performance.now();
  const r = spawnSync('babeltrace2', ['-c', 'sink.utils.counter', dir], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`babeltrace2 failed: ${r.stderr}`);
  // The counter prints running totals every 10,000 messages: the last one is the total.
  const all = [...r.stdout.matchAll(/^\s*(\d+) Event messages/gm)];
  return { seconds, events: all.length > 0 ? Number(all[all.length - 1][1]) : NaN };
}

/**
 * Traces the renderer (every thread: page, workers) over the load and sums, per thread, the time its tasks ran
 * and the time V8's garbage collector took in them: where a 2-core machine's CPU went.
 */
async function startBusyTrace(page: Page): Promise<{ stop(): Promise<string[]> }> {
  const cdp = await page.context().newCDPSession(page);
  const events: Array<{ ph: string; name: string; tid: number; ts: number; dur?: number; args?: { name?: string } }> =
    [];
  cdp.on('Tracing.dataCollected', (e) => {
    for (const ev of e.value) events.push(ev as unknown as (typeof events)[number]);
  });
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: ['toplevel', 'disabled-by-default-v8.gc', '__metadata'] },
    transferMode: 'ReportEvents',
  });
  return {
    async stop() {
      const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
      await cdp.send('Tracing.end');
      await done;
      const names = new Map<number, string>();
      const taskMs = new Map<number, number>();
      // GC events nest (a major GC and its phases): their union per thread is the time GC held it.
      const gcSpans = new Map<number, Array<[number, number]>>();
      for (const e of events) {
        if (e.ph === 'M' && e.name === 'thread_name') names.set(e.tid, e.args?.name ?? String(e.tid));
        if (e.ph !== 'X' || e.dur === undefined) continue;
        if (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask')
          taskMs.set(e.tid, (taskMs.get(e.tid) ?? 0) + e.dur / 1000);
        else if (/^V8\.GC/.test(e.name) && !/BACKGROUND/.test(e.name)) {
          const list = gcSpans.get(e.tid) ?? [];
          list.push([e.ts, e.ts + e.dur]);
          gcSpans.set(e.tid, list);
        }
      }
      const gcMs = (tid: number): number => {
        const spans = (gcSpans.get(tid) ?? []).sort((a, b) => a[0] - b[0]);
        let total = 0;
        let end = -Infinity;
        for (const [a, b] of spans) {
          if (b <= end) continue;
          total += b - Math.max(a, end);
          end = b;
        }
        return total / 1000;
      };
      const busy = new Map([...taskMs].map(([tid, ms]) => [tid, { taskMs: ms, gcMs: gcMs(tid) }]));
      // The page's main-thread tasks over 50 ms (what a user feels as a stall), with when they began.
      const mainTids = new Set([...names].filter(([, n]) => n === 'CrRendererMain').map(([tid]) => tid));
      const firstTs = Math.min(...events.filter((e) => mainTids.has(e.tid) && e.ts > 0).map((e) => e.ts));
      const long = events
        .filter(
          (e) =>
            mainTids.has(e.tid) &&
            e.ph === 'X' &&
            (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') &&
            (e.dur ?? 0) > 50_000,
        )
        .sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0));
      return [
        `  main-thread tasks over 50 ms: ${long.length}${long.length > 0 ? ': ' : ''}${long
          .slice(0, 8)
          .map((e) => `${((e.dur ?? 0) / 1000).toFixed(0)} ms at ${((e.ts - firstTs) / 1e6).toFixed(1)} s`)
          .join(', ')}`,
        '  busy time per thread (Chromium trace: tasks run, of which garbage collection):',
        ...[...busy]
          .filter(([, b]) => b.taskMs > 100)
          .sort((a, b) => b[1].taskMs - a[1].taskMs)
          .map(
            ([tid, b]) =>
              `    ${names.get(tid) ?? tid}: ${(b.taskMs / 1000).toFixed(1)} s, GC ${(b.gcMs / 1000).toFixed(1)} s`,
          ),
      ];
    },
  };
}

/** How the load time splits by phase, with the peak resident memory of each phase. */
function phaseLine(
  marks: Record<string, number>,
  drawnS: number,
  samples: Array<[number, number, Map<string, number>]>,
): string {
  const phases: Array<[string, number]> = [
    ['start (page, workers)', marks['strata-phase-fetch'] ?? marks['strata-unpacked']],
    ['download', marks['strata-phase-unpack'] ?? marks['strata-unpacked']],
    ['unpack (list the files)', marks['strata-unpacked']],
    ['decode (model built alongside)', marks['strata-decoded']],
    ['model after the decoding', marks['strata-model-built']],
    ['hand-over to the page', marks['strata-model-received']],
    ['timeline preparation (row layout, first-frame rehearsal)', marks['strata-timeline-prepared']],
    ['first draw', drawnS],
  ];
  let from = 0;
  const parts = phases.map(([name, to]) => {
    const inPhase = samples.filter(([t]) => t >= from && t <= to);
    const none: [number, number, Map<string, number>] = [0, 0, new Map()];
    const peak = inPhase.reduce((m, s) => (s[1] > m[1] ? s : m), none);
    const r = (k: string) => ((peak[2].get(k) ?? 0) / 1e9).toFixed(2);
    const text = `${name} ${(to - from).toFixed(1)} s (peak ${(peak[1] / 1e9).toFixed(2)} GB; renderer ${r('renderer')}: anonymous ${r('renderer.RssAnon')}, file ${r('renderer.RssFile')}, shared ${r('renderer.RssShmem')})`;
    from = to;
    return text;
  });
  return `  phases:\n    ${parts.join('\n    ')}`;
}

async function measure(events: number, app: string): Promise<void> {
  const dir = session(events);
  const streamBytes = listFiles(dir).reduce((n, f) => n + statSync(f).size, 0);
  const plan = tarPlan(dir);
  const traceServer = await serveTar('scale.tar', plan);
  const profile = mkdtempSync(join(tmpdir(), 'strata-bench-profile-'));
  // A persistent context has its own browser process, found in /proc by its profile directory.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1400, height: 900 },
  });
  const browserPid = readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .find((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmd.includes(`--user-data-dir=${profile}`) && !cmd.includes('--type=');
      } catch {
        return false;
      }
    });
  if (browserPid === undefined) throw new Error('cannot find the Chromium browser process');
  let peakRss = 0;
  let peakPss = 0;
  let peakByType = new Map<string, number>();
  /** Every sample (seconds since the navigation, bytes), to split the peak by load phase. */
  const samples: Array<[number, number, Map<string, number>]> = [];
  let lastPssAt = -Infinity;
  const sample = (force = false) => {
    const withPss = force || performance.now() - lastPssAt >= PSS_EVERY_MS;
    if (withPss) lastPssAt = performance.now();
    const now = treeRss(browserPid, withPss);
    samples.push([(performance.now() - t0) / 1000, now.total, now.byType]);
    peakPss = Math.max(peakPss, now.pssTotal);
    if (now.total > peakRss) {
      peakRss = now.total;
      peakByType = now.byType;
    }
  };
  let t0 = performance.now();
  sample(true);
  let failure: string | null = null;
  let drawnS = NaN;
  let receivedS = NaN;
  let lastProgress = '';
  let marks: Record<string, number> = {};
  let busyLines: string[] = [];
  t0 = performance.now();
  const t0EpochS = Date.now() / 1000;
  let stopOverCap: () => void = () => {};
  const overCap = new Promise<void>((resolve) => {
    stopOverCap = resolve;
  });
  const sampler = setInterval(() => {
    sample();
    if (peakRss > maxRssBytes && failure === null) {
      failure = `stopped: the browser's processes passed ${(maxRssBytes / 1e9).toFixed(1)} GB resident after ${((performance.now() - t0) / 1000).toFixed(1)} s (last progress shown: ${lastProgress || 'none'})`;
      stopOverCap();
    }
  }, 100);
  try {
    const page = await context.newPage();
    const tracing = busyReport ? await startBusyTrace(page) : null;
    const profiler = profileFile ? await page.context().newCDPSession(page) : null;
    if (profiler) {
      await profiler.send('Profiler.enable');
      await profiler.send('Profiler.start');
    }
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    page.on('crash', () => {
      failure ??= `the page crashed after ${((performance.now() - t0) / 1000).toFixed(1)} s (last progress shown: ${lastProgress || 'none'})`;
      stopOverCap();
    });
    const progressPoll = setInterval(() => {
      void page
        .getByTestId('load-detail')
        .innerText({ timeout: 200 })
        .then((t) => (lastProgress = t.replace(/\s+/g, ' ')))
        .catch(() => {});
    }, 1000);
    overCap.finally(() => clearInterval(progressPoll));
    await page.goto(`${app}/?trace=${encodeURIComponent(`${traceServer.base}/scale.tar`)}${extraQuery}`);
    // Both waits end in an error when the browser is closed (over the cap): ignored, `failure` says why.
    const drawn = page
      .getByTestId('thread-item')
      .first()
      .waitFor({ state: 'attached', timeout: 30 * 60_000 })
      .catch(() => {});
    const failed = page
      .getByRole('alert')
      .first()
      .waitFor({ timeout: 30 * 60_000 })
      .then(async () => {
        failure ??= await page.getByRole('alert').first().innerText();
      })
      .catch(() => {});
    await Promise.race([drawn, failed, overCap]);
    clearInterval(progressPoll);
    if (tracing) busyLines = await tracing.stop();
    if (profiler && profileFile) {
      const { profile } = await profiler.send('Profiler.stop');
      writeFileSync(profileFile, JSON.stringify(profile));
    }
    if (failure === null) {
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      drawnS = (performance.now() - t0) / 1000;
      // The page's phase marks (load-client.ts, trace-store.ts), in seconds since its navigation.
      // Page time starts at its navigation, a little after t0: marks move onto this script's clock.
      const startedS = (await page.evaluate(() => performance.timeOrigin)) / 1000 - t0EpochS;
      marks = await page.evaluate(() =>
        Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime / 1000])),
      );
      for (const k of Object.keys(marks)) marks[k] += startedS;
      receivedS = marks['strata-model-received'] ?? NaN; // on this script's clock, like drawnS
    }
  } finally {
    clearInterval(sampler);
    sample(true);
    await context.close();
    traceServer.server.close();
    rmSync(profile, { recursive: true, force: true });
  }
  const bt = runBabeltrace ? babeltraceSeconds(dir) : null;
  const gb = (b: number) => (b / 1e9).toFixed(2);
  console.log(
    [
      `session: ${events} events requested${bt ? ` (${bt.events} counted by babeltrace2)` : ''}, ${gb(streamBytes)} GB of files, served as a ${gb(plan.sizeBytes)} GB .tar`,
      failure
        ? `  Strata: did not open: ${failure}`
        : `  Strata (?trace= of the .tar): model on the page ${receivedS.toFixed(1)} s, timeline drawn ${drawnS.toFixed(1)} s`,
      `  peak memory of the browser's processes: proportional (PSS, shared pages counted once) ${gb(peakPss)} GB ` +
        `(${(peakPss / streamBytes).toFixed(2)} x the trace); resident (sum of RSS) ${gb(peakRss)} GB; ` +
        `at the peak: ${[...peakByType]
          .filter(([t]) => !t.includes('.'))
          .map(([t, b]) => `${t} ${gb(b)}`)
          .join(', ')} GB`,
      ...(failure ? [] : [phaseLine(marks, drawnS, samples)]),
      ...busyLines,
      bt
        ? `  babeltrace2 -c sink.utils.counter: ${bt.seconds.toFixed(1)} s (Strata / babeltrace2: ${(drawnS / bt.seconds).toFixed(2)})`
        : '  babeltrace2: not run',
    ].join('\n'),
  );
}

mkdirSync(cacheDir, { recursive: true });
const app = await serveDist();
try {
  for (const n of eventCounts) await measure(n, app.base);
} finally {
  app.server.close();
}
