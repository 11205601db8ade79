/** Trace bundles built from the corpus inside the tests, and a local static server for `?trace=` links. */

import { gzipSync } from 'fflate';
import { writeTar } from '../src/ingest/tar';
import { folderEntries, tracePath } from '../src/fixtures/corpus';

export { folderEntries };

/** A corpus trace as a .tar.gz under its own name. */
export function corpusTarGz(name: string): Buffer {
  return Buffer.from(gzipSync(writeTar(folderEntries(tracePath(name), name))));
}

export const GLXGEARS = 'tc-cyg-profile-glxgears-cyg-profile';
