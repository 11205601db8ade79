/**
 * The timeline on the hand-written fixture (timeline-dev.html?fixture=small): threads listed, key zoom,
 * range measurement, syscall and slice selection, search, loss marks; then the article demo trace on the app
 * page itself (/?demo). Positions on the canvas come from the same layout code the page uses, so the tests
 * click where the user would see the boxes.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { allRows, buildRowLayout, laneYPx, type ThreadRow } from '../src/layout/row-layout';
import { smallModel, SMALL_WRITE } from '../src/fixtures/model-fixture';
import { GUTTER_PX } from '../src/views/timeline/use-timeline-canvas';

const model = smallModel();
const layout = buildRowLayout(model, { collapsedPids: [], threadFilter: '' });
const mainRow = allRows(layout).find((r): r is ThreadRow => r.kind === 'thread' && r.threadIndex === 0)!;

/** Parses "45.25 µs" / "3 ms" / "812 ns" into ns. */
function parseDuration(text: string): number {
  const m = /^(-?[\d.]+) (s|ms|µs|ns)$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * { s: 1e9, ms: 1e6, µs: 1e3, ns: 1 }[m[2] as 's']!;
}

async function open(page: Page, fixture = 'small'): Promise<Locator> {
  await page.goto(`/timeline-dev.html?fixture=${fixture}`);
  const tracks = page.locator('canvas.tl-tracks');
  await expect(tracks).toBeVisible();
  // Two frames: layout effects, then the first draw.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return tracks;
}

/** Page x of model time `ns` for the current visible span (full view unless zoomed). */
async function xOf(
  tracks: Locator,
  ns: number,
  range = { startNs: model.startNs, endNs: model.endNs },
): Promise<number> {
  const box = (await tracks.boundingBox())!;
  const contentW = box.width - GUTTER_PX;
  return box.x + GUTTER_PX + ((ns - range.startNs) / (range.endNs - range.startNs)) * contentW;
}

test('lists the processes and threads of the trace', async ({ page }) => {
  await open(page);
  const items = page.getByTestId('thread-item');
  await expect(items).toHaveText(['python3 4242', 'worker 4243', 'bash 977']);
  await expect(page.getByTestId('visible-span')).toHaveText('10 ms');
  await page.screenshot({ path: 'test-results/timeline-overview.png' });
});

test('W/S zoom around the pointer, 0 shows everything, A/D pan', async ({ page }) => {
  const tracks = await open(page);
  const span = page.getByTestId('visible-span');
  const box = (await tracks.boundingBox())!;
  await page.mouse.move(await xOf(tracks, 3_000_000), box.y + 200);
  await page.keyboard.press('w');
  await page.keyboard.press('w');
  const zoomed = parseDuration((await span.textContent())!);
  expect(zoomed).toBeLessThan(10e6);
  // Held key: keeps zooming while pressed.
  await page.keyboard.down('w');
  await page.waitForTimeout(400);
  await page.keyboard.up('w');
  const deeper = parseDuration((await span.textContent())!);
  expect(deeper).toBeLessThan(zoomed / 1.5);
  await page.screenshot({ path: 'test-results/timeline-zoomed.png' });
  await page.keyboard.press('s');
  expect(parseDuration((await span.textContent())!)).toBeGreaterThan(deeper);
  // D pans later in time, A back, without changing the span.
  const startOf = async () => Number(await span.getAttribute('data-start-ns'));
  const before = await startOf();
  await page.keyboard.press('d');
  const later = await startOf();
  expect(later).toBeGreaterThan(before);
  await page.keyboard.press('a');
  expect(await startOf()).toBeLessThan(later);
  await page.keyboard.press('0');
  await expect(span).toHaveText('10 ms');
});

test('Ctrl+wheel zooms, dragging the axis pans, double-clicking it shows everything', async ({ page }) => {
  const tracks = await open(page);
  const span = page.getByTestId('visible-span');
  const box = (await tracks.boundingBox())!;
  await page.mouse.move(await xOf(tracks, 5_000_000), box.y + 300);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -400);
  await page.keyboard.up('Control');
  await expect.poll(async () => parseDuration((await span.textContent())!)).toBeLessThan(5e6);
  const zoomedSpan = (await span.textContent())!;
  const start0 = Number(await span.getAttribute('data-start-ns'));
  const axis = page.locator('.tl-axis canvas');
  const abox = (await axis.boundingBox())!;
  await page.mouse.move(abox.x + abox.width * 0.7, abox.y + 10);
  await page.mouse.down();
  await page.mouse.move(abox.x + abox.width * 0.5, abox.y + 10, { steps: 5 });
  await page.mouse.up();
  // Dragging the axis to the left shows later times; the span is unchanged.
  expect(Number(await span.getAttribute('data-start-ns'))).toBeGreaterThan(start0);
  await expect(span).toHaveText(zoomedSpan);
  await axis.dblclick({ position: { x: abox.width * 0.5, y: 10 } });
  await expect(span).toHaveText('10 ms');
});

