/** The built page's Content-Security-Policy (vite.config.ts): no inline script runs, and the viewer needs none. */
import { expect, test } from '@playwright/test';

test('the demo opens under the policy without a single violation, and an inline script is refused', async ({
  page,
}) => {
  const refused: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
  });
  await page.goto('/?demo');
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute(
    'content',
    /script-src 'self';/,
  );
  await expect(page.getByTestId('timeline')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('thread-item').first()).toBeAttached({ timeout: 30_000 });
  expect(refused).toEqual([]);

  // What a trace name turned into markup would try: an inline script and an inline event handler.
  const ran = await page.evaluate(async () => {
    const w = window as unknown as { inlineRan?: boolean; handlerRan?: boolean };
    const s = document.createElement('script');
    s.textContent = 'window.inlineRan = true';
    document.body.append(s);
    const img = document.createElement('img');
    img.setAttribute('onerror', 'window.handlerRan = true');
    img.src = 'data:,x';
    document.body.append(img);
    await new Promise((r) => setTimeout(r, 200));
    return { inline: w.inlineRan === true, handler: w.handlerRan === true };
  });
  expect(ran).toEqual({ inline: false, handler: false });
  expect(refused.length).toBeGreaterThan(0);
});
