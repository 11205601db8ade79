import { afterEach, describe, expect, it } from 'vitest';
import { Arena, COMPACT_MAX_BYTES } from './arena';
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

  it('finishes short columns straight into an arena sized by their arenaBytes, long ones in their own buffer', () => {
    const big = COMPACT_MAX_BYTES / 8 + 2; // fill() pops one: one value over the limit
    const cols = [fill(3), fill(70), fill(big), fill(0), u8Column()];
    cols[4].push(7);
    const arena = new Arena(cols.reduce((n, c) => n + c.arenaBytes, 0));
    expect(arena.buffer.byteLength).toBe(8 * 2 + 8 * 69 + 8); // the u8 column's one byte takes an aligned 8
    const [a, b, c, d, e] = cols.map((col) => col.finish(arena));
    expect([...a]).toEqual([0, 1.5]);
    expect(b.length).toBe(69);
    expect(b[3]).toBe(-1);
    expect(b[68]).toBe(68 * 1.5);
    expect(a.buffer).toBe(arena.buffer);
    expect(b.buffer).toBe(arena.buffer);
    expect(e.buffer).toBe(arena.buffer);
    expect([...e]).toEqual([7]);
    expect(c.buffer).not.toBe(arena.buffer);
    expect(c.length).toBe(big - 1);
    expect(c.buffer.byteLength).toBe(c.byteLength);
    expect(d.length).toBe(0);
    // A column the arena was not sized for still finishes, into a buffer of its own (never a shared slab's view).
    const late = fill(5).finish(arena);
    expect([...late]).toEqual([0, 1.5, 3, -1]);
    expect(late.buffer.byteLength).toBe(late.byteLength);
  });

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
