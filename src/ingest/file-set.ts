/**
 * From what the user gave (dropped folders, loose files, archives, several traces at once) to one flat
 * path -> bytes map whose trace directories are named relative to their common root, so that
 * `session/kernel/metadata` and `session/ust/uid/1000/64-bit/metadata` become `kernel` and
 * `ust/uid/1000/64-bit`: one experiment on one timeline.
 */
import { archiveStem, unpackArchive, type BytesProgress } from './archive';
import { findTraceDirs } from '../ctf/experiment';
import { IngestError } from './errors';
import { normalizeEntryPath } from './tar';
import { isElfMagic } from '../symbols/elf';

export interface InputFile {
  /** Path relative to what the user opened ('session/kernel/metadata', 'trace.tar.gz'). */
  path: string;
  data: Uint8Array;
}

export interface FileSet {
  /** Short human name of what was opened ('article', 'glxgears', '3 traces'). */
  label: string;
  /** Files keyed by '/'-separated path relative to the common root of the trace directories. */
  files: Map<string, Uint8Array>;
  /** Trace directories found (relative to the root, '' when the root itself is a trace). */
  traceDirs: string[];
  /**
   * Symbol files given beside the traces, keyed by path: nm-style listings (by name) and ELF binaries or debug
   * files (by magic, whatever their name: `libfoo.so`, `*.debug`, a `.build-id/xx/yyyy.debug` tree, a sysroot).
   */
  symbolFiles: Map<string, Uint8Array>;
  /** Archive entries not extracted, one sentence each with the reason (absolute names, `..`). */
  skipped: string[];
}

const SYMBOL_FILE = /(\.(nm|map|sym|syms)|mapping.*\.txt)$/i;
const SYMBOL_FILE_MAX_BYTES = 64 << 20;

function isJunk(path: string): boolean {
  // `.build-id/` trees and `.debug/` folders hold separate debug files (GDB's layouts): kept.
  return path.split('/').some((part) => (part.startsWith('.') && part !== '.build-id' && part !== '.debug') || part === '__MACOSX');
}

function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function commonDir(dirs: string[]): string {
  if (dirs.length === 0) return '';
  let common = dirs[0].split('/').filter(Boolean);
  for (const d of dirs.slice(1)) {
    const parts = d.split('/').filter(Boolean);
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join('/');
}

/**
 * Expand archives (sniffed by content) into their files, each archive's files placed under the archive's stem so
 * that two dropped archives cannot collide, then strip the common root of the trace directories.
 */
export function buildFileSet(inputs: InputFile[], onProgress?: BytesProgress): FileSet {
  if (inputs.length === 0) throw new IngestError('nothing to open: no files were given');
  const totalBytes = inputs.reduce((n, f) => n + f.data.length, 0);
  let doneBytes = 0;
  const expanded: InputFile[] = [];
  const archiveNames: string[] = [];
  const skipped: string[] = [];
  for (const input of inputs) {
    const path = normalizeEntryPath(input.path);
    if (input.data.length === 0 && inputs.length === 1) throw new IngestError(`${path} is empty (0 bytes): nothing to open`, { file: path });
    const base = doneBytes;
    const entries = unpackArchive(path, input.data, (d) => onProgress?.(base + d, totalBytes));
    doneBytes += input.data.length;
    onProgress?.(doneBytes, totalBytes);
    if (entries === null) {
      expanded.push({ path, data: input.data });
      continue;
    }
    archiveNames.push(path);
    const prefix = [dirOf(path), archiveStem(path)].filter(Boolean).join('/');
    for (const e of entries) {
      if (e.skipped) skipped.push(`${path}: entry ${JSON.stringify(e.path)} skipped (${e.skipped})`);
      else expanded.push({ path: `${prefix}/${e.path}`, data: e.data });
    }
  }

  const useful = expanded.filter((f) => !isJunk(f.path));
  const dirs = findTraceDirs(useful.map((f) => f.path));
  if (dirs.length === 0) {
    const names = inputs.map((f) => f.path);
    if (inputs.length === 1 && archiveNames.length === 0) {
      throw new IngestError(`not a trace archive: ${names[0]} is neither tar, gzip nor zip`, { file: names[0] });
    }
    const shown = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
    const left = skipped.length > 0 ? ` (${skipped.length} entries skipped: ${skipped.slice(0, 3).join('; ')})` : '';
    throw new IngestError(`no \`metadata\` file found in ${shown}: not an LTTng/CTF trace${left}`);
  }

  const root = commonDir(dirs);
  const rootPrefix = root === '' ? '' : `${root}/`;
  const files = new Map<string, Uint8Array>();
  for (const f of useful) {
    if (!f.path.startsWith(rootPrefix)) continue; // outside every trace directory
    files.set(f.path.slice(rootPrefix.length), f.data);
  }
  const symbolFiles = new Map<string, Uint8Array>();
  for (const f of useful) {
    const inTrace = dirs.some((d) => d === '' || f.path.startsWith(`${d}/`));
    if (inTrace) continue;
    if (isElfMagic(f.data)) symbolFiles.set(f.path, f.data);
    else if (SYMBOL_FILE.test(f.path) && f.data.length <= SYMBOL_FILE_MAX_BYTES) symbolFiles.set(f.path.split('/').pop()!, f.data);
  }
  const traceDirs = dirs.map((d) => (d === root ? '' : d.slice(rootPrefix.length)));
  let label: string;
  if (root !== '') label = root.split('/').pop()!;
  else if (archiveNames.length === 1 && inputs.length === 1) label = archiveStem(archiveNames[0]);
  else label = traceDirs.length === 1 ? traceDirs[0] || 'trace' : `${traceDirs.length} traces`;
  return { label, files, traceDirs, symbolFiles, skipped };
}
