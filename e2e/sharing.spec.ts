import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { startTraceServer, type TraceServer } from '../scripts/serve-trace';
import { formatDuration, formatRange, rangeResolutionNs, timeZeroNs } from '../src/layout/time-format';
import { decodeFiles } from '../src/worker-api/decode-service';
import { unpackInputs } from '../src/worker-api/unpack-service';
import { firstSliceInView } from '../src/views/timeline/first-in-view';
import { GUTTER_PX } from '../src/views/timeline/use-timeline-canvas';
import { corpusTarGz, GLXGEARS } from './trace-fixtures';

const bundle = corpusTarGz(GLXGEARS);

/** Two slices of the trace chosen from the model built in Node, with their link coordinates. */
function pickSlices() {
  const files = unpackInputs([{ path: 'glx.tar.gz', data: new Uint8Array(bundle) }]);
  if (!files.ok) throw new Error(files.failure.message);
  const decoded = decodeFiles(files.value);
  if (!decoded.ok) throw new Error(decoded.failure.message);
  const m = decoded.value.model;
  const t = m.threads.reduce((a, b) => (b.slices.count > a.slices.count ? b : a));
  const s = t.slices;
  const describe = (i: number) => ({
    tid: t.tid,
    name: m.strings[s.name[i]],
    depth: s.depth[i],
    startAbs: m.originNs + BigInt(s.startNs[i]),
    startNs: s.startNs[i],
    endNs: s.endNs[i],
  });
  // A nested slice well inside the trace, and another one later with a different name.
  let first = -1;
  for (let i = Math.floor(s.count / 3); i < s.count; i++)
    if (s.depth[i] > 0 && s.endNs[i] > s.startNs[i]) {
      first = i;
      break;
    }
  let second = -1;
  for (let i = first + 1; i < s.count; i++)
    if (m.strings[s.name[i]] !== m.strings[s.name[first]] && s.endNs[i] > s.startNs[i]) {
      second = i;
      break;
    }
  return { model: m, thread: t, first: describe(first), second: describe(second) };
}

/** Parses displayed time text ("+1.234567 ms", "0 s", "5.10 ms", "0") into ns. */
function parseTimeNs(text: string): number {
  const t = text.trim();
  if (t === '0') return 0;
  const m = /^([+-]?[\d.]+) (s|ms|µs|ns)$/.exec(t);
  if (!m) throw new Error(`not a time: ${text}`);
  return Number(m[1]) * { s: 1e9, ms: 1e6, µs: 1e3, ns: 1 }[m[2] as 's']!;
}

