/**
 * Gzip bombs are refused from their inflation ratio early, not after inflating gigabytes: a multi-member gzip of
 * zeros (each member 64 MiB inflated from about 64 KiB) stands in for the 3 MB archive that inflates to 3 GiB.
 * The bound is the memory an archive inflates into: inflating into a file on disk (OPFS) is not cut by it.
 */
import { gzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { MemorySource } from '../ctf/decode/byte-source';
import { gunzip, gunzipTo, type SpillFile, unpackArchive } from './archive';
import { IngestError } from './errors';
import { unpackInputs } from '../worker-api/unpack-service';

const MEMBER = gzipSync(new Uint8Array(64 << 20), { level: 9 });

function bomb(members: number): Uint8Array {
  const out = new Uint8Array(MEMBER.length * members);
  for (let i = 0; i < members; i++) out.set(MEMBER, i * MEMBER.length);
  return out;
}

describe('gzip bombs', () => {
  it('a 3 GiB bomb is refused from its projected size after 128 MiB of output, with its ratio and sizes', () => {
    const bytes = bomb(48); // 48 x 64 MiB = 3 GiB of zeros
    let readBytes = 0;
    let error: unknown = null;
    try {
      gunzip('bomb.tar.gz', bytes, (done) => {
        readBytes = done;
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IngestError);
    expect((error as Error).message).toMatch(
      /^bomb\.tar\.gz inflates \d+:1 \(a gzip bomb, or far too large\): its [\d.]+ MiB would make about 3\.0 GiB, more than the 2\.0 GiB a tab can hold \(stopped after 128\.\d MiB\)$/,
    );
    expect(readBytes / bytes.length).toBeLessThan(0.1);
  });

  it('an archive that fits opens; one that does not stops at the limit (a parameter, here 12 MiB)', () => {
    const member = gzipSync(new Uint8Array(8 << 20));
    const two = new Uint8Array(member.length * 2);
    two.set(member);
    two.set(member, member.length);
    expect(gunzip('ok.gz', member, undefined, 12 << 20).length).toBe(8 << 20);
    expect(() => gunzip('two.gz', two, undefined, 12 << 20)).toThrow(
      /^two\.gz inflates \d+:1 .*more than the 12\.0 MiB a tab can hold \(stopped after 16\.0 MiB\)$/,
    );
  });

  it('inflating to disk (a spill file without a memory bound, as OPFS) is not cut by the ratio or the memory limit', () => {
    const bytes = bomb(4); // 256 MiB of zeros: past the 128 MiB projection point, at a 1000:1 ratio
    expect(() => gunzip('bomb.gz', bytes, undefined, 200 << 20)).toThrow(
      /^bomb\.gz inflates \d+:1 .*more than the 200\.0 MiB/,
    );
    let writtenBytes = 0;
    const disk: SpillFile<null> = {
      maxBytes: Infinity,
      write: (chunk) => {
        writtenBytes += chunk.length;
      },
      finish: () => ({ source: new MemorySource(new Uint8Array(0)), handle: null }),
    };
    gunzipTo('bomb.gz', new MemorySource(bytes), disk);
    expect(writtenBytes).toBe(256 << 20);
  });

  it('a zip declaring more than a tab holds is refused before inflating', () => {
    // fflate's zipSync records the real sizes; patch the declared size of the single entry to 3 GiB.
    const zip = zipSync({ 'trace/metadata': new Uint8Array(16) });
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    let central = zip.length - 4;
    while (central >= 0 && view.getUint32(central, true) !== 0x02014b50) central--;
    expect(central).toBeGreaterThan(0);
    view.setUint32(central + 24, 3 * 2 ** 30, true);
    expect(() => unpackArchive('bomb.zip', zip)).toThrow(/^bomb\.zip inflates .* would make about 3\.0 GiB/);
  });

  it('an 8 GiB bomb reaches the page as "too large", with what to do', () => {
    const r = unpackInputs([{ path: 'bomb.tar.gz', data: bomb(128) }]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe('too-large');
    expect(r.failure.message).toMatch(
      /^bomb\.tar\.gz inflates \d+:1 .* would make about 8\.0 GiB, more than the 2\.0 GiB a tab can hold \(stopped after 128\.\d MiB\)$/,
    );
    expect(r.failure.hint).toMatch(/fewer streams/);
  });
});
