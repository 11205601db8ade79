/** Archive entries named `../x` or `/x` stay inside the dropped set's folder structure (tar and zip alike). */
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { unpackArchive } from './archive';
import { normalizeEntryPath, readTar, writeTar } from './tar';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('entry paths', () => {
  it('resolves .. without going above the root, and drops leading slashes', () => {
    expect(normalizeEntryPath('../../etc/passwd')).toBe('etc/passwd');
    expect(normalizeEntryPath('/abs/trace/metadata')).toBe('abs/trace/metadata');
    expect(normalizeEntryPath('s/kernel/../ust/./metadata')).toBe('s/ust/metadata');
    expect(normalizeEntryPath('a\\..\\..\\b')).toBe('b');
  });

  it('tar entries named ../ or / are read inside the archive', () => {
    const tar = writeTar([
      { path: 'session/kernel/metadata', data: bytes('k') },
      { path: '../../outside/metadata', data: bytes('o') },
    ]);
    // writeTar keeps names as given (so the archive really holds them); reading puts them back inside.
    expect(readTar(tar).map((e) => e.path)).toEqual(['session/kernel/metadata', 'outside/metadata']);
  });

  it('zip entries named ../ or / are unpacked inside the archive', () => {
    const zip = zipSync({ '../../evil/metadata': bytes('e'), '/abs/metadata': bytes('a'), 'ok/metadata': bytes('k') });
    const got = unpackArchive('t.zip', zip)!.map((e) => e.path).sort();
    expect(got).toEqual(['abs/metadata', 'evil/metadata', 'ok/metadata']);
  });
});
