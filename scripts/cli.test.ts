/**
 * scripts/cli.mjs decides from the files a bundle was built from whether to rebuild it: an unchanged bundle is
 * run as is (no esbuild start-up), a changed source is never run stale.
 */
import { readFileSync, statSync, utimesSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { cliBundle } from './cli.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = (): Promise<string> => (cliBundle as (name: string) => Promise<string>)('dump');

describe('the command-line bundle', () => {
  it('is rebuilt when a file it was built from changes, and only then', async () => {
    const out = await bundle();
    const inputs = JSON.parse(readFileSync(`${out}.inputs.json`, 'utf8')) as string[];
    expect(inputs).toEqual(expect.arrayContaining(['scripts/dump.ts', 'src/ctf/tsdl/parser.ts']));
    const built = statSync(out).mtimeMs;
    expect(await bundle()).toBe(out);
    expect(statSync(out).mtimeMs).toBe(built);
    // As an edit would: the decoder's source is now newer than the bundle.
    const source = join(repoRoot, 'src/ctf/decode/plan.ts');
    const now = new Date();
    utimesSync(source, now, now);
    await bundle();
    expect(statSync(out).mtimeMs).toBeGreaterThan(built);
    expect(statSync(out).mtimeMs).toBeGreaterThan(statSync(source).mtimeMs);
  }, 60_000);
});
