import { expect, test, type Page } from '@playwright/test';

/**
 * The model step in several model workers (`?modelWorkers=N` forces what a machine with 2N cores gets): each
 * decode worker posts its chunks to every model worker, each builds the threads of its partition, the first one
 * joins them. The page must show the same trace as with one model worker.
 */
async function openDemo(page: Page, query: string): Promise<{ summary: string; threads: string[]; workers: number }> {
  let workers = 0;
  page.on('worker', (w) => {
    if (/decode\.worker/.test(w.url())) workers++;
  });
  await page.goto(`/?demo${query}`);
  await expect(page.getByTestId('timeline')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('thread-item')).not.toHaveCount(0);
  const summary = await page.getByTestId('trace-summary').innerText();
  const threads = await page.getByTestId('thread-item').allInnerTexts();
  return { summary, threads, workers };
}

test('three model workers build the same trace as one', async ({ page }) => {
  // One decode worker in both (?decodeWorkers=1), so that the count of workers started from the decode worker
  // script differs by the two model workers added.
  const one = await openDemo(page, '&modelWorkers=1&decodeWorkers=1');
  const three = await openDemo(page, '&modelWorkers=3&decodeWorkers=1');
  expect(three.workers).toBeGreaterThanOrEqual(one.workers + 2);
  expect(one.summary).toMatch(/[1-9][\d,]* events/);
  expect(three.summary).toBe(one.summary);
  expect(three.threads.length).toBeGreaterThan(3);
  expect(three.threads).toEqual(one.threads);
});
