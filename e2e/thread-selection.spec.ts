/**
 * Selecting a thread on its own (timeline-dev.html?fixture=small): by its label in the gutter or its entry in
 * the accessible thread list; the details panel describes it, the canvas highlights its row, the arrow keys
 * start at its first call in view, and a click on empty space clears it.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { allRows, buildRowLayout, laneYPx, type ThreadRow } from '../src/layout/row-layout';
import { formatDuration } from '../src/layout/time-format';
import { smallModel } from '../src/fixtures/model-fixture';
import { GUTTER_PX } from '../src/views/timeline/use-timeline-canvas';

const model = smallModel();
const layout = buildRowLayout(model, { collapsedPids: [], threadFilter: '' });
const workerIndex = model.threads.findIndex((t) => t.tid === 4243);
const workerRow = allRows(layout).find((r): r is ThreadRow => r.kind === 'thread' && r.threadIndex === workerIndex)!;

async function open(page: Page): Promise<Locator> {
  await page.goto('/timeline-dev.html?fixture=small');
  const tracks = page.locator('canvas.tl-tracks');
  await expect(tracks).toBeVisible();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return tracks;
}

/** RGB of a canvas pixel, in CSS pixels of the canvas. */
function pixel(tracks: Locator, x: number, y: number): Promise<number[]> {
  return tracks.evaluate(
    (c: HTMLCanvasElement, [x, y]) => {
      const k = c.width / c.clientWidth;
      return Array.from(
        c
          .getContext('2d')!
          .getImageData(Math.floor(x * k), Math.floor(y * k), 1, 1)
          .data.slice(0, 3),
      );
    },
    [x, y],
  );
}

test('clicking a thread label selects the thread: highlighted, described, arrows start at its first call', async ({
  page,
}) => {
  const tracks = await open(page);
  const box = (await tracks.boundingBox())!;
  const labelY = workerRow.yPx + 10;
  const before = await pixel(tracks, 1, labelY);
  await page.mouse.click(box.x + 40, box.y + labelY);

  const details = page.getByTestId('details-panel');
  await expect(details.locator('h2')).toHaveText('thread worker 4243 (pid 4242)');
  await expect(details.getByTestId('detail-process')).toContainText('4242');
  await expect(details.getByTestId('detail-calls')).toContainText('6');
  await expect(details.getByTestId('detail-max-depth')).toContainText('2');
  await expect(details.getByTestId('detail-syscalls')).toContainText('1');
  // Running in user space 0-3 ms and 7.6-10 ms, blocked 3.01-7.5 ms (futex).
  await expect(details.getByTestId('detail-state-2')).toContainText(`${formatDuration(5_400_000)} (54.0%)`);
  await expect(details.getByTestId('detail-state-1')).toContainText(`${formatDuration(4_490_000)} (44.9%)`);
  await expect(page.locator('[data-testid="thread-item"][aria-current="true"]')).toHaveText('worker 4243');
  // The label's accent bar (#2b6cd4) is drawn where the plain gutter was.
  await expect.poll(() => pixel(tracks, 1, labelY)).toEqual([0x2b, 0x6c, 0xd4]);
  expect(before).not.toEqual([0x2b, 0x6c, 0xd4]);
  await page.screenshot({ path: 'test-results/timeline-thread-selected.png' });

  // The whole trace is in view: the first call is worker_loop.
  await page.keyboard.press('ArrowDown');
  await expect(details.getByTestId('detail-name')).toContainText('worker_loop');
  await expect(page.locator('[data-testid="thread-item"][aria-current="true"]')).toHaveText('worker 4243');

  // A click on empty space (the worker's third stack level at 5 ms holds no call) clears both.
  const contentW = box.width - GUTTER_PX;
  const x = box.x + GUTTER_PX + ((5_000_000 - model.startNs) / (model.endNs - model.startNs)) * contentW;
  await page.mouse.click(
    x,
    box.y + workerRow.yPx + laneYPx(workerRow, 'slice') + 2 * layout.metrics.sliceRowPx + layout.metrics.sliceRowPx / 2,
  );
  await expect(details.locator('h2')).toHaveCount(0);
  await expect(page.locator('[data-testid="thread-item"][aria-current="true"]')).toHaveCount(0);
  await expect.poll(() => pixel(tracks, 1, labelY)).toEqual(before);
});

test('a thread of the accessible list can be selected from the keyboard', async ({ page }) => {
  await open(page);
  const entry = page.getByRole('button', { name: 'thread bash, tid 977' });
  await entry.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('details-panel').locator('h2')).toHaveText('thread bash 977');
  await expect(page.getByTestId('detail-calls')).toHaveText('Call slices0');
  await expect(page.getByTestId('detail-max-depth')).toHaveText('Max depthnone');
  await expect(page.locator('[data-testid="thread-item"][aria-current="true"]')).toHaveText('bash 977');
});
