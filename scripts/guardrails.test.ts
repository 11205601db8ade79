/**
 * The guardrails fail where they should: ESLint's layer rules reject an upward import, and the DOM-free
 * tsconfig rejects `document` in a pure folder. Both run the real configs on a deliberately wrong file.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function lintAs(path: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: repoRoot });
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, path) });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('ESLint layering (eslint.config.js)', () => {
  it('rejects model importing the view store and ctf importing the model', async () => {
    const model = await lintAs(
      'src/model/wrong.ts',
      "import { useViewStore } from '../store/view-store';\nexport const s = useViewStore;\n",
    );
    expect(model).toEqual([expect.stringMatching(/^no-restricted-imports: .*src\/model must not import src\/store/)]);
    const ctf = await lintAs(
      'src/ctf/decode/wrong.ts',
      "import type { TraceModel } from '../../model/types';\nexport type M = TraceModel;\n",
    );
    expect(ctf).toEqual([expect.stringMatching(/src\/ctf must not import src\/model/)]);
    const layout = await lintAs(
      'src/layout/wrong.ts',
      "import { drawTracks } from '../render/draw-tracks';\nexport const d = drawTracks;\n",
    );
    expect(layout).toEqual([expect.stringMatching(/src\/layout must not import src\/render/)]);
    const app = await lintAs(
      'src/views/app/wrong.ts',
      "import { corpusDir } from '../../fixtures/corpus';\nexport const c = corpusDir;\n",
    );
    expect(app).toEqual([]); // views may import fixtures (the dev page renders them)
    const render = await lintAs(
      'src/render/wrong.ts',
      "import { corpusDir } from '../fixtures/corpus';\nexport const c = corpusDir;\n",
    );
    expect(render).toEqual([expect.stringMatching(/src\/render must not import src\/fixtures/)]);
  });

  it('accepts imports that point down', async () => {
    const ok = await lintAs(
      'src/render/right.ts',
      "import { rowAt } from '../layout/row-layout';\nimport type { TraceModel } from '../model/types';\nexport const f = (m: TraceModel) => [m, rowAt];\n",
    );
    expect(ok).toEqual([]);
  });
});

describe('DOM-free tsconfig (tsconfig.pure.json)', () => {
  it('makes `document` in src/model a compile error', () => {
    // A file in src/model itself, compiled with the real config: proves the folder is covered and DOM-free.
    const wrong = join(repoRoot, `src/model/dom-check-${process.pid}.ts`);
    writeFileSync(wrong, 'export const title = document.title;\n');
    let out = '';
    try {
      execFileSync(
        process.execPath,
        [join(repoRoot, 'node_modules/typescript-7/bin/tsc'), '-p', join(repoRoot, 'tsconfig.pure.json')],
        {
          encoding: 'utf8',
        },
      );
    } catch (e) {
      out = String((e as { stdout?: string }).stdout);
    } finally {
      rmSync(wrong, { force: true });
    }
    expect(out).toMatch(new RegExp(`dom-check-${process.pid}\\.ts.*error TS2584: Cannot find name 'document'`));
  });
});
