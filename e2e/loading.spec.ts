import { expect, test, type Page } from '@playwright/test';
import { gzipSync } from 'fflate';
import { startTraceServer, type TraceServer } from '../scripts/serve-trace';
import { writeTar } from '../src/ingest/tar';
import { corpusTarGz, folderEntries, GLXGEARS } from './trace-fixtures';
import { tracePath } from '../src/fixtures/corpus';

async function openLanding(page: Page) {
  await page.goto('/?trace=');
  await expect(page.getByRole('heading', { name: 'Strata' })).toBeVisible();
  await expect(page.getByTestId('drop-zone')).toBeVisible();
}

test.describe('loading from disk', () => {
  test('a .tar.gz chosen in the file dialog opens on the timeline with its threads', async ({ page }) => {
    await openLanding(page);
    await page.getByTestId('file-input').setInputFiles({
      name: `${GLXGEARS}.tar.gz`,
      mimeType: 'application/gzip',
      buffer: corpusTarGz(GLXGEARS),
    });
    await expect(page.getByTestId('timeline')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('trace-summary')).toContainText(GLXGEARS);
    // The cyg-profile glxgears trace has user-space events of the glxgears process.
    await expect(page.getByTestId('thread-item').first()).toBeAttached();
    const summary = await page.getByTestId('trace-summary').innerText();
    expect(summary).toMatch(/[1-9][\d,]* events/);
    expect(page.url()).toContain('?local');
  });

  test('loose files of a trace folder and a folder picked with the directory dialog open the same', async ({
    page,
  }) => {
    await openLanding(page);
    const files = folderEntries(tracePath(GLXGEARS), GLXGEARS);
    await page.getByTestId('file-input').setInputFiles(
      files.map((f) => ({
        name: f.path.split('/').pop()!,
        mimeType: 'application/octet-stream',
        buffer: Buffer.from(f.data),
      })),
    );
    await expect(page.getByTestId('timeline')).toBeVisible({ timeout: 30_000 });
    // The thread list renders after the canvas's first frames: count it once it is there.
    await expect(page.getByTestId('thread-item')).not.toHaveCount(0);
    const threads = await page.getByTestId('thread-item').count();
    expect(threads).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Open another trace' }).click();
    await page.getByTestId('dir-input').setInputFiles(tracePath(GLXGEARS));
    await expect(page.getByTestId('timeline')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('thread-item')).toHaveCount(threads);
  });

  test('a session archive dropped on the page: kernel and user space on one timeline, with its lost events shown', async ({
    page,
  }) => {
    await openLanding(page);
    const tar = Buffer.from(writeTar(folderEntries(tracePath('bt-multi-domains'), 'multi-session')));
    // A drop as the browser delivers it: a DataTransfer holding the file, dispatched on the page.
    await page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'multi-session.tar'));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }
    }, tar.toString('base64'));
    await expect(page.getByTestId('timeline')).toBeVisible({ timeout: 30_000 });
    const summary = page.getByTestId('trace-summary');
    await expect(summary).toContainText('multi-session');
    await expect(summary).toContainText('kernel (kernel,');
    await expect(summary).toContainText('ust (ust,');
    const notice = page.getByTestId('loss-notice');
    await expect(notice).toContainText('The tracer lost 728 events');
    await notice.locator('summary').click();
    await expect(notice.locator('tbody tr')).not.toHaveCount(0);
    await expect(notice.locator('tbody')).toContainText('728 events');
  });

  test('a file that is no trace says so', async ({ page }) => {
    await openLanding(page);
    await page
      .getByTestId('file-input')
      .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await expect(page.getByRole('alert')).toContainText('not a trace archive: notes.txt is neither tar, gzip nor zip');
  });
});

test.describe('the demo', () => {
  test('opens by default, with ?demo, and from the landing page button', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByTestId('timeline')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('trace-summary')).toContainText('python-fullstack');
    expect(page.url()).toContain('demo');
    await page.getByRole('button', { name: 'Open another trace' }).click();
    await expect(page.getByTestId('drop-zone')).toBeVisible();
    await page.goto('/?trace=');
    await page.getByRole('button', { name: 'Open demo trace' }).click();
    await expect(page.getByTestId('timeline')).toBeVisible({ timeout: 30_000 });
    await page.goto('/?demo');
    await expect(page.getByTestId('timeline')).toBeVisible({ timeout: 30_000 });
  });
});