test.describe('links to a hosted trace', () => {
  let server: TraceServer;
  const picked = pickSlices();
  test.beforeAll(async () => {
    server = await startTraceServer({ files: [{ urlPath: '/glxgears.tar.gz', bytes: bundle }] });
  });
  test.afterAll(() => server.close());

  const traceUrl = () => `${server.baseUrl}/glxgears.tar.gz`;
  const details = (page: Page) => page.getByTestId('details-panel');

  test('a link with a time range and a slice opens that view; Copy link reproduces it in a new page', async ({
    page,
    context,
  }) => {
    const { first } = picked;
    const o = picked.model.originNs;
    const pad = Math.max(1000, Math.round((first.endNs - first.startNs) * 2));
    const viewStart = o + BigInt(Math.round(first.startNs - pad));
    const viewEnd = o + BigInt(Math.round(first.endNs + pad));
    const link = `/?v=1&trace=${encodeURIComponent(traceUrl())}&view=${viewStart},${viewEnd}&slice=${first.tid},${first.startAbs},${first.depth}&thread=${first.tid}`;
    await page.goto(link);
    await expect(page.getByTestId('timeline')).toBeVisible({ timeout: 30_000 });
    await expect(details(page).locator('h2')).toContainText(first.name);
    await expect(page.getByTestId('detail-depth')).toContainText(String(first.depth));
    await expect(page.getByTestId('visible-span')).toHaveText(formatDuration(Number(viewEnd - viewStart)));
    // The restored view is what the URL says, exactly.
    expect(new URL(page.url()).search).toBe(new URL(link, 'http://x').search);

    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: 'Copy link' }).click();
    const copied = await page.getByTestId('share-link').inputValue();
    expect(copied).toBe(page.url());
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(copied);

    const other = await context.newPage();
    await other.goto(copied);
    await expect(other.getByTestId('timeline')).toBeVisible({ timeout: 30_000 });
    for (const id of ['visible-span', 'detail-name', 'detail-start', 'detail-depth', 'detail-duration']) {
      await expect(other.getByTestId(id)).toHaveText((await page.getByTestId(id).textContent()) ?? '');
    }
    expect(other.url()).toBe(copied);
  });

  test('a link naming only a thread selects that thread; Copy link reproduces it; arrows start at its first call', async ({
    page,
    context,
  }) => {
    const { first, thread, model } = picked;
    const o = model.originNs;
    const pad = Math.max(1000, Math.round((first.endNs - first.startNs) * 2));
    const range = { startNs: Math.round(first.startNs - pad), endNs: Math.round(first.endNs + pad) };
    const link = `/?v=1&trace=${encodeURIComponent(traceUrl())}&view=${o + BigInt(range.startNs)},${o + BigInt(range.endNs)}&thread=${thread.tid}`;
    await page.goto(link);
    await expect(page.getByTestId('timeline')).toBeVisible({ timeout: 30_000 });
    // No item: the details panel describes the thread, and the thread list marks it.
    await expect(details(page).locator('h2')).toHaveText(
      `thread ${thread.name} ${thread.tid}${thread.pid >= 0 && thread.pid !== thread.tid ? ` (pid ${thread.pid})` : ''}`,
    );
    await expect(page.getByTestId('detail-tid')).toContainText(String(thread.tid));
    await expect(page.getByTestId('detail-calls')).toContainText(thread.slices.count.toLocaleString('en-US'));
    await expect(page.locator('[data-testid="thread-item"][aria-current="true"]')).toHaveAttribute(
      'data-tid',
      String(thread.tid),
    );
    expect(new URL(page.url()).search).toBe(new URL(link, 'http://x').search);

    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: 'Copy link' }).click();
    const copied = await page.getByTestId('share-link').inputValue();
    expect(copied).toBe(page.url());

    const other = await context.newPage();
    await other.goto(copied);
    await expect(other.getByTestId('timeline')).toBeVisible({ timeout: 30_000 });
    await expect(details(other).locator('h2')).toHaveText((await details(page).locator('h2').textContent()) ?? '');
    for (const id of [
      'visible-span',
      'detail-name',
      'detail-tid',
      'detail-pid',
      'detail-process',
      'detail-calls',
      'detail-max-depth',
    ]) {
      await expect(other.getByTestId(id)).toHaveText((await page.getByTestId(id).textContent()) ?? '');
    }
    expect(other.url()).toBe(copied);

    // An arrow key selects the thread's first call in view: a new history entry naming the slice and its thread.
    const firstCall = firstSliceInView(thread, range);
    expect(firstCall).toBeGreaterThanOrEqual(0);
    const historyBefore = await other.evaluate(() => history.length);
    await other.keyboard.press('ArrowRight');
    await expect(details(other).locator('h2')).toContainText(model.strings[thread.slices.name[firstCall]]);
    await expect.poll(() => other.evaluate(() => history.length)).toBe(historyBefore + 1);
    expect(new URL(other.url()).searchParams.get('slice')).toBe(
      `${thread.tid},${o + BigInt(thread.slices.startNs[firstCall])},${thread.slices.depth[firstCall]}`,
    );
    expect(new URL(other.url()).searchParams.get('thread')).toBe(String(thread.tid));
    await other.goBack();
    await expect(details(other).locator('h2')).toContainText(`thread ${thread.name}`);
    expect(other.url()).toBe(copied);
  });

  test("the axis and a slice's details count from the same origin (the first event, not the first packet)", async ({
    page,
  }) => {
    const { first, model } = picked;
    // The premise: this recording's first packet begins well before its first event.
    expect(model.startNs).toBeGreaterThan(10e6);
    const o = model.originNs;
    // A 50 ms view (one tick base, about 50 µs a pixel) with the slice's start inside it.
    const view = { startNs: Math.round(first.startNs - 20e6), endNs: Math.round(first.startNs + 30e6) };
    await page.goto(
      `/?v=1&trace=${encodeURIComponent(traceUrl())}&view=${o + BigInt(view.startNs)},${o + BigInt(view.endNs)}&slice=${first.tid},${first.startAbs},${first.depth}`,
    );
    await expect(details(page).locator('h2')).toContainText(first.name, { timeout: 30_000 });
    const shownStartNs = parseTimeNs(
      (await page.getByTestId('detail-start').locator('dd').textContent())!.split(' · ')[0],
    );
    // Where the slice starts on screen, and the time the axis labels say is there.
    const box = (await page.locator('canvas.tl-tracks').boundingBox())!;
    const nsPerPx = (view.endNs - view.startNs) / (box.width - GUTTER_PX);
    const sliceX = box.x + GUTTER_PX + (first.startNs - view.startNs) / nsPerPx;
    const ticks = await page.evaluate(() =>
      (
        window as unknown as {
          __strataTimeline: { axisLabels: () => { x: number; label: string; baseNs: number }[] };
        }
      ).__strataTimeline.axisLabels(),
    );
    expect(ticks.length).toBeGreaterThan(2);
    expect(ticks[0].baseNs).toBe(0); // labels count from the origin itself ("ticks: since trace start")
    const [a, b] = [ticks[0], ticks[ticks.length - 1]];
    const axisNsAtSlice =
      parseTimeNs(a.label) + ((sliceX - a.x) / (b.x - a.x)) * (parseTimeNs(b.label) - parseTimeNs(a.label));
    // Within two pixels (the model's first packet is more than 10 ms, 200 pixels, away).
    expect(Math.abs(axisNsAtSlice - shownStartNs)).toBeLessThanOrEqual(2 * nsPerPx);
    // The details print 9 significant digits: seconds into the trace read to 10 ns.
    expect(Math.abs(shownStartNs - (first.startNs - timeZeroNs(model)))).toBeLessThanOrEqual(10);
  });

  test('a link with a selected range restores it, its start, end and duration; Copy link keeps it', async ({
    page,
    context,
  }) => {
    const { first, model } = picked;
    const o = model.originNs;
    const view = { startNs: Math.round(first.startNs - 20e6), endNs: Math.round(first.startNs + 30e6) };
    const sel = { startNs: Math.round(first.startNs) - 1_234_567, endNs: Math.round(first.startNs) + 7_654_321 };
    const link = `/?v=1&trace=${encodeURIComponent(traceUrl())}&view=${o + BigInt(view.startNs)},${o + BigInt(view.endNs)}&sel=${o + BigInt(sel.startNs)},${o + BigInt(sel.endNs)}`;
    await page.goto(link);
    await expect(page.getByTestId('timeline')).toBeVisible({ timeout: 30_000 });
    // 50 ms in view: the range reads to 10 µs, from the first event.
    const want = formatRange(sel, timeZeroNs(model), rangeResolutionNs(view.endNs - view.startNs));
    expect(want.duration).toBe('8.89 ms');
    await expect(page.getByTestId('selection-duration')).toHaveText(want.duration);
    await expect(page.getByTestId('range-duration')).toHaveText(want.duration);
    await expect(page.getByTestId('range-start')).toHaveText(want.start);
    await expect(page.getByTestId('range-end')).toHaveText(want.end);
    expect(parseTimeNs(want.start)).toBeCloseTo(sel.startNs - model.startNs, -4);
    expect(new URL(page.url()).searchParams.get('sel')).toBe(`${o + BigInt(sel.startNs)},${o + BigInt(sel.endNs)}`);

    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: 'Copy link' }).click();
    const copied = await page.getByTestId('share-link').inputValue();
    const other = await context.newPage();
    await other.goto(copied);
    await expect(other.getByTestId('timeline')).toBeVisible({ timeout: 30_000 });
    for (const id of ['selection-duration', 'range-start', 'range-end', 'visible-span']) {
      await expect(other.getByTestId(id)).toHaveText((await page.getByTestId(id).textContent()) ?? '');
    }
  });

  test('back and forward step through selections, not through every pan', async ({ page }) => {
    const { first, second } = picked;
    const o = picked.model.originNs;
    const mid = Math.round((first.startNs + first.endNs) / 2);
    const view = `${o + BigInt(mid - 5_000_000)},${o + BigInt(mid + 5_000_000)}`;
    await page.goto(
      `/?v=1&trace=${encodeURIComponent(traceUrl())}&view=${view}&slice=${first.tid},${first.startAbs},${first.depth}`,
    );
    await expect(details(page).locator('h2')).toContainText(first.name, { timeout: 30_000 });
    const firstUrl = page.url();
    const historyBefore = await page.evaluate(() => history.length);

    // Pan with the keyboard a few times: the URL follows, the history does not grow.
    await page.getByLabel(/^Timeline:/).focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('d');
    await expect.poll(() => page.url()).not.toBe(firstUrl);
    expect(await page.evaluate(() => history.length)).toBe(historyBefore);

    // Selecting another slice (from the search results: select + zoom) is one history entry.
    await page.getByLabel('Search frames').fill(second.name);
    await page.getByTestId('search-results').getByRole('button').first().click();
    await expect(details(page).locator('h2')).toContainText(second.name);
    await expect.poll(() => page.evaluate(() => history.length)).toBe(historyBefore + 1);
    const secondUrl = page.url();

    await page.goBack();
    await expect(details(page).locator('h2')).toContainText(first.name);
    await page.goForward();
    await expect(details(page).locator('h2')).toContainText(second.name);
    expect(page.url()).toBe(secondUrl);
  });
});

