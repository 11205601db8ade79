/**
 * The Events tab on the article demo (/?demo): the events of the visible range with their fields, decoded on
 * demand in the model worker; search (Enter: next match, Ctrl+Enter: filter) finds sched_switch; clicking a row
 * selects its thread on the timeline.
 */
import { expect, test, type Page } from '@playwright/test';
import { gzipSync } from 'fflate';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTar } from '../src/ingest/tar';
import { corpusTarGz, folderEntries } from './trace-fixtures';

const perfFixtures = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/perf');

async function openBundleEvents(page: Page, name: string, buffer: Buffer): Promise<void> {
  await page.goto('/?trace=');
  await expect(page.getByTestId('drop-zone')).toBeVisible();
  await page.getByTestId('file-input').setInputFiles({ name: `${name}.tar.gz`, mimeType: 'application/gzip', buffer });
  await expect(page.getByTestId('trace-summary')).toContainText(name, { timeout: 30_000 });
  await page.getByRole('tab', { name: 'Events' }).click();
}

async function openEvents(page: Page): Promise<void> {
  await page.goto('/?demo');
  await expect(page.locator('canvas.tl-tracks')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('tab', { name: 'Events' }).click();
  await expect(page.getByRole('tab', { name: 'Events' })).toHaveAttribute('aria-selected', 'true');
}

test('the Events tab lists the events of the visible range with their fields', async ({ page }) => {
  await openEvents(page);
  const table = page.getByRole('table', { name: 'Events' });
  // The demo's kernel and UST events, all in view at first.
  await expect(page.getByTestId('events-count')).toHaveText('2,290 events');
  const first = table.locator('.ev-row:not(.ev-head)').first();
  await expect(first.locator('.ev-name')).toHaveText('lttng_statedump_start');
  await expect(first.locator('.ev-time')).toHaveText('0.000000000 s');
  const second = table.locator('.ev-row:not(.ev-head)').nth(1);
  await expect(second.locator('.ev-fields')).toContainText('name = "systemd"');
  // Virtualized: only the rows in view exist, whatever the count.
  expect(await table.locator('.ev-row').count()).toBeLessThan(60);
  // Scrolling to the end reads the last rows.
  await table.locator('.ev-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(table.locator('.ev-row:not(.ev-head)').last().locator('.ev-name')).not.toHaveText('…');
  await page.screenshot({ path: 'test-results/events-table.png' });
});

test('search finds sched_switch, Ctrl+Enter filters, a click selects the row thread', async ({ page }) => {
  await openEvents(page);
  await expect(page.getByTestId('events-count')).toHaveText('2,290 events');
  const search = page.getByLabel('Search events');
  await search.fill('sched_switch');
  await search.press('Enter');
  await expect(page.getByTestId('events-count')).toContainText(/· [\d,]+ matches/);
  const current = page.locator('.ev-row.ev-current');
  await expect(current.locator('.ev-name')).toHaveText('sched_switch');
  const firstAt = await current.locator('.ev-time').textContent();
  await search.press('Enter');
  await expect(current.locator('.ev-time')).not.toHaveText(firstAt!);
  await expect(current.locator('.ev-name')).toHaveText('sched_switch');

  await search.press('Control+Enter');
  await expect(page.getByTestId('events-count')).toContainText('(filtered)');
  const rows = page.locator('.ev-table .ev-row:not(.ev-head)');
  await expect(rows.first().locator('.ev-name')).toHaveText('sched_switch');
  const names = await rows.locator('.ev-name').allTextContents();
  expect(new Set(names)).toEqual(new Set(['sched_switch']));

  // A row with a known thread (the one the switch takes off the CPU): clicking it selects that thread.
  const row = rows.filter({ has: page.locator('.ev-thread', { hasText: /^\d+ / }) }).first();
  const tid = /^(\d+) /.exec((await row.locator('.ev-thread').textContent())!)![1];
  await expect(row.locator('.ev-fields')).toContainText(`prev_tid = ${tid}`);
  await row.click();
  await expect(row).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('details-panel')).toContainText(tid);
  await page.screenshot({ path: 'test-results/events-search.png' });
});

test('selecting a call on the timeline scrolls the table to the event that began it', async ({ page }) => {
  await page.goto('/?demo');
  await expect(page.locator('canvas.tl-tracks')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Go to the longest call of sleep' }).click();
  await expect(page.getByTestId('details-panel')).toContainText('sleep');
  await page.getByRole('tab', { name: 'Events' }).click();
  const current = page.locator('.ev-row.ev-current');
  await expect(current.locator('.ev-fields')).toContainText('"sleep"');
  await page.screenshot({ path: 'test-results/events-follow-selection.png' });
});

test('a perf CTF trace: its events with perf fields, filtered to sched:sched_switch, a row selects its thread', async ({
  page,
}) => {
  const tar = Buffer.from(gzipSync(writeTar(folderEntries(join(perfFixtures, 'task'), 'perf-task'))));
  await openBundleEvents(page, 'perf-task', tar);
  await expect(page.getByTestId('events-count')).toHaveText(/^[\d,]+ events$/);
  const search = page.getByLabel('Search events');
  await page.getByLabel('regular expression').check();
  await search.fill('^sched:sched_switch$');
  await search.press('Control+Enter');
  await expect(page.getByTestId('events-count')).toContainText('(filtered)');
  const rows = page.locator('.ev-table .ev-row:not(.ev-head)');
  await expect(rows.first().locator('.ev-name')).toHaveText('sched:sched_switch');
  await expect(rows.first().locator('.ev-fields')).toContainText('perf_tid = ');
  const row = rows.filter({ has: page.locator('.ev-thread', { hasText: /^\d+ / }) }).first();
  const tid = /^(\d+) /.exec((await row.locator('.ev-thread').textContent())!)![1];
  await expect(row.locator('.ev-fields')).toContainText(`perf_tid = ${tid}`);
  await row.click();
  await expect(page.getByTestId('details-panel')).toContainText(tid);
  await page.screenshot({ path: 'test-results/events-perf.png' });
});

test('a UST-only trace of events the model does not know lists them with their fields', async ({ page }) => {
  await openBundleEvents(page, 'bt-lttng-crash', corpusTarGz('bt-lttng-crash'));
  await expect(page.getByTestId('events-count')).toHaveText(/^[\d,]+ events$/);
  const first = page.locator('.ev-table .ev-row:not(.ev-head)').first();
  await expect(first.locator('.ev-name')).not.toHaveText('…');
  await expect(first.locator('.ev-fields')).toContainText(' = ');
  await page.screenshot({ path: 'test-results/events-ust.png' });
});
