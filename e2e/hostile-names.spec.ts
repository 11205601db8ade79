/**
 * Names from a trace are data, never markup: a Python function and a process named like HTML with an event
 * handler must show as their literal text in the thread list, search results and details, and no element with a
 * handler may appear. The names are written into the demo session's bytes (same lengths, so every packet stays
 * valid).
 */
import { expect, test } from '@playwright/test';
import { writeTar } from '../src/ingest/tar';
import { MemoryDir, synthesizeSession } from '../src/synth/session';

/** Same-length replacements: a co_name of the article's script, and a 15-character comm (16 bytes with its NUL). */
const FRAME = { from: '_bootstrap_inner', to: '<svg onload=f()>' };
const COMM = { from: 'gnome-terminal-', to: '<svg onload=f>x' };

function replaceAll(data: Uint8Array, from: string, to: string): number {
  const a = new TextEncoder().encode(from + '\0');
  const b = new TextEncoder().encode(to.padEnd(from.length, '.') + '\0');
  let n = 0;
  for (let i = data.indexOf(a[0]); i >= 0 && i + a.length <= data.length; i = data.indexOf(a[0], i + 1)) {
    let same = true;
    for (let j = 1; j < a.length && same; j++) same = data[i + j] === a[j];
    if (same) {
      data.set(b, i);
      n++;
    }
  }
  return n;
}

function hostileSession(): Buffer {
  const dir = new MemoryDir();
  synthesizeSession(dir, { scenario: 'article' });
  const entries = dir.entries('hostile/');
  let frames = 0;
  let comms = 0;
  for (const e of entries) {
    frames += replaceAll(e.data, FRAME.from, FRAME.to);
    comms += replaceAll(e.data, COMM.from, COMM.to);
  }
  expect(frames).toBeGreaterThan(0);
  expect(comms).toBeGreaterThan(0);
  return Buffer.from(writeTar(entries));
}

test('names like <svg onload=...> from a trace render as text in the thread list, search results and details', async ({
  page,
}) => {
  await page.addInitScript(() => {
    (window as unknown as { f: () => void }).f = () => {
      (window as unknown as { injected: boolean }).injected = true;
    };
  });
  page.on('dialog', () => {
    throw new Error('a dialog opened: trace text ran as script');
  });
  await page.goto('/?local');
  await page
    .getByTestId('file-input')
    .setInputFiles({ name: 'hostile.tar', mimeType: 'application/x-tar', buffer: hostileSession() });
  await expect(page.getByTestId('timeline')).toBeVisible({ timeout: 60_000 });

  const comm = COMM.to.padEnd(COMM.from.length, '.');
  await expect(page.getByTestId('thread-item').filter({ hasText: comm }).first()).toBeAttached({ timeout: 30_000 });

  await page.getByLabel('Search frames').fill('<svg');
  await expect(page.getByTestId('search-count')).toHaveText(/^[1-9]\d* matching frames?/);
  const result = page.getByTestId('search-results').getByRole('button').first();
  await expect(result).toContainText(FRAME.to);
  await result.click();
  await expect(page.getByTestId('detail-name')).toContainText(FRAME.to);

  const found = await page.evaluate(() => ({
    handlers: document.querySelectorAll('[onload], [onerror], svg[onload]').length,
    injected: (window as unknown as { injected?: boolean }).injected === true,
  }));
  expect(found).toEqual({ handlers: 0, injected: false });
});
