import { describe, expect, it } from 'vitest';
import { CtfError } from '../ctf';
import { ctfFailure, handOverFailure } from './failure';

describe('failures as the page shows them', () => {
  it('an allocation the browser refuses is a too-large failure saying the model does not fit, not an internal error', () => {
    let refused: unknown;
    try {
      new ArrayBuffer(2 ** 53); // beyond any engine's limit: V8 throws "Array buffer allocation failed"
    } catch (e) {
      refused = e;
    }
    const f = ctfFailure(refused);
    expect(f.kind).toBe('too-large');
    expect(f.message).toMatch(
      /^this trace's model does not fit in the memory the browser gives this page: an allocation failed \(/,
    );
    expect(f.hint).toMatch(/npm run analyze/);
  });

  it('other errors keep their kind', () => {
    expect(ctfFailure(new CtfError('bad magic', { file: 'kernel/channel0_0', byteOffset: 4 })).kind).toBe('corrupt');
    expect(ctfFailure(new RangeError('offset is out of bounds')).kind).toBe('internal');
  });

  it('a model the browser refuses to copy to the page says so with the events decoded', () => {
    const f = handOverFailure(new Error('Unserializable return value'), () => 128_000_169);
    expect(f.kind).toBe('too-large');
    expect(f.message).toBe(
      "this trace's model (128,000,169 events decoded) could not be handed to the page: the browser refused to copy it (Unserializable return value)",
    );
    expect(handOverFailure(new Error('the model worker crashed: boom'), () => 0)).toEqual({
      kind: 'internal',
      message: 'the model worker crashed: boom',
    });
  });
});
