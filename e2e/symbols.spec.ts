/**
 * C frames named in the page from the user's binaries: a bundle of a real LTTng recording (made here, with an
 * instrumented .so) and its binaries opens with the C frames named, searchable by name, source lines in the
 * details, and the Symbols panel saying what named each binary; the same trace without them says what to drop.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'fflate';
import { writeTar } from '../src/ingest/tar';
import { folderEntries } from './trace-fixtures';
import { recordCygProfile, type UstRecording } from '../src/fixtures/record-ust';

let rec: UstRecording;
test.beforeAll(async () => {
  rec = await recordCygProfile();
});

function bundle(withBinaries: boolean): Buffer {
  const entries = folderEntries(rec.tracePath, 'session');
  // Binaries go anywhere in the bundle, under any name: they are recognised by content and matched by build-id.
  if (withBinaries) {
    entries.push({ path: 'session/bin/libcfoo.so', data: new Uint8Array(readFileSync(rec.libPath)) });
    entries.push({ path: 'session/bin/app', data: new Uint8Array(readFileSync(rec.appPath)) });
  }
  return Buffer.from(gzipSync(writeTar(entries)));
}

async function open(page: Page, buffer: Buffer): Promise<void> {
  await page.goto('/?local');
  await page.getByTestId('file-input').setInputFiles({ name: 'session.tar.gz', mimeType: 'application/gzip', buffer });
  await expect(page.getByTestId('timeline')).toBeVisible({ timeout: 30_000 });
}

test('a bundle with the trace and its .so: C frames named, searchable, with source lines; the Symbols panel says by what', async ({
  page,
}) => {
  await open(page, bundle(true));
  const panel = page.getByTestId('symbols-panel');
  await expect(panel).toBeAttached();
  const libRow = panel.getByTestId('symbols-row').filter({ hasText: 'libcfoo.so' });
  await expect(libRow).toHaveAttribute('data-status', 'named', { timeout: 30_000 });
  await expect(libRow).toContainText(/\d+ by DWARF of (\S*\/)?bin\/libcfoo\.so/);
  await expect(panel.getByTestId('symbols-row').filter({ hasText: rec.appPath })).toHaveAttribute(
    'data-status',
    'named',
  );

  await page.getByLabel('Search frames').fill('cfoo');
  await expect(page.getByTestId('search-count')).toHaveText(/^[1-9]\d* matching frames?$/);
  await page.getByTestId('search-results').getByRole('button').first().click();
  const details = page.getByTestId('details-panel');
  await expect(details.getByTestId('detail-name')).toContainText('cfoo');
  await expect(details.getByTestId('detail-source')).toContainText(/cfoo\.c:6$/);
  await expect(details.getByTestId('detail-binary')).toContainText(`${rec.libPath} +0x`);
  await page.screenshot({ path: 'test-results/symbols-named.png' });

  // No frame is left named by an offset.
  await page.getByLabel('Search frames').fill('+0x');
  await expect(page.getByTestId('search-count')).toHaveText('No matching frames');
});

test('the same trace without its binaries: offsets, and the Symbols panel says what to drop', async ({ page }) => {
  await open(page, bundle(false));
  const panel = page.getByTestId('symbols-panel');
  const libRow = panel.getByTestId('symbols-row').filter({ hasText: 'libcfoo.so' });
  await expect(libRow).toHaveAttribute('data-status', 'unnamed', { timeout: 30_000 });
  await expect(libRow).toContainText(/no file given: drop libcfoo\.so \(build-id [0-9a-f]{40}\)/);
  await expect(panel).toContainText('without names: drop the binaries');
  await page.getByLabel('Search frames').fill('libcfoo.so+0x');
  await expect(page.getByTestId('search-count')).toHaveText(/^[1-9]\d* matching frames?$/);
});