test.describe('loading from a URL', () => {
  let withCors: TraceServer;
  let withoutCors: TraceServer;
  const glx = corpusTarGz(GLXGEARS);
  // A stream file cut short inside a packet: the decoder must name the file and the byte.
  const entries = folderEntries(tracePath(GLXGEARS), GLXGEARS);
  const cut = entries.map((e) =>
    e.path.endsWith('/channel0_1') ? { path: e.path, data: e.data.subarray(0, Math.floor(e.data.length / 2) + 3) } : e,
  );
  const corrupt = Buffer.from(gzipSync(writeTar(cut)));

  test.beforeAll(async () => {
    const files = [
      { urlPath: '/glxgears.tar.gz', bytes: glx },
      { urlPath: '/glxgears.tar', bytes: Buffer.from(writeTar(entries)) },
      { urlPath: '/notes.txt', bytes: Buffer.from('just some text, not a trace\n') },
      { urlPath: '/corrupt.tar.gz', bytes: corrupt },
    ];
    withCors = await startTraceServer({ files });
    withoutCors = await startTraceServer({ files, cors: false });
  });
  test.afterAll(async () => {
    await withCors.close();
    await withoutCors.close();
  });

  const open = (page: Page, url: string) => page.goto(`/?trace=${encodeURIComponent(url)}`);

  test('a hosted trace with CORS headers opens', async ({ page }) => {
    await open(page, `${withCors.baseUrl}/glxgears.tar.gz`);
    await expect(page.getByTestId('timeline')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('thread-item').first()).toBeAttached();
  });

  /** The OPFS directories of loads (opfs.ts) and the files in each. */
  const opfsLoads = (page: Page) =>
    page.evaluate(async () => {
      type Dir = { entries(): AsyncIterable<[string, FileSystemHandle]>; keys(): AsyncIterable<string> };
      const root = await navigator.storage.getDirectory();
      const loads = (await root.getDirectoryHandle('strata-loads')) as unknown as Dir;
      const out: Array<{ name: string; files: string[] }> = [];
      for await (const [name, handle] of loads.entries()) {
        const files: string[] = [];
        for await (const f of (handle as unknown as Dir).keys()) files.push(f);
        out.push({ name, files: files.sort() });
      }
      return out;
    });

  test('a download is streamed to OPFS and read from there; the next load deletes the earlier files', async ({
    page,
  }) => {
    await open(page, `${withCors.baseUrl}/glxgears.tar.gz`);
    await expect(page.getByTestId('thread-item').first()).toBeAttached({ timeout: 30_000 });
    await expect(page.getByTestId('load-notice')).toHaveCount(0);
    const first = await opfsLoads(page);
    // The download, and the tar it inflated to: the trace files are slices of that, read by the decode workers.
    expect(first.map((l) => l.files)).toEqual([['download', 'inflated-0']]);

    await open(page, `${withCors.baseUrl}/glxgears.tar`);
    await expect(page.getByTestId('thread-item').first()).toBeAttached({ timeout: 30_000 });
    const second = await opfsLoads(page);
    // A .tar is read in place: nothing inflated. The first load's directory is gone.
    expect(second.map((l) => l.files)).toEqual([['download']]);
    expect(second[0].name).not.toBe(first[0].name);
  });

  test('a host without CORS headers: the message says what the host must send', async ({ page }) => {
    await open(page, `${withoutCors.baseUrl}/glxgears.tar.gz`);
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('refuses cross-origin access (CORS)', { timeout: 30_000 });
    await expect(alert).toContainText('Access-Control-Allow-Origin');
  });

  test('404, unreachable host, not a trace, corrupt trace: each is named', async ({ page }) => {
    await open(page, `${withCors.baseUrl}/missing.tar.gz`);
    await expect(page.getByRole('alert')).toContainText('trace not found (HTTP 404', { timeout: 30_000 });

    await open(page, 'http://127.0.0.1:9/trace.tar.gz');
    await expect(page.getByRole('alert')).toContainText('cannot reach 127.0.0.1:9', { timeout: 30_000 });

    await open(page, `${withCors.baseUrl}/notes.txt`);
    await expect(page.getByRole('alert')).toContainText('not a trace archive: notes.txt is neither tar, gzip nor zip', {
      timeout: 30_000,
    });

    await open(page, `${withCors.baseUrl}/corrupt.tar.gz`);
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('channel0_1', { timeout: 30_000 });
    await expect(alert).toContainText(/byte \d+/);
  });

  test('the fetch shows a byte progress bar and can be cancelled', async ({ page }) => {
    // A server that sends the headers and then stalls: the progress panel must stay cancellable.
    const { createServer } = await import('node:http');
    const stall = createServer((_req, res) => {
      res.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'Content-Length': '100000000' });
      res.write(Buffer.alloc(1 << 16, 1));
    });
    await new Promise<void>((r) => stall.listen(0, '127.0.0.1', () => r()));
    const port = (stall.address() as { port: number }).port;
    try {
      await open(page, `http://127.0.0.1:${port}/slow.tar.gz`);
      await expect(page.getByTestId('load-phase')).toHaveText('Downloading', { timeout: 30_000 });
      await expect(page.getByTestId('load-detail')).toContainText('of 95.4 MiB');
      await page.getByRole('button', { name: 'Cancel' }).click();
      await expect(page.getByTestId('drop-zone')).toBeVisible();
    } finally {
      stall.closeAllConnections();
      stall.close();
    }
  });
});

