import { describe, expect, it } from 'vitest';
import { unpackInputs } from '../worker-api/unpack-service';
import { decodeFiles } from '../worker-api/decode-service';
import { buildDemoArchive } from './demo';
import { symbolizeModel } from '../model/symbolize';
import { SymbolLibrary } from '../symbols/symbolizer';

describe('built-in demo archive', () => {
  it('opens as one kernel + UST experiment whose main thread interleaves Python and named C frames', () => {
    const { archive, result } = buildDemoArchive();
    const unpacked = unpackInputs([{ path: 'article.tar.gz', data: archive }]);
    if (!unpacked.ok) throw new Error(unpacked.failure.message);
    const decoded = decodeFiles(unpacked.value);
    if (!decoded.ok) throw new Error(decoded.failure.message);
    const model = decoded.value.model;
    expect(model.eventCount).toBe(result.kernel.events + result.ust.events);
    expect(model.hasKernel).toBe(true);
    const main = model.threads.find((t) => t.tid === 4242);
    expect(main).toBeDefined();
    const s = main!.slices;
    const frames = Array.from({ length: s.count }, (_, i) => ({
      name: model.strings[s.name[i]],
      kind: s.kind[i],
      depth: s.depth[i],
    }));
    // Python frames of the article's program...
    for (const fn of ['foo', 'bar', 'baz']) expect(frames.some((f) => f.name === fn && f.kind === 0)).toBe(true);
    // ...and the instrumented extension's C frames, named through the nm file shipped in the bundle.
    expect(frames.filter((f) => f.kind === 1).map((f) => f.name)).toEqual(
      expect.arrayContaining(['__pyx_pw_4foo2_1foo', '__pyx_pf_4foo2_foo', '__pyx_pf_4foo2_bar', '__pyx_pf_4foo2_baz']),
    );
    expect(frames.some((f) => f.name.startsWith('0x'))).toBe(false);
    // The Symbols panel credits the nm listing, and asks for no binary.
    symbolizeModel(model, new SymbolLibrary([]));
    const named = model.symbols!.binaries.filter((b) => b.frames > 0);
    expect(named.length).toBeGreaterThan(0);
    for (const b of named) {
      expect(b.resolution?.namedBy).toBe('nm listing');
      expect(b.resolution?.problem).toBeUndefined();
    }
    // The print() in baz makes a write syscall on the main thread.
    const sys = main!.syscalls!;
    const writes = Array.from({ length: sys.count }, (_, i) => i).filter((i) => model.strings[sys.name[i]] === 'write');
    expect(writes.length).toBeGreaterThan(0);
  });
});
