/** Trace bundles built from the corpus inside the tests, and a local static server for `?trace=` links. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'fflate';
import { writeTar } from '../src/ingest/tar';
import { tracePath } from '../src/test-utils/corpus';

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

/** A corpus trace as a .tar.gz under its own name. */
export function corpusTarGz(name: string): Buffer {
  return Buffer.from(gzipSync(writeTar(folderEntries(tracePath(name), name))));
}

export const GLXGEARS = 'tc-cyg-profile-glxgears-cyg-profile';
