import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tracePath } from '../fixtures/corpus';
import { readTar, writeTar, looksLikeTar } from './tar';

function filesUnder(dir: string, root = dir): { path: string; data: Uint8Array }[] {
  const out: { path: string; data: Uint8Array }[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...filesUnder(full, root));
    else out.push({ path: relative(root, full), data: new Uint8Array(readFileSync(full)) });
  }
  return out;
}

describe('tar', () => {
  it('round-trips a corpus trace through writeTar/readTar byte for byte', () => {
    const files = filesUnder(tracePath('tc-cyg-profile-glxgears-cyg-profile')).map((f) => ({
      path: `glxgears/${f.path}`,
      data: f.data,
    }));
    const tar = writeTar(files);
    expect(looksLikeTar(tar)).toBe(true);
    const back = readTar(tar);
    expect(back.map((e) => e.path)).toEqual(files.map((f) => f.path));
    for (let i = 0; i < files.length; i++) expect(Buffer.compare(back[i].data, files[i].data)).toBe(0);
  });

  it('writes archives that GNU tar extracts, long paths included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-tar-'));
    try {
      const longDir = `${'d'.repeat(120)}/${'e'.repeat(60)}`;
      const veryLong = `${'x'.repeat(170)}/${'y'.repeat(110)}`; // fits neither name nor prefix: pax
      const entries = [
        { path: 'kernel/metadata', data: new TextEncoder().encode('/* CTF 1.8 */') },
        { path: `${longDir}/channel0_0`, data: new Uint8Array([1, 2, 3]) },
        { path: veryLong, data: new Uint8Array(1000).fill(7) },
      ];
      writeFileSync(join(dir, 'a.tar'), writeTar(entries));
      mkdirSync(join(dir, 'out'));
      execFileSync('tar', ['-xf', join(dir, 'a.tar'), '-C', join(dir, 'out')]);
      expect(readFileSync(join(dir, 'out', longDir, 'channel0_0'))).toEqual(Buffer.from([1, 2, 3]));
      expect(readFileSync(join(dir, 'out', veryLong)).length).toBe(1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads GNU tar (long names) and pax archives written by the system tar', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-tar-'));
    try {
      const deep = join('session', 'ust', 'uid', '1000', '64-bit', 'z'.repeat(110));
      mkdirSync(join(dir, deep), { recursive: true });
      writeFileSync(join(dir, deep, 'metadata'), 'meta');
      writeFileSync(join(dir, 'session', 'top'), 'top');
      for (const format of ['gnu', 'pax', 'ustar']) {
        if (format === 'ustar') continue; // ustar cannot hold a 110-byte component, tar refuses it
        execFileSync('tar', [`--format=${format}`, '-cf', join(dir, `${format}.tar`), '-C', dir, 'session']);
        const entries = readTar(new Uint8Array(readFileSync(join(dir, `${format}.tar`))));
        const byPath = new Map(entries.map((e) => [e.path, new TextDecoder().decode(e.data)]));
        expect(byPath.get(`${deep}/metadata`)).toBe('meta');
        expect(byPath.get('session/top')).toBe('top');
        expect(entries).toHaveLength(2); // directories skipped
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says where a truncated archive ends', () => {
    const tar = writeTar([{ path: 'metadata', data: new Uint8Array(2000) }]);
    expect(() => readTar(tar.subarray(0, 1024))).toThrow(/truncated tar at byte 0/);
  });

  it('refuses garbage with a byte offset', () => {
    const junk = new Uint8Array(1024).fill(0x41);
    expect(looksLikeTar(junk)).toBe(false);
    expect(() => readTar(junk)).toThrow(/corrupt tar at byte 0/);
  });
});
