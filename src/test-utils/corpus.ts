/**
 * Access to the shared conformance corpus (`../shared/corpus` beside the repository). Tests that need it call
 * `corpusDir()`, which throws when it is missing: a corpus test must fail loudly, never pass by skipping.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function corpusDir(): string {
  const dir = process.env.STRATA_CORPUS ?? join(repoRoot, '..', 'shared', 'corpus');
  if (!existsSync(join(dir, 'manifest.json'))) {
    throw new Error(`conformance corpus not found at ${dir} (expected ../shared/corpus beside the repository)`);
  }
  return dir;
}

export interface ManifestEntry {
  name: string;
  trace: string;
  expect: 'ok' | 'error' | 'none';
  origin: string;
  expected?: string;
  events?: number;
}

export function manifest(): ManifestEntry[] {
  const raw = JSON.parse(readFileSync(join(corpusDir(), 'manifest.json'), 'utf8'));
  return raw.traces as ManifestEntry[];
}

export function tracePath(name: string): string {
  const p = join(corpusDir(), 'traces', name);
  if (!existsSync(p)) throw new Error(`corpus trace ${name} not found at ${p}`);
  return p;
}

/** One line of a reference decoding, as parsed JSON. */
export type ReferenceRecord =
  | { k: 'event'; t: string | null; name: string; cpu: number | null; ctx: unknown; ectx: unknown; fields: unknown }
  | { k: 'discarded-events' | 'discarded-packets'; count: number; begin: string | null; end: string | null; stream: number };

export function referenceRecords(name: string): ReferenceRecord[] {
  const entry = manifest().find((e) => e.name === name);
  if (!entry?.expected) throw new Error(`corpus trace ${name} has no reference decoding`);
  const text = gunzipSync(readFileSync(join(corpusDir(), entry.expected))).toString('utf8');
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as ReferenceRecord);
}

/** Every file under `dir`, as archive-style entries `root/relative/path` (sorted, '/'-separated). */
export function folderEntries(dir: string, root: string): { path: string; data: Uint8Array }[] {
  const out: { path: string; data: Uint8Array }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push({ path: `${root}/${relative(dir, full).split('\\').join('/')}`, data: new Uint8Array(readFileSync(full)) });
    }
  };
  walk(dir);
  return out;
}

/** A corpus trace's files as entries under `root` (its name by default). */
export function corpusEntries(name: string, root = name): { path: string; data: Uint8Array }[] {
  return folderEntries(tracePath(name), root);
}
