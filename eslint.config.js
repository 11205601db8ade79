// ESLint: typescript-eslint's syntax-only rules (fast: no type information; `npm run typecheck` does the types)
// and the layering of ARCHITECTURE.md as import rules. `scripts/guardrails.test.ts` proves that a wrong import fails.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * What each folder of src/ may import (besides itself and npm packages). Imports point down the pipeline:
 * views → store → render/layout → model → ctf → base, with the worker boundary below the store. The pure
 * folders (base, ctf, ingest, model, synth, layout) never reach the DOM-side folders.
 */
const MAY_IMPORT = {
  base: [],
  ctf: ['base'],
  ingest: ['ctf', 'base'],
  model: ['ctf', 'base'],
  synth: ['ingest', 'ctf', 'base'],
  layout: ['model', 'ctf', 'base'],
  render: ['layout', 'model', 'ctf', 'base'],
  'worker-api': ['synth', 'model', 'ingest', 'ctf', 'base'],
  store: ['worker-api', 'render', 'layout', 'model', 'ctf', 'base'],
  // Shared by tests, CLIs and the dev page; the golden dumps build models through the one path (worker-api).
  fixtures: ['worker-api', 'synth', 'model', 'ingest', 'ctf', 'base'],
  views: ['store', 'worker-api', 'render', 'layout', 'model', 'ctf', 'base', 'fixtures'],
};
const FOLDERS = Object.keys(MAY_IMPORT);

/** no-restricted-imports patterns naming every folder `folder` must not import. */
function forbidden(folder, allowed) {
  return FOLDERS.filter((f) => f !== folder && !allowed.includes(f)).map((f) => ({
    group: [`**/${f}`, `**/${f}/**`, `!**/node_modules/**`],
    message: `src/${folder} must not import src/${f}: imports point down the pipeline (ARCHITECTURE.md).`,
  }));
}

const layerRules = Object.entries(MAY_IMPORT).map(([folder, allowed]) => ({
  files: [`src/${folder}/**/*.{ts,tsx}`],
  // Tests are integration points (a synth test opens its output through the worker services): exempt.
  ignores: ['**/*.test.ts'],
  rules: { 'no-restricted-imports': ['error', { patterns: forbidden(folder, allowed) }] },
}));

export default tseslint.config(
  { ignores: ['dist/', 'public/', 'test-results/', 'playwright-report/', 'tmp/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      // The compiler reports unused names (noUnusedLocals / noUnusedParameters): one report, not two.
      '@typescript-eslint/no-unused-vars': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
      // Both flag the codebase's `let x = fallback; try { x = ... } catch { ... }` habit, which reads clearly.
      'no-useless-assignment': 'off',
      'preserve-caught-error': 'off',
    },
  },
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  ...layerRules,
  {
    // Workers are thin entries over src/worker-api.
    files: ['workers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/views/**', '**/src/store/**', '**/src/render/**'],
              message: 'workers/ only wire src/worker-api.',
            },
          ],
        },
      ],
    },
  },
);
