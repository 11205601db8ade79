/**
 * Frame-time benchmark (not a timed test): pans and zooms the timeline over generated models of 1 million
 * call slices (timeline-dev.html?fixture=million: 4 threads; ?fixture=many-threads: 5,400 threads, also
 * scrolled through) with held W/A/S/D keys, and prints the median and 95th percentile of
 * requestAnimationFrame deltas and of the timeline's own draw time.
 */
import { expect, test } from '@playwright/test';

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

for (const [fixture, label] of [
  ['million', '1,000,000 slices on 4 threads'],
  ['many-threads', '1,000,000 slices on 5,400 threads'],
] as const) {
  test(`frame times while panning ${label}`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.goto(`/timeline-dev.html?fixture=${fixture}`);
    const tracks = page.locator('canvas.tl-tracks');
    await expect(tracks).toBeVisible();
    if (fixture === 'million') await expect(page.getByTestId('thread-item')).toHaveCount(4);
    // Thousands of threads: the accessible list holds only the ones around the visible rows.
    else await expect(page.getByTestId('thread-list-window')).toContainText('5400 threads');
    const box = (await tracks.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + 150);
    // Let the per-depth indexes build (background tasks after the first frame) before measuring.
    await page.evaluate(() => new Promise((r) => setTimeout(r, 1500)));

    await page.evaluate(() => {
      const w = window as unknown as {
        __frames: number[];
        __stop: boolean;
        __strataScheduler: { drawCount: number };
        __draw0: number;
      };
      w.__frames = [];
      w.__stop = false;
      w.__draw0 = w.__strataScheduler.drawCount;
      const loop = (t: number) => {
        w.__frames.push(t);
        if (!w.__stop) requestAnimationFrame(loop);
      };
      requestAnimationFrame(loop);
    });
    // Zoom into the middle for one second, then pan right and left, two seconds each.
    await page.keyboard.down('w');
    await page.waitForTimeout(1000);
    await page.keyboard.up('w');
    await page.keyboard.down('d');
    await page.waitForTimeout(2000);
    await page.keyboard.up('d');
    await page.keyboard.down('a');
    await page.waitForTimeout(2000);
    await page.keyboard.up('a');
    await page.keyboard.down('s');
    await page.waitForTimeout(1000);
    await page.keyboard.up('s');
    if (fixture === 'many-threads') {
      // Scroll down through the rows (threads come into view and get indexed), then back up.
      for (let i = 0; i < 20; i++) await page.mouse.wheel(0, 600);
      for (let i = 0; i < 10; i++) await page.mouse.wheel(0, -600);
      const items = page.getByTestId('thread-item');
      expect(await items.count()).toBeLessThan(400);
    }

    const r = await page.evaluate(() => {
      const w = window as unknown as {
        __frames: number[];
        __stop: boolean;
        __draw0: number;
        __strataScheduler: { drawCount: number; drawMs: Float64Array };
      };
      w.__stop = true;
      const s = w.__strataScheduler;
      const n = Math.min(s.drawCount - w.__draw0, s.drawMs.length);
      const draws: number[] = [];
      for (let i = s.drawCount - n; i < s.drawCount; i++) draws.push(s.drawMs[i % s.drawMs.length]);
      return { frames: w.__frames, draws };
    });
    const deltas = r.frames
      .slice(1)
      .map((t, i) => t - r.frames[i])
      .sort((a, b) => a - b);
    const draws = r.draws.sort((a, b) => a - b);
    const line =
      `frame-bench (${label}, ${r.frames.length} frames over ~6 s): ` +
      `rAF delta median ${quantile(deltas, 0.5).toFixed(1)} ms, p95 ${quantile(deltas, 0.95).toFixed(1)} ms; ` +
      `draw median ${quantile(draws, 0.5).toFixed(2)} ms, p95 ${quantile(draws, 0.95).toFixed(2)} ms (${draws.length} draws)`;
    console.log(line);
    await page.screenshot({ path: `test-results/frame-bench-${fixture}.png` });
    expect(deltas.length).toBeGreaterThan(30);
    expect(draws.length).toBeGreaterThan(30);
  });
}