test('a trace opened from disk cannot be linked; its .tar.gz download reopens identically', async ({ page }) => {
  await page.goto('/?trace=');
  await page
    .getByTestId('file-input')
    .setInputFiles({ name: `${GLXGEARS}.tar.gz`, mimeType: 'application/gzip', buffer: bundle });
  await expect(page.getByTestId('timeline')).toBeVisible({ timeout: 30_000 });
  const summary = await page.getByTestId('trace-summary').innerText();
  // The thread list renders after the canvas's first frames: count it once it is there.
  await expect(page.getByTestId('thread-item')).not.toHaveCount(0);
  const threads = await page.getByTestId('thread-item').count();

  await page.getByRole('button', { name: /Copy link/ }).click();
  await expect(page.getByTestId('share-unavailable')).toContainText('opened from disk');
  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download as .tar.gz' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe(`${GLXGEARS}.tar.gz`);
  const path = await download.path();
  const bytes = readFileSync(path);

  // Host the bundle: it opens by link, with the same summary and threads.
  const server = await startTraceServer({ files: [{ urlPath: '/bundle.tar.gz', bytes }] });
  try {
    await page.goto(`/?trace=${encodeURIComponent(`${server.baseUrl}/bundle.tar.gz`)}`);
    await expect(page.getByTestId('timeline')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('trace-summary')).toHaveText(summary);
    await expect(page.getByTestId('thread-item')).toHaveCount(threads);
  } finally {
    await server.close();
  }
});

test('an unreachable trace link says what to fix', async ({ page }) => {
  await page.goto(`/?v=1&trace=${encodeURIComponent('http://127.0.0.1:9/t.tar.gz')}&view=1,2`);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('cannot reach 127.0.0.1:9', { timeout: 30_000 });
  await expect(alert).toContainText('Access-Control-Allow-Origin');
});
