/**
 * From what the user gave (dropped folders, loose files, archives, several traces at once) to one flat
 * path -> bytes map whose trace directories are named relative to their common root, so that
 * `session/kernel/metadata` and `session/ust/uid/1000/64-bit/metadata` become `kernel` and
 * `ust/uid/1000/64-bit`: one experiment on one timeline.
 */
import { type ByteSource, MemorySource } from '../ctf/decode/byte-source';
import { archiveStem, type ArchiveEntry, type BytesProgress, expandArchive, memorySpill, type Spill } from './archive';
import { findTraceDirs } from '../ctf/experiment';
import { IngestError } from './errors';
import { normalizeEntryPath } from './tar';
import { isElfMagic } from '../symbols/elf';

export interface InputFile {
  /** Path relative to what the user opened ('session/kernel/metadata', 'trace.tar.gz'). */
  path: string;
  data: Uint8Array;
}

export interface FileSet<D = Uint8Array> {
  /** Short human name of what was opened ('article', 'glxgears', '3 traces'). */
  label: string;
  /** Files keyed by '/'-separated path relative to the common root of the trace directories. */
  files: Map<string, D>;
  /** Trace directories found (relative to the root, '' when the root itself is a trace). */
  traceDirs: string[];
  /**
   * Symbol files given beside the traces: nm-style listings (by name, keyed by file name) and ELF binaries or debug
   * files (by magic, whatever their name, keyed by path: `libfoo.so`, `*.debug`, a `.build-id/xx/yyyy.debug` tree).
   */
  symbolFiles: Map<string, D>;
  /** Archive entries not extracted, one sentence each with the reason (absolute names, `..`). */
  skipped: string[];
}

/** A file of what was opened, read through `source`; `handle` is the caller's own (a Blob, bytes). */
export interface SourcedInput<H> {
  path: string;
  source: ByteSource;
  handle: H;
}

/** Where a file's bytes are: a range of a loose file, of a tar, or of a spill file an archive inflated into. */
export type Located<H> = Omit<ArchiveEntry<H>, 'path' | 'skipped'>;

const SYMBOL_FILE = /(\.(nm|map|sym|syms)|mapping.*\.txt)$/i;

/** Whether a file is an nm-style listing by its name (ELF files are recognised by their magic instead). */
export function isSymbolListing(path: string): boolean {
  return SYMBOL_FILE.test(path);
}
const SYMBOL_FILE_MAX_BYTES = 64 << 20;

function isJunk(path: string): boolean {
  // `.build-id/` trees and `.debug/` folders hold separate debug files (GDB's layouts): kept.
  return path
    .split('/')
    .some((part) => (part.startsWith('.') && part !== '.build-id' && part !== '.debug') || part === '__MACOSX');
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

/** Files in memory (Node tools, tests): archives unpacked in memory, files are views. */
export function buildFileSet(inputs: InputFile[], onProgress?: BytesProgress): FileSet {
  const located = locateFiles(
    inputs.map((f) => ({ path: f.path, source: new MemorySource(f.data), handle: f.data })),
    () => memorySpill(),
    onProgress,
  );
  const view = (l: Located<Uint8Array>) => l.in.subarray(l.offsetBytes, l.offsetBytes + l.sizeBytes);
  return {
    ...located,
    files: new Map([...located.files].map(([p, l]) => [p, view(l)])),
    symbolFiles: new Map([...located.symbolFiles].map(([p, l]) => [p, view(l)])),
  };
}

/**
 * Expand archives (sniffed by content) into their files, each archive's files placed under the archive's stem so
 * that two dropped archives cannot collide, then strip the common root of the trace directories. Nothing is read
 * whole: files are located (in their input, or in the spill file a compressed archive was inflated into).
 */
export function locateFiles<H>(
  inputs: SourcedInput<H>[],
  spill: Spill<H>,
  onProgress?: BytesProgress,
): FileSet<Located<H>> {
  if (inputs.length === 0) throw new IngestError('nothing to open: no files were given');
  const totalBytes = inputs.reduce((n, f) => n + f.source.sizeBytes, 0);
  let doneBytes = 0;
  // Where each handle's bytes can be read (inputs, and the spill files archives inflate into): to look at a
  // file's first bytes (ELF magic) without reading it.
  const sources = new Map<H, ByteSource>(inputs.map((i) => [i.handle, i.source]));
  const spillTracked: Spill<H> = (name) => {
    const file = spill(name);
    return {
      maxBytes: file.maxBytes,
      write: (chunk) => file.write(chunk),
      finish: () => {
        const done = file.finish();
        sources.set(done.handle, done.source);
        return done;
      },
    };
  };
  const headOf = (l: Located<H>): Uint8Array =>
    sources.get(l.in)?.read(l.offsetBytes, Math.min(4, l.sizeBytes)) ?? new Uint8Array(0);
  const expanded: Array<{ path: string; data: Located<H> }> = [];
  const archiveNames: string[] = [];
  const skipped: string[] = [];
  for (const input of inputs) {
    const path = normalizeEntryPath(input.path);
    if (input.source.sizeBytes === 0 && inputs.length === 1)
      throw new IngestError(`${path} is empty (0 bytes): nothing to open`, { file: path });
    const base = doneBytes;
    const entries = expandArchive(path, input.source, input.handle, spillTracked, (d) =>
      onProgress?.(base + d, totalBytes),
    );
    doneBytes += input.source.sizeBytes;
    onProgress?.(doneBytes, totalBytes);
    if (entries === null) {
      expanded.push({ path, data: { in: input.handle, offsetBytes: 0, sizeBytes: input.source.sizeBytes } });
      continue;
    }
    archiveNames.push(path);
    const prefix = [dirOf(path), archiveStem(path)].filter(Boolean).join('/');
    for (const { path: entryPath, skipped: why, ...data } of entries) {
      if (why) skipped.push(`${path}: entry ${JSON.stringify(entryPath)} skipped (${why})`);
      else expanded.push({ path: `${prefix}/${entryPath}`, data });
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
  const files = new Map<string, Located<H>>();
  for (const f of useful) {
    if (!f.path.startsWith(rootPrefix)) continue; // outside every trace directory
    files.set(f.path.slice(rootPrefix.length), f.data);
  }
  const symbolFiles = new Map<string, Located<H>>();
  for (const f of useful) {
    const inTrace = dirs.some((d) => d === '' || f.path.startsWith(`${d}/`));
    if (inTrace) continue;
    if (isElfMagic(headOf(f.data))) symbolFiles.set(f.path, f.data);
    else if (isSymbolListing(f.path) && f.data.sizeBytes <= SYMBOL_FILE_MAX_BYTES)
      symbolFiles.set(f.path.split('/').pop()!, f.data);
  }
  const traceDirs = dirs.map((d) => (d === root ? '' : d.slice(rootPrefix.length)));
  let label: string;
  if (root !== '') label = sessionName(root);
  else if (archiveNames.length === 1 && inputs.length === 1) label = archiveStem(archiveNames[0]);
  else label = traceDirs.length === 1 ? traceDirs[0] || 'trace' : `${traceDirs.length} traces`;
  return { label, files, traceDirs, symbolFiles, skipped };
}

/**
 * The folder a trace is named by: the session folder above LTTng's `kernel` / `ust/...` layout when there is
 * one ("mysession" for mysession/ust/uid/1000/64-bit, not "64-bit"), else the last folder.
 */
function sessionName(root: string): string {
  const parts = root.split('/');
  for (let i = parts.length - 1; i > 0; i--) if (parts[i] === 'ust' || parts[i] === 'kernel') return parts[i - 1];
  return parts[parts.length - 1];
}
