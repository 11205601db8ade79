/**
 * `npm run demo`: synthesizes the `article` scenario (Python + cyg-profile + kernel, see src/synth) into
 * public/demo/article.tar.gz, the archive the viewer opens at start. The archive holds an LTTng session folder:
 * `python-fullstack-20141202-143000/{kernel,ust/uid/1000/64-bit}/...`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'fflate';
import { writeTar } from '../src/ingest/tar';
import { MemoryDir, synthesizeSession } from '../src/synth/session';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outFile = join(repoRoot, 'public', 'demo', 'article.tar.gz');
const DEMO_SESSION_DIR = 'python-fullstack-20141202-143000';

const t0 = performance.now();
const dir = new MemoryDir();
const result = synthesizeSession(dir, { scenario: 'article' });
const tar = writeTar(dir.entries(`${DEMO_SESSION_DIR}/`));
const gz = gzipSync(tar, { level: 9, mtime: 0 });
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, gz);
console.log(
  `demo: ${result.kernel.events} kernel + ${result.ust.events} UST events -> ${outFile.slice(repoRoot.length + 1)} ` +
    `(${(gz.length / 1024).toFixed(0)} KiB, ${(performance.now() - t0).toFixed(0)} ms)`,
);
