/**
 * The analysis panel on the article demo (/?demo): tabs, figures of the whole trace, go-to-max selecting the
 * call on the timeline, the off-CPU split of the frame that blocks, the syscall row of a measured range around
 * the write in print, and the flame graph's call paths.
 */
import { expect, test, type Page } from '@playwright/test';
import { GUTTER_PX } from '../src/views/timeline/use-timeline-canvas';

async function openDemo(page: Page): Promise<void> {
  await page.goto('/?demo');
  await expect(page.locator('canvas.tl-tracks')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('analysis-panel')).toBeVisible({ timeout: 30_000 });
}

test('the panel has its five tabs and shows the functions of the whole trace', async ({ page }) => {
  await openDemo(page);
  const tabs = page.getByRole('tab');
  await expect(tabs).toHaveText(['Functions', 'Flame graph', 'Syscalls', 'States', 'Events']);
  await expect(page.getByRole('tab', { name: 'Functions' })).toHaveAttribute('aria-selected', 'true');
  const rows = page.getByTestId('function-row');
  await expect(rows.first()).toBeVisible();
  // baz is called twice in the demo (through foo1, then through foo2), with a duration shown.
  const baz = page.locator('[data-testid="function-row"][data-name="baz"]');
  await expect(baz.locator('td').nth(2)).toHaveText('2');
  await expect(baz.locator('td').nth(3)).toHaveText(/^[\d.]+ (µs|ms)$/);
  await expect(page.getByTestId('analysis-scope')).toContainText('all threads');
  // The search filters rows.
  await page.getByLabel('Filter functions').fill('pyx_pf');
  await expect(rows).toHaveCount(3);
  // The File / binary column: foo2's C frames come from its extension module.
  await expect(page.getByRole('columnheader', { name: 'File / binary' })).toBeVisible();
  await expect(rows.getByTestId('function-where')).toHaveText(Array(3).fill('foo2.cpython-311-x86_64-linux-gnu.so'));
  await page.screenshot({ path: 'test-results/analysis-functions.png' });
});

test('go to max selects the longest call on the timeline', async ({ page }) => {
  await openDemo(page);
  await page.getByRole('button', { name: 'Go to the longest call of sleep' }).click();
  const details = page.getByTestId('details-panel');
  await expect(details).toContainText('sleep');
  // The details show the same duration as the Max column.
  const max = await page.locator('[data-testid="function-row"][data-name="sleep"] td').nth(10).textContent();
  await expect(details).toContainText(max!.trim());
});

test('the frame that blocks: sleep is shown blocked in clock_nanosleep', async ({ page }) => {
  await openDemo(page);
  const bar = page.locator('[data-testid="function-row"][data-name="sleep"]').getByTestId('split-bar');
  await expect(bar).toHaveAttribute('aria-label', /^blocked (9\d|100)% in clock_nanosleep/);
  await expect(bar).toContainText('blocked');
});

test('the flame graph of the whole trace: foo > bar > baz with the C frames under it; tooltip and focus', async ({
  page,
}) => {
  await openDemo(page);
  await page.getByRole('tab', { name: 'Flame graph' }).click();
  const paths = page.getByTestId('flame-paths');
  await expect(paths).toContainText('main > foo > bar > baz > print');
  await expect(paths).toContainText('__pyx_pf_4foo2_baz > baz > print');
  const canvas = page.getByTestId('flame-canvas');
  await expect(canvas).toBeVisible();
  const box = (await canvas.boundingBox())!;
  // The second row's first frame (the heaviest top-level call) carries a tooltip with total, self and the split.
  await page.mouse.move(box.x + 5, box.y + 18 + 9);
  const tip = page.getByTestId('flame-tooltip');
  await expect(tip).toContainText('total');
  await expect(tip).toContainText('self');
  await page.screenshot({ path: 'test-results/analysis-flame.png' });
  // Focus on it: the reset button appears.
  await page.mouse.click(box.x + 5, box.y + 18 + 9);
  await expect(page.getByRole('button', { name: 'Reset focus' })).toBeVisible();
  // One tree per thread: the thread names become the top frames.
  await page.getByLabel('one tree per thread').check();
  await expect(paths).toContainText('python3 4242 > main > foo');
  // The tab is part of the link: reopening it shows the flame graph again.
  await expect(page).toHaveURL(/[?&]tab=flame\b/);
  await page.goto(page.url());
  await expect(page.getByRole('tab', { name: 'Flame graph' })).toHaveAttribute('aria-selected', 'true', {
    timeout: 60_000,
  });
  await expect(page.getByTestId('flame-canvas')).toBeVisible();
});

test('a measured range around the write in print: its syscall row, histogram and the listed syscall', async ({
  page,
}) => {
  await openDemo(page);
  // Zoom to the longest print (C frame around the write), then measure the visible part of the rows by a drag.
  await page.getByLabel('Filter functions').fill('print');
  await page.getByRole('button', { name: 'Go to the longest call of print' }).click();
  const tracks = page.locator('canvas.tl-tracks');
  const box = (await tracks.boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + GUTTER_PX + 4, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, y, { steps: 4 });
  await page.mouse.move(box.x + box.width - 4, y, { steps: 4 });
  await page.mouse.up();
  await expect(page.getByTestId('analysis-scope')).toContainText('selected range');
  await page.getByRole('tab', { name: 'Syscalls' }).click();
  const write = page.locator('[data-testid="syscall-row"][data-name="write"]');
  await expect(write.locator('td').nth(1)).toHaveText('1');
  await expect(page.getByTestId('syscall-row')).toHaveCount(1);
  await expect(write.locator('td').nth(7)).toHaveText(/^[\d.]+ µs$/);
  // A bin picked while a newer answer is on its way would be cleared by it: wait for the panel to settle.
  await expect(page.getByTestId('analysis-pending')).toBeHidden();
  await page.getByTestId('histogram-bin').first().click();
  const picked = page.getByTestId('picked-syscalls');
  await expect(picked).toContainText('1 write syscall selected');
  await expect(picked).toContainText('python3 4242');
  await page.screenshot({ path: 'test-results/analysis-syscalls.png' });
  // Clicking the listed syscall selects it on the timeline.
  await picked.getByRole('button', { name: /at .* on python3 4242/ }).click();
  await expect(page.getByTestId('details-panel')).toContainText('write');
});

test('States: per thread totals and shares', async ({ page }) => {
  await openDemo(page);
  await page.getByRole('tab', { name: 'States' }).click();
  const row = page.locator('[data-testid="state-row"][data-thread="python3 4242"]');
  await expect(row).toContainText('%');
});
