/**
 * `npm run bench:load [-- --events=32000000,128000000] [--no-babeltrace] [--dir=DIR] [--max-rss-gb=8]`: what a user sees opening a
 * large trace by link. For each size, a `scale` session from the synthesizer (cached in DIR between runs) is served
 * as a `.tar` from a local CORS server on 127.0.0.1 (packed on the fly, not copied), and Debian's Chromium
 * (@playwright/test's chromium) opens the production build (`npm run build` first) with `?trace=`. Prints the time to the
 * model on the page and to the timeline drawn, and the peak resident memory of all the browser's processes (the
 * sum of VmRSS over the Chromium process tree, sampled from /proc every 100 ms), beside babeltrace2's time to count
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
import { chromium } from '@playwright/test';
import { tarEnd, tarEntryHead, tarPadding } from '../src/ingest/tar';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const eventCounts = (opt('events') ?? '32000000').split(',').map(Number);
const runBabeltrace = !args.includes('--no-babeltrace');
const cacheDir = resolve(opt('dir') ?? join(tmpdir(), 'strata-bench-load'));
const distDir = resolve('dist');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const maxRssBytes = Number(opt('max-rss-gb') ?? 8) * 1e9;

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

/** Sum of VmRSS (bytes) of `rootPid` and all its descendants, and per Chromium process type (`--type=`). */
function treeRss(rootPid: number): { total: number; byType: Map<string, number> } {
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
  let total = 0;
  const byType = new Map<string, number>();
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      const type = /--type=([\w-]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))?.[1] ?? 'browser';
      const bytes = m ? Number(m[1]) * 1024 : 0;
      total += bytes;
      byType.set(type, (byType.get(type) ?? 0) + bytes);
    } catch {
      // gone meanwhile
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return { total, byType };
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

/** How the load time splits by phase, with the peak resident memory of each phase. */
function phaseLine(marks: Record<string, number>, drawnS: number, samples: Array<[number, number]>): string {
  const phases: Array<[string, number]> = [
    ['download + unpack', marks['strata-unpacked']],
    ['decode (model built alongside)', marks['strata-decoded']],
    ['model after the decoding', marks['strata-model-built']],
    ['hand-over to the page', marks['strata-model-received']],
    ['first draw', drawnS],
  ];
  let from = 0;
  const parts = phases.map(([name, to]) => {
    const peak = samples.filter(([t]) => t >= from && t <= to).reduce((m, [, b]) => Math.max(m, b), 0);
    const text = `${name} ${(to - from).toFixed(1)} s (peak ${(peak / 1e9).toFixed(2)} GB)`;
    from = to;
    return text;
  });
  return `  phases: ${parts.join(', ')}`;
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
  let peakByType = new Map<string, number>();
  /** Every sample (seconds since the navigation, bytes), to split the peak by load phase. */
  const samples: Array<[number, number]> = [];
  const sample = () => {
    const now = treeRss(browserPid);
    samples.push([(performance.now() - t0) / 1000, now.total]);
    if (now.total > peakRss) {
      peakRss = now.total;
      peakByType = now.byType;
    }
  };
  let t0 = performance.now();
  sample();
  let failure: string | null = null;
  let drawnS = NaN;
  let receivedS = NaN;
  let lastProgress = '';
  let marks: Record<string, number> = {};
  t0 = performance.now();
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
    await page.goto(`${app}/?trace=${encodeURIComponent(`${traceServer.base}/scale.tar`)}`);
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
    if (failure === null) {
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      drawnS = (performance.now() - t0) / 1000;
      // The page's phase marks (load-client.ts, trace-store.ts), in seconds since its navigation.
      marks = await page.evaluate(() =>
        Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime / 1000])),
      );
      receivedS = marks['strata-model-received'] ?? NaN;
    }
  } finally {
    clearInterval(sampler);
    sample();
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
      `  peak resident memory of the browser's processes: ${gb(peakRss)} GB (${(peakRss / streamBytes).toFixed(2)} x the trace); ` +
        `at the peak: ${[...peakByType].map(([t, b]) => `${t} ${gb(b)}`).join(', ')} GB`,
      ...(failure ? [] : [phaseLine(marks, drawnS, samples)]),
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
