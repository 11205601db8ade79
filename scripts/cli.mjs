#!/usr/bin/env node
/**
 * `node scripts/cli.mjs NAME ARGS...` runs scripts/NAME.ts from a prebuilt bundle (tmp/cli/NAME.mjs) instead of
 * transpiling TypeScript at each start (tsx costs ~0.5 s per run). The bundle is rebuilt with esbuild, only when
 * a source under src/ or scripts/ (or package.json / package-lock.json) is newer than it: a stat walk of ~200 files, a few ms.
 * `node tmp/cli/NAME.mjs ARGS...` runs the bundle alone (what bench:decode times, without npm's start-up).
 */
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLIS = ['dump', 'analyze'];

/** Newest modification time (ms) of the files under dir. */
function newestUnder(dir) {
  let newest = 0;
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, ent.name);
    if (ent.isDirectory()) newest = Math.max(newest, newestUnder(full));
    else if (ent.isFile()) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function mtimeOr0(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Path of the up-to-date bundle of scripts/NAME.ts, building it when a source changed. */
export async function cliBundle(name) {
  const out = join(root, 'tmp', 'cli', `${name}.mjs`);
  const built = mtimeOr0(out);
  const sources = Math.max(
    newestUnder(join(root, 'src')),
    newestUnder(join(root, 'scripts')),
    mtimeOr0(join(root, 'package.json')),
    mtimeOr0(join(root, 'package-lock.json')), // dependencies are bundled too
  );
  if (built > sources) return out;
  // Loaded only when a build is needed: esbuild's own start-up is not paid by the ordinary run.
  const { build } = await import('esbuild');
  mkdirSync(dirname(out), { recursive: true });
  const result = await build({
    write: false,
    entryPoints: [join(root, 'scripts', `${name}.ts`)],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    // Bundled CommonJS dependencies may call require().
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  // Written aside then renamed: another process starting meanwhile never imports a half-written bundle.
  for (const f of result.outputFiles.sort((a, b) => Number(a.path === out) - Number(b.path === out))) {
    const tmp = `${f.path}.${process.pid}.tmp`;
    writeFileSync(tmp, f.contents);
    renameSync(tmp, f.path);
  }
  return out;
}

const isMain = process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url;
if (isMain) {
  const name = process.argv[2];
  if (!CLIS.includes(name)) {
    process.stderr.write(`usage: node scripts/cli.mjs ${CLIS.join('|')} ARGS...\n`);
    process.exit(2);
  }
  const bundle = await cliBundle(name);
  // The bundle sees itself as the script being run (analyze checks argv[1] to know it is the main module).
  process.argv.splice(1, 2, bundle);
  await import(pathToFileURL(bundle).href);
}
