import { afterEach, describe, expect, it } from 'vitest';
import { f64Column, i16Column, u8Column } from './growable';

type Transferable = ArrayBuffer & { transfer?: (bytes: number) => ArrayBuffer };
const proto = ArrayBuffer.prototype as Transferable;
const native = proto.transfer;

/** ArrayBuffer.prototype.transfer as browsers have it (Node 20 has not): the old buffer is detached. */
function polyfillTransfer(): ArrayBuffer[] {
  const detached: ArrayBuffer[] = [];
  proto.transfer = function (this: ArrayBuffer, bytes: number): ArrayBuffer {
    const out = new Uint8Array(bytes);
    out.set(new Uint8Array(this, 0, Math.min(bytes, this.byteLength)));
    structuredClone(this, { transfer: [this] }); // detaches, as transfer does
    detached.push(this);
    return out.buffer;
  };
  return detached;
}

afterEach(() => {
  if (native) proto.transfer = native;
  else delete proto.transfer;
});

describe('growable columns', () => {
  const fill = (n: number) => {
    const c = f64Column();
    for (let i = 0; i < n; i++) c.push(i * 1.5);
    c.set(3, -1);
    c.pop();
    return c;
  };

  for (const mode of ['copying', 'with ArrayBuffer.prototype.transfer'] as const) {
    it(`grows and finishes exact, ${mode}`, () => {
      const detached = mode === 'copying' ? [] : polyfillTransfer();
      for (const n of [0, 1, 63, 64, 65, 128, 129, 5000]) {
        const c = fill(n);
        const out = c.finish();
        const want = Array.from({ length: Math.max(0, n - 1) }, (_, i) => (i === 3 ? -1 : i * 1.5));
        expect([...out], `n=${n}`).toEqual(want);
        // Past the slab regions (up to 64 values: views the builder compacts) an array of its own, exact.
        if (out.length > 64) expect(out.buffer.byteLength).toBe(out.byteLength);
      }
      // Growing and finishing let the old storage go at once where the runtime can.
      if (mode !== 'copying') expect(detached.every((b) => b.byteLength === 0) && detached.length > 0).toBe(true);
    });
  }

  it('keeps each element type', () => {
    const a = u8Column();
    const b = i16Column();
    for (let i = 0; i < 300; i++) {
      a.push(i);
      b.push(-i);
    }
    expect(a.finish()[299]).toBe(299 & 255);
    expect(b.finish()[299]).toBe(-299);
  });
});
