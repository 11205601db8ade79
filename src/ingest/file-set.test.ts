import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { folderEntries, tracePath } from '../fixtures/corpus';
import { sniffArchive, unpackArchive } from './archive';
import { buildFileSet } from './file-set';
import { writeTar } from './tar';

const glxgears = () => folderEntries(tracePath('tc-cyg-profile-glxgears-cyg-profile'), 'glxgears');
const multi = () => folderEntries(tracePath('bt-multi-domains'), 'session');

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && Buffer.compare(a, b) === 0;
}

describe('archives', () => {
  it('opens a corpus trace as .tar, .tar.gz and .zip with the same files', () => {
    const files = glxgears();
    const tar = writeTar(files);
    const zipInput: Record<string, Uint8Array> = {};
    for (const f of files) zipInput[f.path] = f.data;
    const zip = zipSync(zipInput);
    const tgz = gzipSync(tar);
    expect([sniffArchive(tar), sniffArchive(tgz), sniffArchive(zip), sniffArchive(files[0].data)]).toEqual([
      'tar',
      'gzip',
      'zip',
      null,
    ]);
    for (const [name, bytes] of [
      ['glx.tar', tar],
      ['glx.tgz', tgz],
      ['glx.zip', zip],
    ] as const) {
      const set = buildFileSet([{ path: name, data: bytes }]);
      expect(set.traceDirs).toEqual(['']);
      expect(set.label).toBe('glxgears');
      expect([...set.files.keys()].sort()).toEqual(files.map((f) => f.path.replace('glxgears/', '')).sort());
      for (const f of files) expect(sameBytes(set.files.get(f.path.replace('glxgears/', '')), f.data)).toBe(true);
    }
  });

  it('reads a zip made by Info-ZIP with directory entries', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-zip-'));
    try {
      execFileSync('zip', ['-qr', join(dir, 't.zip'), '.'], { cwd: tracePath('bt-multi-domains') });
      const set = buildFileSet([{ path: 'multi.zip', data: new Uint8Array(readFileSync(join(dir, 't.zip'))) }]);
      expect(set.traceDirs).toEqual(['kernel', 'ust']);
      expect(set.label).toBe('multi');
      expect(set.files.has('ust/index/ust2_channel_2.idx')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a corrupt gzip with the file name and the byte offset', () => {
    const tgz = gzipSync(writeTar(glxgears()), { level: 1 });
    expect(tgz.length).toBeGreaterThan(20_000);
    const broken = tgz.slice();
    for (let i = 10_000; i < 10_400; i++) broken[i] ^= 0x5a;
    expect(() => unpackArchive('glx.tar.gz', broken)).toThrow(/corrupt gzip (at byte \d+ )?in glx\.tar\.gz/);
    const flipped = tgz.slice();
    flipped[tgz.length - 9] ^= 1; // last deflate byte: inflates, but the CRC tells
    expect(() => unpackArchive('glx.tar.gz', flipped)).toThrow(/corrupt gzip (at byte \d+ )?in glx\.tar\.gz/);
    expect(() => unpackArchive('glx.tar.gz', tgz.subarray(0, 5000))).toThrow(
      /corrupt gzip at byte 5000 in glx\.tar\.gz/,
    );
  });

  it('reports a truncated tar inside a gzip with the archive name', () => {
    const tar = writeTar(glxgears());
    expect(() => unpackArchive('glx.tgz', gzipSync(tar.subarray(0, 3000)))).toThrow(
      /truncated tar at byte \d+.*glx\.tgz/,
    );
  });
});

describe('file sets', () => {
  it('merges kernel and user-space traces of one session into one experiment', () => {
    const set = buildFileSet(multi());
    expect(set.traceDirs).toEqual(['kernel', 'ust']);
    expect(set.label).toBe('session');
    expect(set.files.has('kernel/metadata')).toBe(true);
    expect(set.files.has('ust/metadata')).toBe(true);
  });

  it("names a user-space-only session by its folder, not by LTTng's 64-bit leaf", () => {
    const ust = folderEntries(tracePath('tc-cyg-profile-glxgears-cyg-profile'), 'mysession/ust/uid/1000/64-bit');
    expect(buildFileSet(ust).label).toBe('mysession');
    // Without the session folder, the leaf is all there is (the page then names the traced program).
    expect(
      buildFileSet(folderEntries(tracePath('tc-cyg-profile-glxgears-cyg-profile'), 'ust/uid/1000/64-bit')).label,
    ).toBe('64-bit');
  });

  it('keeps several dropped archives apart and strips only what they share', () => {
    const a = gzipSync(writeTar(glxgears()));
    const b = writeTar(multi());
    const set = buildFileSet([
      { path: 'glx.tar.gz', data: a },
      { path: 'multi.tar', data: b },
    ]);
    expect(set.traceDirs).toEqual(['glx/glxgears', 'multi/session/kernel', 'multi/session/ust']);
    expect(set.label).toBe('3 traces');
  });

  it('picks up an nm-style symbol mapping given beside the trace', () => {
    const mapping = new Uint8Array(
      readFileSync(join(tracePath('tc-cyg-profile-glxgears-cyg-profile'), '..', 'cyg-profile-mapping.txt')),
    );
    const set = buildFileSet([...glxgears(), { path: 'cyg-profile-mapping.txt', data: mapping }]);
    expect(set.traceDirs).toEqual(['']);
    expect(sameBytes(set.symbolFiles.get('cyg-profile-mapping.txt'), mapping)).toBe(true);
    expect(set.files.has('cyg-profile-mapping.txt')).toBe(false);
  });

  it('picks up ELF binaries and debug files by their magic, whatever their names, with their paths', () => {
    const elf = (tag: number) => new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, tag]);
    const set = buildFileSet([
      ...glxgears(),
      { path: 'sysroot/usr/lib/libfoo.so.1', data: elf(1) },
      { path: 'debug/.build-id/ab/cdef0123.debug', data: elf(2) },
      { path: 'bin/renamed-without-extension', data: elf(3) },
      { path: 'bin/.debug/libfoo.so.1.debug', data: elf(4) },
      { path: 'bin/readme.txt', data: new TextEncoder().encode('not a binary') },
    ]);
    expect([...set.symbolFiles.keys()].sort()).toEqual([
      'bin/.debug/libfoo.so.1.debug',
      'bin/renamed-without-extension',
      'debug/.build-id/ab/cdef0123.debug',
      'sysroot/usr/lib/libfoo.so.1',
    ]);
    expect(set.symbolFiles.get('bin/renamed-without-extension')![8]).toBe(3);
  });

  it('ignores hidden files and files outside the trace directories', () => {
    const set = buildFileSet([
      ...glxgears(),
      { path: 'glxgears/.DS_Store', data: new Uint8Array(3) },
      { path: '__MACOSX/glxgears/._metadata', data: new Uint8Array(3) },
    ]);
    expect(set.files.has('.DS_Store')).toBe(false);
    expect([...set.files.keys()].some((k) => k.includes('MACOSX'))).toBe(false);
  });

  it('says clearly when a file is no archive and when there is no metadata', () => {
    expect(() => buildFileSet([{ path: 'notes.txt', data: new TextEncoder().encode('hello world') }])).toThrow(
      'not a trace archive: notes.txt is neither tar, gzip nor zip',
    );
    const tar = writeTar([{ path: 'x/readme', data: new Uint8Array(4) }]);
    expect(() => buildFileSet([{ path: 'x.tar', data: tar }])).toThrow(
      'no `metadata` file found in x.tar: not an LTTng/CTF trace',
    );
    expect(() => buildFileSet([])).toThrow(/nothing to open/);
  });
});
