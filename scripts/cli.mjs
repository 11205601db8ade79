#!/usr/bin/env node
/**
 * `node scripts/cli.mjs NAME ARGS...` runs scripts/NAME.ts from a prebuilt bundle (tmp/cli/NAME.mjs) instead of
 * transpiling TypeScript at each start (tsx costs ~0.5 s per run). The bundle is rebuilt with esbuild when one of
 * the files it was built from (listed beside it from esbuild's metafile, dependencies included), package.json,
 * package-lock.json, tsconfig.json or this script is newer than it, or is gone: a few dozen stats, under a
 * millisecond (a walk of every file under src/ and scripts/ took about 5 ms). A file the bundle does not include
 * cannot change it unless an included file starts importing it, and that file is then newer.
 * `node tmp/cli/NAME.mjs ARGS...` runs the bundle alone (what bench:decode times, without npm's start-up).
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLIS = ['dump', 'analyze'];
/** Files that shape every bundle besides its inputs. */
const BUILD_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts/cli.mjs'];

function mtimeOr(path, missing) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return missing;
  }
}

/** Whether the bundle at `out` was built after every file it depends on was last changed. */
function upToDate(out) {
  const built = mtimeOr(out, 0);
  if (built === 0) return false;
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(`${out}.inputs.json`, 'utf8'));
  } catch {
    return false;
  }
  for (const f of [...BUILD_FILES, ...inputs]) if (mtimeOr(join(root, f), Infinity) >= built) return false;
  return true;
}

/** Path of the up-to-date bundle of scripts/NAME.ts, building it when a source changed. */
export async function cliBundle(name) {
  const out = join(root, 'tmp', 'cli', `${name}.mjs`);
  if (upToDate(out)) return out;
  // Loaded only when a build is needed: esbuild's own start-up is not paid by the ordinary run.
  const { build } = await import('esbuild');
  mkdirSync(dirname(out), { recursive: true });
  const result = await build({
    absWorkingDir: root,
    write: false,
    metafile: true,
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
  // Inputs are paths relative to root (absWorkingDir); the list is written before the bundle, so a bundle never
  // sits beside an older list.
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.includes(':'));
  const files = [{ path: `${out}.inputs.json`, contents: JSON.stringify(inputs) }, ...result.outputFiles];
  // Written aside then renamed: another process starting meanwhile never imports a half-written bundle.
  for (const f of files.sort((a, b) => Number(a.path === out) - Number(b.path === out))) {
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
