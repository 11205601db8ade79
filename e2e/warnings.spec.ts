import { expect, test, type Page } from '@playwright/test';
import { gzipSync } from 'fflate';
import { writeTar } from '../src/ingest/tar';
import { folderEntries, GLXGEARS } from './trace-fixtures';
import { tracePath } from '../src/fixtures/corpus';

async function openArchive(page: Page, name: string, bytes: Uint8Array) {
  await page.goto('/?trace=');
  await expect(page.getByTestId('drop-zone')).toBeVisible();
  await page
    .getByTestId('file-input')
    .setInputFiles({ name, mimeType: 'application/gzip', buffer: Buffer.from(bytes) });
}

test('a stream file given twice and an archive entry climbing out: opened once, both said in the trace summary', async ({
  page,
}) => {
  const entries = folderEntries(tracePath(GLXGEARS), GLXGEARS);
  const stream = entries.find((e) => e.path.endsWith('/channel0_0'))!;
  const tgz = gzipSync(
    writeTar([
      ...entries,
      { path: `${GLXGEARS}/channel0_0.bak`, data: stream.data },
      { path: '../outside.txt', data: new TextEncoder().encode('not for us') },
    ]),
  );
  await openArchive(page, 'doubled.tar.gz', tgz);
  await expect(page.getByTestId('timeline')).toBeVisible({ timeout: 30_000 });
  const warnings = page.getByTestId('trace-warnings');
  await expect(warnings).toContainText('2 warnings about what was opened');
  await expect(warnings).toContainText(
    'channel0_0.bak is a byte-identical copy of channel0_0: opened once, channel0_0.bak left out',
  );
  await expect(warnings).toContainText(
    `doubled.tar.gz: entry "../outside.txt" skipped (name climbs out of the archive with '..')`,
  );
  // The glxgears trace has 4,977 events: counted once.
  await expect(page.getByTestId('trace-summary')).toContainText('4,977 events');
});

test('a trace without copies or skipped entries shows no warning', async ({ page }) => {
  await openArchive(page, `${GLXGEARS}.tar.gz`, gzipSync(writeTar(folderEntries(tracePath(GLXGEARS), GLXGEARS))));
  await expect(page.getByTestId('timeline')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('trace-summary')).toContainText('4,977 events');
  await expect(page.getByTestId('trace-warnings')).toHaveCount(0);
});

test('a loss range that ends before it begins is listed as damaged', async ({ page }) => {
  const entries = folderEntries(tracePath('bt-psn-2-lost-before-last'), 'psn');
  const stream = entries.find((e) => e.path.endsWith('/test_stream_0'))!;
  const bytes = Buffer.from(stream.data);
  // Second packet's timestamp_end 40 -> 50, after the third packet's beginning (41): the range is [50, 41].
  bytes.writeBigUInt64BE(50n, 128 + 32);
  const tgz = gzipSync(
    writeTar(entries.map((e) => (e === stream ? { path: e.path, data: new Uint8Array(bytes) } : e))),
  );
  await openArchive(page, 'psn.tar.gz', tgz);
  await expect(page.getByTestId('trace-summary')).toContainText('3 events', { timeout: 30_000 });
  await expect(page.getByTestId('damaged-losses')).toContainText(
    '1 loss record is damaged (the range ends before it begins)',
  );
});

test.describe('URL error texts in the page', () => {
  test('credentials in the link are refused before any request and never shown; a redirect to ftp says so', async ({
    page,
  }) => {
    const { createServer } = await import('node:http');
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.writeHead(302, { Location: 'ftp://files.example/trace.tar.gz', 'Access-Control-Allow-Origin': '*' });
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      await page.goto(`/?trace=${encodeURIComponent(`http://alice:s3cret@127.0.0.1:${port}/trace.tar.gz`)}`);
      const alert = page.getByRole('alert');
      await expect(alert).toContainText('trace URLs with a user name or password are refused (nothing was requested)', {
        timeout: 30_000,
      });
      await expect(alert).not.toContainText('s3cret');
      expect(requests).toEqual([]);

      await page.goto(`/?trace=${encodeURIComponent(`http://127.0.0.1:${port}/trace.tar.gz`)}`);
      await expect(page.getByRole('alert')).toContainText(`127.0.0.1:${port} answered with a redirect`, {
        timeout: 30_000,
      });
      await expect(page.getByRole('alert')).not.toContainText('cannot reach');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

test('a trace whose last packet is truncated opens with its valid events, the rest of the stream marked lost', async ({
  page,
}) => {
  // tc-bug446190's channel0_1 (CPU 1) has a second packet at byte 262,144: cut inside it.
  const entries = folderEntries(tracePath('tc-bug446190'), 'bug');
  const cut = entries.map((e) =>
    e.path === 'bug/channel0_1' ? { path: e.path, data: e.data.subarray(0, 270000) } : e,
  );
  await openArchive(page, 'truncated.tar.gz', gzipSync(writeTar(cut)));
  await expect(page.getByTestId('timeline')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('trace-summary')).toContainText(/[\d,]+ events, [\d,]+ threads/);
  await expect(page.getByTestId('thread-item')).not.toHaveCount(0);
  await expect(page.getByTestId('damaged-stream')).toContainText(
    'channel0_1 is damaged at byte 262,144: its events up to',
  );
  await expect(page.getByTestId('damaged-stream')).toContainText('the rest (7,856 bytes) could not be read');
  // The lost range is marked on the axis up to the trace's end.
  const axis = page.locator('.tl-axis canvas');
  const abox = (await axis.boundingBox())!;
  await page.mouse.move(abox.x + abox.width - 6, abox.y + abox.height - 4);
  await expect(page.getByTestId('tooltip')).toContainText('channel0_1 unreadable from byte 262144');
  await expect(page.getByTestId('tooltip')).toContainText('CPU 1');
  await page.screenshot({ path: 'test-results/truncated-trace.png' });
});
