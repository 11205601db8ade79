/**
 * Traces that are not Python full-stack recordings: a perf CTF trace shows its threads with states and
 * syscalls, a UST trace of unknown events shows its rows with tick marks, and a trace with nothing to draw
 * says so instead of a blank timeline.
 */
import { expect, test, type Page } from '@playwright/test';
import { gzipSync } from 'fflate';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTar } from '../src/ingest/tar';
import { tracePath } from '../src/fixtures/corpus';
import { corpusTarGz, folderEntries } from './trace-fixtures';

const perfFixtures = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/perf');

async function openBundle(page: Page, name: string, buffer: Buffer) {
  await page.goto('/?trace=');
  await expect(page.getByTestId('drop-zone')).toBeVisible();
  await page.getByTestId('file-input').setInputFiles({ name: `${name}.tar.gz`, mimeType: 'application/gzip', buffer });
  await expect(page.getByTestId('trace-summary')).toContainText(name, { timeout: 30_000 });
}

/** Canvas pixels right of the gutter with exactly the events-only tick colour (#475467). */
async function tickPixels(page: Page): Promise<number> {
  return page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('canvas.tl-tracks')!;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] === 0x47 && data[i + 1] === 0x54 && data[i + 2] === 0x67) n++;
    return n;
  });
}

test('a perf CTF trace (perf data convert --to-ctf) shows its threads with states and named syscalls', async ({
  page,
}) => {
  const tar = Buffer.from(gzipSync(writeTar(folderEntries(join(perfFixtures, 'task'), 'perf-task'))));
  await openBundle(page, 'perf-task', tar);
  await expect(page.getByTestId('timeline')).toBeVisible();
  await expect(page.getByTestId('trace-summary')).toContainText('kernel');
  for (const n of ['sh', 'ls', 'sleep'])
    await expect(page.getByTestId('thread-item').filter({ hasText: n }).first()).toBeAttached();
  // The syscalls are named from their numbers: the test hook finds sh's wait4 on the canvas.
  const locate = (name: string) =>
    page.evaluate(
      (n) =>
        (
          window as unknown as { __strataTimeline?: { locate(k: string, n: string): unknown } }
        ).__strataTimeline?.locate('syscall', n) ?? null,
      name,
    );
  await expect.poll(() => locate('wait4')).not.toBeNull();
  expect(await locate('no_such_syscall')).toBeNull();
  await page.screenshot({ path: 'test-results/recognise-perf-task.png' });
});

test('a UST trace of events the model does not know: per-CPU rows with tick marks', async ({ page }) => {
  await openBundle(page, 'bt-lttng-crash', corpusTarGz('bt-lttng-crash'));
  await expect(page.getByTestId('timeline')).toBeVisible();
  await expect(page.getByTestId('thread-item').first()).toContainText('CPU');
  await expect.poll(() => tickPixels(page)).toBeGreaterThan(20);
  // No vtid and no kernel trace: the row says it may mix threads.
  const row = page.getByTestId('thread-item').first().getByRole('button');
  await expect(row).toHaveAttribute('title', /several threads may be mixed here/);
  await row.dispatchEvent('click'); // the list is the rows' accessible twin, under the canvas
  await expect(page.getByTestId('detail-note')).toContainText('several threads may be mixed here');
  await page.screenshot({ path: 'test-results/recognise-unknown-events.png' });
});

test('a trace with nothing to draw says so, with no blank timeline', async ({ page }) => {
  await openBundle(page, 'bt-succeed4', corpusTarGz('bt-succeed4'));
  const notice = page.getByTestId('empty-notice');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('Nothing to draw');
  await expect(notice).toContainText('no events');
  await expect(page.getByTestId('timeline')).toHaveCount(0);
  await expect(page.getByTestId('trace-summary')).not.toContainText('0 threads');
  await page.screenshot({ path: 'test-results/recognise-empty.png' });
});

test("a user-space-only session is titled by its session folder, not LTTng's 64-bit leaf", async ({ page }) => {
  const entries = folderEntries(tracePath('tc-cyg-profile-glxgears-cyg-profile'), 'mysession/ust/uid/1000/64-bit');
  await page.goto('/?trace=');
  await page.getByTestId('file-input').setInputFiles({
    name: 'upload.tar.gz',
    mimeType: 'application/gzip',
    buffer: Buffer.from(gzipSync(writeTar(entries))),
  });
  await expect(page.getByTestId('trace-summary').locator('strong').first()).toHaveText('mysession', {
    timeout: 30_000,
  });
  await expect(page.getByTestId('trace-summary')).not.toContainText('64-bit:');
});

test('a trace whose events give no row opens its events in the Events tab', async ({ page }) => {
  // bt-2packets: two lttng_ust_statedump:procname events (read by the model, but no call, state or unknown event).
  await openBundle(page, 'bt-2packets', corpusTarGz('bt-2packets'));
  await expect(page.getByTestId('empty-notice')).toContainText('listed in the Events tab');
  await expect(page.getByRole('tab', { name: 'Events' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('events-count')).toHaveText('2 events', { timeout: 30_000 });
  const first = page.getByRole('table', { name: 'Events' }).locator('.ev-row:not(.ev-head)').first();
  await expect(first.locator('.ev-name')).toHaveText('lttng_ust_statedump:procname');
  await page.screenshot({ path: 'test-results/events-only-trace.png' });
});
