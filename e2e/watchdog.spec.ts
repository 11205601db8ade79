/**
 * The page's watchdog over its workers. A worker is made to freeze for real (a busy loop, as a decoder bug on a
 * hostile input would) by a prelude added to the built worker script on its way to the page; the production
 * code is unchanged. The page must stop it after a few seconds, say which files and how far, and offer what was
 * decoded before (or say honestly that it cannot).
 */
import { expect, test, type Page } from '@playwright/test';
import { corpusTarGz, GLXGEARS } from './trace-fixtures';

/** Serves the decode worker script with `prelude` run first in workers named `workerName`. */
async function freezeWorker(page: Page, workerName: string, prelude: string) {
  await page.route('**/assets/decode.worker-*.js', async (route) => {
    const response = await route.fetch();
    const body = await response.text();
    await route.fulfill({ response, body: `if (self.name === ${JSON.stringify(workerName)}) { ${prelude} }\n${body}` });
  });
}

/** Spins for ever once the worker is about to post `t: 'end'` (a decode worker that has sent all its chunks). */
const FREEZE_BEFORE_END = `
  const post = MessagePort.prototype.postMessage;
  MessagePort.prototype.postMessage = function (m, t) {
    if (m && m.t === 'end') { for (;;) {} }
    return post.call(this, m, t);
  };`;

/** Spins for ever on the first chunk a decode worker sends to the model worker. */
const FREEZE_ON_CHUNK = `
  const d = Object.getOwnPropertyDescriptor(MessagePort.prototype, 'onmessage');
  Object.defineProperty(MessagePort.prototype, 'onmessage', {
    configurable: true,
    get: d.get,
    set(h) {
      d.set.call(this, h && function (e) {
        if (e.data && e.data.t === 'chunk') { for (;;) {} }
        return h.call(this, e);
      });
    },
  });`;

async function openGlxgears(page: Page) {
  await page.goto('/?local');
  await expect(page.getByTestId('drop-zone')).toBeVisible();
  await page
    .getByTestId('file-input')
    .setInputFiles({ name: `${GLXGEARS}.tar.gz`, mimeType: 'application/gzip', buffer: corpusTarGz(GLXGEARS) });
}

test.describe('worker watchdog', () => {
  test('a frozen decode worker is stopped; the user is told which file and can open what was decoded before', async ({
    page,
  }) => {
    await freezeWorker(page, 'strata-decode-0', FREEZE_BEFORE_END);
    await openGlxgears(page);
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('Decoding stopped: it made no progress', { timeout: 30_000 });
    // The glxgears trace's stream files, and how far their worker had come.
    await expect(alert).toContainText(
      /Decoding channel0_\d, .* made no progress for \d+ s after [\d,]+ events, and was stopped\./,
    );
    await expect(alert.locator('dt', { hasText: 'File' })).toBeVisible();
    await expect(alert.locator('dd').first()).toContainText(/^channel0_\d$/);
    // The page stayed responsive the whole time: the freeze is in the worker only.
    expect(await page.evaluate(() => 1 + 1)).toBe(2);
    const open = page.getByRole('button', { name: /Open what was decoded so far \([\d,]+ events\)/ });
    await expect(open).toBeVisible();
    const label = (await open.innerText()).match(/\(([\d,]+) events\)/)![1];
    await open.click();
    await expect(page.getByTestId('timeline')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('trace-summary')).toContainText(`${label} events`);
    await expect(page.getByTestId('thread-item').first()).toBeAttached();
    await expect(page.getByRole('alert')).toContainText('The events decoded before it stopped are shown.');
  });

  test('a frozen model worker is stopped, and the page says the part decoded so far cannot be opened', async ({
    page,
  }) => {
    await freezeWorker(page, 'strata-model', FREEZE_ON_CHUNK);
    await openGlxgears(page);
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('Decoding stopped: it made no progress', { timeout: 30_000 });
    await expect(alert).toContainText(
      /Building the model \(from .*\) made no progress for \d+ s after \d+ events, and was stopped\./,
    );
    await expect(alert).toContainText('What was decoded so far cannot be opened');
    await expect(page.getByRole('button', { name: /Open what was decoded so far/ })).toHaveCount(0);
    // The landing page is back to open another trace.
    await expect(page.getByTestId('drop-zone')).toBeVisible();
  });
});
