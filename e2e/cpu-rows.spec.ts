/**
 * CPU rows on a kernel corpus trace: drawn first under a "CPUs" header, collapsible, and a click on a run
 * selects the thread that ran (the details panel describes it, the thread list marks it).
 */
import { expect, test } from '@playwright/test';
import { corpusTarGz } from './trace-fixtures';

interface RunLocation {
  x: number;
  y: number;
  widthPx: number;
  tid: number;
  name: string;
}

test('a kernel trace opens with one row per CPU; clicking a run selects its thread', async ({ page }) => {
  await page.goto('/?trace=');
  await expect(page.getByTestId('drop-zone')).toBeVisible();
  await page.getByTestId('file-input').setInputFiles({
    name: 'tc-many-threads.tar.gz',
    mimeType: 'application/gzip',
    buffer: corpusTarGz('tc-many-threads'),
  });
  await expect(page.getByTestId('timeline')).toBeVisible({ timeout: 60_000 });
  const locate = () =>
    page.evaluate(
      () =>
        (
          window as unknown as { __strataTimeline?: { locateCpuRun(): RunLocation | null } }
        ).__strataTimeline?.locateCpuRun() ?? null,
    );
  await expect.poll(locate, { timeout: 30_000 }).not.toBeNull();
  const run = (await locate())!;
  expect(run.widthPx).toBeGreaterThan(1);
  const tracks = page.locator('canvas.tl-tracks');
  const box = (await tracks.boundingBox())!;
  // The run is drawn: its pixel is neither the background nor the idle grey.
  const px = await tracks.evaluate(
    (c: HTMLCanvasElement, [x, y]) => {
      const k = c.width / c.clientWidth;
      return Array.from(
        c
          .getContext('2d')!
          .getImageData(Math.floor(x * k), Math.floor(y * k), 1, 1)
          .data.slice(0, 3),
      );
    },
    [run.x - box.x, run.y - box.y],
  );
  expect(px).not.toEqual([255, 255, 255]);
  expect(px).not.toEqual([0xec, 0xee, 0xf1]);
  await page.screenshot({ path: 'test-results/cpu-rows.png' });

  // Hovering names the thread and the CPU.
  await page.mouse.move(run.x, run.y);
  await expect(page.getByTestId('tooltip')).toContainText(`${run.name} ${run.tid}`);
  await expect(page.getByTestId('tooltip')).toContainText('running');
  await page.mouse.click(run.x, run.y);
  const details = page.getByTestId('details-panel');
  await expect(details.locator('h2')).toContainText(`${run.name} ${run.tid}`);
  await expect(page.locator('[data-testid="thread-item"][aria-current="true"]')).toHaveText(`${run.name} ${run.tid}`);
  await page.screenshot({ path: 'test-results/cpu-rows-thread-selected.png' });

  // The CPUs header collapses like a process (back at the top: the selection scrolled to the thread's row).
  await tracks.evaluate((c) => (c.parentElement!.scrollTop = 0));
  await page.mouse.click(box.x + 40, box.y + 10);
  await expect.poll(locate).toBeNull();
});