test.describe('a 100 MB trace', () => {
  // The long-task bound stays 50 ms, measured on every run. The last cause of 50-55 ms tasks (a cold canvas draw
  // and the thread list's first style/layout in one frame task) is fixed: 10 clean runs in 10. One retry remains
  // against a shared CI machine's scheduling noise; a regression fails both runs.
  test.describe.configure({ retries: 1 });
  let server: TraceServer;
  let traceBytes = 0;
  let events = 0;

  test.beforeAll(async () => {
    test.setTimeout(300_000);
    const { MemoryDir, synthesizeSession } = await import('../src/synth/session');
    const dir = new MemoryDir();
    // ~31 bytes per event in the scale scenario: 3.3 M events make about 100 MB of stream files.
    const result = synthesizeSession(dir, { scenario: 'scale', events: 3_300_000 });
    events = result.kernel.events + result.ust.events;
    const entries = dir.entries('scale-session/');
    traceBytes = entries.reduce((n, e) => n + e.data.length, 0);
    const tgz = gzipSync(writeTar(entries), { level: 1 });
    server = await startTraceServer({ files: [{ urlPath: '/scale.tar.gz', bytes: tgz }] });
  });
  test.afterAll(async () => {
    await server?.close();
  });

  test('loads without any main-thread task longer than 50 ms', async ({ page }) => {
    test.setTimeout(300_000);
    expect(traceBytes).toBeGreaterThan(95_000_000);
    await page.addInitScript(() => {
      const w = window as unknown as { __longTasks: { startMs: number; durationMs: number }[]; __maxGapMs: number };
      w.__longTasks = [];
      w.__maxGapMs = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push({ startMs: e.startTime, durationMs: e.duration });
      }).observe({ type: 'longtask', buffered: true });
      // Heartbeat: the longest wait of a 10 ms timer approximates the longest task, even below 50 ms.
      let last = performance.now();
      const beat = () => {
        const now = performance.now();
        w.__maxGapMs = Math.max(w.__maxGapMs, now - last - 10);
        last = now;
        setTimeout(beat, 10);
      };
      setTimeout(beat, 10);
    });
    const t0 = Date.now();
    await page.goto(`/?trace=${encodeURIComponent(`${server.baseUrl}/scale.tar.gz`)}`);
    // Progress goes through the phases while the page stays responsive.
    await expect(page.getByTestId('load-phase')).toHaveText(/Downloading|Unpacking|Decoding events/, {
      timeout: 60_000,
    });
    await expect(page.getByTestId('load-phase')).toHaveText('Decoding events', { timeout: 120_000 });
    await expect(page.getByTestId('timeline')).toBeVisible({ timeout: 240_000 });
    await page.waitForTimeout(500); // let the first frames draw
    const { tasks, maxGapMs, receivedMs } = await page.evaluate(() => {
      const w = window as unknown as { __longTasks: { startMs: number; durationMs: number }[]; __maxGapMs: number };
      const mark = performance.getEntriesByName('strata-model-received')[0];
      return { tasks: w.__longTasks, maxGapMs: w.__maxGapMs, receivedMs: mark ? mark.startTime : Infinity };
    });
    // Split: until the model reached the page (fetch, unpack, decode, transfer), and the first render after it.
    const show = (list: typeof tasks) =>
      list.length
        ? list.map((t) => `${t.durationMs.toFixed(0)} ms at ${(t.startMs / 1000).toFixed(2)} s`).join(', ')
        : 'none';
    const loading = tasks.filter((t) => t.startMs < receivedMs);
    const rendering = tasks.filter((t) => t.startMs >= receivedMs);
    const longest = tasks.length ? Math.max(...tasks.map((t) => t.durationMs)) : 0;
    console.log(
      `100 MB load: ${(traceBytes / 1e6).toFixed(1)} MB of streams, ${events} events, ${((Date.now() - t0) / 1000).toFixed(1)} s, ` +
        `model on the page at ${(receivedMs / 1000).toFixed(2)} s; longest task ${longest.toFixed(0)} ms; ` +
        `long tasks (>50 ms) while loading: ${show(loading)}; after the model arrived (first timeline render): ${show(rendering)}; ` +
        `longest stall seen by a 10 ms heartbeat: ${maxGapMs.toFixed(0)} ms`,
    );
    await expect(page.getByTestId('trace-summary')).toContainText(`${events.toLocaleString('en-US')} events`);
    expect(
      tasks.map((t) => Math.round(t.durationMs)),
      `main-thread tasks over 50 ms: ${show(tasks)}`,
    ).toEqual([]);
  });

  test('Cancel during decoding stops the workers and returns to the landing page', async ({ page }) => {
    test.setTimeout(120_000);
    await page.goto(`/?trace=${encodeURIComponent(`${server.baseUrl}/scale.tar.gz`)}`);
    await expect(page.getByTestId('load-phase')).toHaveText('Decoding events', { timeout: 60_000 });
    await expect(page.getByTestId('load-detail')).toContainText(/[1-9][\d,]* events/, { timeout: 30_000 });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByTestId('drop-zone')).toBeVisible();
    // The decode worker is gone: no model arrives later.
    await page.waitForTimeout(3000);
    await expect(page.getByTestId('timeline')).toHaveCount(0);
    await expect(page.getByTestId('drop-zone')).toBeVisible();
  });
});