test('the plain wheel scrolls the rows and keeps the time range', async ({ page }) => {
  await page.setViewportSize({ width: 1200, height: 520 });
  const tracks = await open(page);
  const scroll = page.locator('.tl-scroll');
  const span = page.getByTestId('visible-span');
  expect(await scroll.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
  const box = (await tracks.boundingBox())!;
  await page.mouse.move(box.x + 600, box.y + 100);
  await page.mouse.wheel(0, 200);
  await expect.poll(() => scroll.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
  await expect(span).toHaveText('10 ms');
});

test('clicking a process header collapses it', async ({ page }) => {
  const tracks = await open(page);
  const box = (await tracks.boundingBox())!;
  const header = page.getByRole('button', { name: 'python3 4242' });
  await expect(header).toHaveAttribute('aria-expanded', 'true');
  await page.mouse.click(box.x + 40, box.y + layout.metrics.processHeaderPx / 2);
  await expect(header).toHaveAttribute('aria-expanded', 'false');
  await page.screenshot({ path: 'test-results/timeline-collapsed.png' });
  // The accessible list's button (keyboard users) expands it again.
  await header.focus();
  await page.keyboard.press('Enter');
  await expect(header).toHaveAttribute('aria-expanded', 'true');
});

test('dragging over the timeline measures a time range', async ({ page }) => {
  const tracks = await open(page);
  const box = (await tracks.boundingBox())!;
  const x0 = await xOf(tracks, 2_000_000);
  const x1 = await xOf(tracks, 5_000_000);
  const y = box.y + box.height - 40;
  await page.mouse.move(x0, y);
  await page.mouse.down();
  await page.mouse.move((x0 + x1) / 2, y, { steps: 4 });
  await page.mouse.move(x1, y, { steps: 4 });
  await page.mouse.up();
  const measured = parseDuration((await page.getByTestId('selection-duration').textContent())!);
  // Within a pixel either side of 3 ms.
  const nsPerPx = (model.endNs - model.startNs) / (box.width - GUTTER_PX);
  expect(Math.abs(measured - 3e6)).toBeLessThanOrEqual(2 * nsPerPx);
  await expect(page.getByTestId('range-details')).toContainText('ms');
  await page.screenshot({ path: 'test-results/timeline-range.png' });
  // Z zooms to it.
  await page.keyboard.press('z');
  const span = parseDuration((await page.getByTestId('visible-span').textContent())!);
  expect(span).toBeGreaterThan(measured);
  expect(span).toBeLessThan(measured * 1.2);
});

test('Shift-drag moves the nearer end of the measured range; Shift-click too', async ({ page }) => {
  const tracks = await open(page);
  const box = (await tracks.boundingBox())!;
  const y = box.y + box.height - 40;
  const nsPerPx = (model.endNs - model.startNs) / (box.width - GUTTER_PX);
  const dragNs = async (fromNs: number, toNs: number, shift: boolean) => {
    const x0 = await xOf(tracks, fromNs);
    const x1 = await xOf(tracks, toNs);
    if (shift) await page.keyboard.down('Shift');
    await page.mouse.move(x0, y);
    await page.mouse.down();
    await page.mouse.move((x0 + x1) / 2, y, { steps: 4 });
    await page.mouse.move(x1, y, { steps: 4 });
    await page.mouse.up();
    if (shift) await page.keyboard.up('Shift');
  };
  const shown = async () => ({
    startNs: parseDuration(
      (await page.getByTestId('range-start').textContent())!.replace(/^\+/, '').replace(/^0 s$/, '0 ns'),
    ),
    endNs: parseDuration((await page.getByTestId('range-end').textContent())!.replace(/^\+/, '')),
    durationNs: parseDuration((await page.getByTestId('selection-duration').textContent())!),
  });
  const near = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(2 * nsPerPx);

  await dragNs(model.startNs + 2e6, model.startNs + 5e6, false);
  // Pressing just past the end and dragging right grows the end; the start stays.
  await dragNs(model.startNs + 5.2e6, model.startNs + 7e6, true);
  let r = await shown();
  near(r.startNs, 2e6);
  near(r.endNs, 7e6);
  near(r.durationNs, 5e6);
  // Pressing near the start and dragging left grows the start; the end stays.
  await dragNs(model.startNs + 2.1e6, model.startNs + 1e6, true);
  r = await shown();
  near(r.startNs, 1e6);
  near(r.endNs, 7e6);
  // Shift-click inside, nearer the end, pulls the end in.
  await page.keyboard.down('Shift');
  await page.mouse.click(await xOf(tracks, model.startNs + 6e6), y);
  await page.keyboard.up('Shift');
  r = await shown();
  near(r.startNs, 1e6);
  near(r.endNs, 6e6);
  // A plain drag still starts a new range.
  await dragNs(model.startNs + 3e6, model.startNs + 4e6, false);
  r = await shown();
  near(r.startNs, 3e6);
  near(r.durationNs, 1e6);
});

test('clicking the write syscall shows its duration and return value', async ({ page }) => {
  const tracks = await open(page);
  const box = (await tracks.boundingBox())!;
  const y = box.y + mainRow.yPx + laneYPx(mainRow, 'syscall') + layout.metrics.syscallLanePx / 2;
  await page.mouse.click(await xOf(tracks, (SMALL_WRITE.startNs + SMALL_WRITE.endNs) / 2), y);
  const details = page.getByTestId('details-panel');
  await expect(details.getByTestId('detail-name')).toContainText('write');
  await expect(details.getByTestId('detail-duration')).toContainText('45.25 µs');
  await expect(details.getByTestId('detail-return')).toContainText('12');
  await expect(details.getByTestId('detail-thread')).toContainText('python3 4242');
  await page.screenshot({ path: 'test-results/timeline-write-syscall.png' });
});

test('clicking a frame shows its details and the arrow keys walk the stack', async ({ page }) => {
  const tracks = await open(page);
  const box = (await tracks.boundingBox())!;
  const depthY = (d: number) => box.y + mainRow.yPx + laneYPx(mainRow, 'slice') + d * layout.metrics.sliceRowPx + 8;
  await page.mouse.click(await xOf(tracks, 4_500_000), depthY(1));
  const details = page.getByTestId('details-panel');
  await expect(details.getByTestId('detail-name')).toHaveText('Namefoo');
  await expect(details.getByTestId('detail-kind')).toContainText('Python');
  await expect(details.getByTestId('detail-duration')).toContainText('8 ms');
  await expect(details.getByTestId('detail-self')).toContainText('900 µs'); // 8 ms minus bar (6.5 ms) and cleanup (0.6 ms)
  await expect(details.getByTestId('detail-depth')).toContainText('1');
  await page.keyboard.press('ArrowDown');
  await expect(details.getByTestId('detail-name')).toContainText('bar');
  await page.keyboard.press('ArrowDown');
  await expect(details.getByTestId('detail-name')).toContainText('PyObject_Call');
  await expect(details.getByTestId('detail-kind')).toContainText('C function');
  await expect(details.getByTestId('detail-address')).toContainText('0x55d0c0a01230');
  await page.keyboard.press('ArrowUp');
  await expect(details.getByTestId('detail-name')).toContainText('bar');
  await page.keyboard.press('ArrowRight');
  await expect(details.getByTestId('detail-name')).toContainText('cleanup');
  await page.screenshot({ path: 'test-results/timeline-slice.png' });
});

test('search highlights and lists matching frames; the thread filter hides threads', async ({ page }) => {
  await open(page);
  await page.getByLabel('Search frames').fill('json');
  await expect(page.getByTestId('search-count')).toHaveText('2 matching frames');
  await expect(page.getByTestId('search-results').getByRole('listitem')).toHaveCount(2);
  await page.screenshot({ path: 'test-results/timeline-search.png' });
  await page.getByTestId('search-results').getByRole('button').first().click();
  await expect(page.getByTestId('detail-name')).toContainText('json_dumps');
  await page.getByLabel('Filter threads').fill('worker');
  await expect(page.getByTestId('thread-item')).toHaveText(['worker 4243']);
});

test('loss marks on the axis explain the lost range', async ({ page }) => {
  const tracks = await open(page);
  const axis = page.locator('.tl-axis canvas');
  const abox = (await axis.boundingBox())!;
  await page.mouse.move(await xOf(tracks, 7_200_000), abox.y + abox.height - 4);
  await expect(page.getByTestId('tooltip')).toContainText('12 events discarded');
  await expect(page.getByTestId('tooltip')).toContainText('kernel, CPU 1');
  // A click hides the tooltip (it would cover what the click shows).
  await page.mouse.down();
  await page.mouse.up();
  await expect(page.getByTestId('tooltip')).toBeHidden();
});

test('? lists the keyboard shortcuts of the keymap; the legend names every thread state', async ({ page }) => {
  await open(page);
  const legend = page.getByRole('list', { name: 'Legend' });
  await expect(legend).toContainText('waiting (unknown reason)');
  await expect(legend).toContainText('waiting after fork');
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('row')).toHaveCount(12);
  await expect(dialog.getByRole('row').first()).toHaveText(/W\s*zoom in around the pointer/);
  await page.screenshot({ path: 'test-results/shortcuts.png' });
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('a user-space-only trace still shows its call stacks, without kernel lanes', async ({ page }) => {
  const tracks = await open(page, 'small-user');
  await expect(page.getByTestId('thread-item')).toHaveText(['python3 4242', 'worker 4243', 'bash 977']);
  await expect(page.getByRole('list', { name: 'Legend' })).not.toContainText('blocked');
  const user = buildRowLayout(smallModel({ kernel: false }), { collapsedPids: [], threadFilter: '' });
  const row = allRows(user).find((r): r is ThreadRow => r.kind === 'thread' && r.threadIndex === 0)!;
  const box = (await tracks.boundingBox())!;
  await page.mouse.click(await xOf(tracks, 4_500_000), box.y + row.yPx + laneYPx(row, 'slice') + 8);
  await expect(page.getByTestId('detail-name')).toContainText('<module>');
  await page.screenshot({ path: 'test-results/timeline-user-only.png' });
});

interface TimelineHook {
  locate(
    kind: 'slice' | 'syscall',
    name: string,
  ): { x: number; y: number; widthPx: number; thread: number; index: number } | null;
  duration(kind: 'slice' | 'syscall', thread: number, index: number): string;
}

/** The app page with the demo trace (index.html?demo), decoded by the loading workers like any trace. */
async function openDemo(page: Page): Promise<Locator> {
  await page.goto('/?demo');
  const tracks = page.locator('canvas.tl-tracks');
  await expect(tracks).toBeVisible({ timeout: 60_000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return tracks;
}

const locate = (page: Page, kind: 'slice' | 'syscall', name: string) =>
  page.evaluate(
    ([k, n]) => (window as unknown as { __strataTimeline: TimelineHook }).__strataTimeline.locate(k as 'slice', n),
    [kind, name],
  );

test.describe('the article demo trace on the app page', () => {
  test('its threads and frames are on screen', async ({ page }) => {
    await openDemo(page);
    const threads = page.getByTestId('thread-item');
    await expect(threads.filter({ hasText: /^python3 \d+$/ }).first()).toBeAttached();
    // The frames of the article's script: searching them finds them.
    for (const name of ['foo', 'bar', 'baz']) {
      await page.getByLabel('Search frames').fill(name);
      await expect(page.getByTestId('search-count')).toHaveText(/^[1-9]\d* matching frames?/);
    }
    await page.getByLabel('Search frames').fill('');
    const frame = await locate(page, 'slice', 'foo');
    expect(frame).not.toBeNull();
    await page.screenshot({ path: 'test-results/demo-app-overview.png' });
  });

  test('W/S zoom, and a dragged range shows its duration', async ({ page }) => {
    const tracks = await openDemo(page);
    const span = page.getByTestId('visible-span');
    const full = parseDuration((await span.textContent())!);
    const box = (await tracks.boundingBox())!;
    await page.locator('.tl-scroll').focus();
    await page.mouse.move(box.x + GUTTER_PX + (box.width - GUTTER_PX) / 2, box.y + 60);
    await page.keyboard.press('w');
    await page.keyboard.press('w');
    const zoomed = parseDuration((await span.textContent())!);
    expect(zoomed).toBeLessThan(full * 0.7);
    await page.keyboard.press('s');
    expect(parseDuration((await span.textContent())!)).toBeGreaterThan(zoomed);
    await page.keyboard.press('0');
    await expect.poll(async () => parseDuration((await span.textContent())!)).toBe(full);
    // Drag over a quarter of the width: the range is a quarter of the visible span.
    const contentW = box.width - GUTTER_PX;
    const x0 = box.x + GUTTER_PX + contentW * 0.25;
    const x1 = box.x + GUTTER_PX + contentW * 0.5;
    const y = box.y + 100;
    await page.mouse.move(x0, y);
    await page.mouse.down();
    await page.mouse.move(x1, y, { steps: 6 });
    await page.mouse.up();
    const measured = parseDuration((await page.getByTestId('selection-duration').textContent())!);
    expect(Math.abs(measured - full / 4)).toBeLessThanOrEqual((2 * full) / contentW + full * 0.001);
    await page.screenshot({ path: 'test-results/demo-app-range.png' });
  });

  test('clicking the write syscall shows its duration', async ({ page }) => {
    await openDemo(page);
    // Keys go to the timeline, not to the search box.
    await page.locator('.tl-scroll').focus();
    let w = (await locate(page, 'syscall', 'write'))!;
    expect(w).not.toBeNull();
    // Scroll its thread into view if it is below the visible rows.
    const tbox = (await page.locator('canvas.tl-tracks').boundingBox())!;
    if (w.y > tbox.y + tbox.height - 10) {
      await page.locator('.tl-scroll').evaluate((el, dy) => (el.scrollTop += dy), w.y - tbox.y - tbox.height / 2);
      w = (await locate(page, 'syscall', 'write'))!;
    }
    // Zoom on it with W, pointer on it, until it is wide, then click it.
    for (let i = 0; i < 80 && w.widthPx < 40; i++) {
      await page.mouse.move(w.x, w.y);
      await page.keyboard.press('w');
      w = (await locate(page, 'syscall', 'write'))!;
    }
    expect(w.widthPx).toBeGreaterThanOrEqual(40);
    await page.mouse.click(w.x, w.y);
    const expected = await page.evaluate(
      ([t, i]) => (window as unknown as { __strataTimeline: TimelineHook }).__strataTimeline.duration('syscall', t, i),
      [w.thread, w.index],
    );
    await expect(page.getByTestId('detail-name')).toContainText('write');
    await expect(page.getByTestId('detail-duration')).toContainText(expected);
    await page.screenshot({ path: 'test-results/demo-app-write.png' });
  });
});

test('a thread name stays in view while its tall row is partly scrolled away', async ({ page }) => {
  await page.setViewportSize({ width: 1200, height: 560 }); // rows taller than the view: they scroll
  await open(page);
  // Dark text pixels (#1f2933, the thread name) in the gutter just below the pinned process header (26 px),
  // left of the lane labels.
  const namePixels = () =>
    page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('canvas.tl-tracks')!;
      const k = c.width / c.clientWidth;
      const d = c
        .getContext('2d')!
        .getImageData(Math.round(10 * k), Math.round(27 * k), Math.round(90 * k), Math.round(26 * k)).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] < 0x50 && d[i + 1] < 0x50 && d[i + 2] < 0x60) n++;
      return n;
    });
  // The first thread row (python3, below its process header) scrolled 80 px: its top is out of view.
  const scroll = page.locator('.tl-scroll');
  await scroll.evaluate((el) => el.scrollTo(0, 80));
  expect(await scroll.evaluate((el) => el.scrollTop)).toBe(80);
  await expect.poll(namePixels).toBeGreaterThan(10);
  await page.screenshot({ path: 'test-results/sticky-label.png' });
});

test('prefers-color-scheme: dark gives a dark page and canvas', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  const tracks = await open(page);
  const background = await page.getByTestId('timeline').evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(background).toBe('rgb(17, 20, 24)');
  // The gutter of the rows canvas, below the first process header: dark.
  const gutter = await tracks.evaluate((c: HTMLCanvasElement) => {
    const k = c.width / c.clientWidth;
    return Array.from(c.getContext('2d')!.getImageData(Math.round(150 * k), Math.round(200 * k), 1, 1).data);
  });
  expect(gutter[0] + gutter[1] + gutter[2]).toBeLessThan(3 * 60);
  await page.screenshot({ path: 'test-results/dark-theme.png' });
});
