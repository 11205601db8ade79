/**
 * `npm run demo`: writes the built-in demo (src/synth/demo.ts: the `article` scenario, Python + cyg-profile +
 * kernel) to public/demo/article.tar.gz, the archive the viewer opens at start.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDemoArchive } from '../src/synth/demo';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outFile = join(repoRoot, 'public', 'demo', 'article.tar.gz');

const t0 = performance.now();
const { archive, result } = buildDemoArchive();
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, archive);
console.log(
  `demo: ${result.kernel.events} kernel + ${result.ust.events} UST events -> ${outFile.slice(repoRoot.length + 1)} ` +
    `(${(archive.length / 1024).toFixed(0)} KiB, ${(performance.now() - t0).toFixed(0)} ms)`,
);
