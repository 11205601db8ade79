import { describe, expect, it } from 'vitest';
import { RectBatch } from './rect-batch';

/** A stand-in context that records the rectangles of each fill. */
function recorder() {
  const fills: Array<{ color: string; rects: number[][] }> = [];
  let current: number[][] = [];
  const ctx = {
    fillStyle: '',
    beginPath: () => (current = []),
    rect: (x: number, y: number, w: number, h: number) => current.push([x, y, w, h]),
    fill: () => fills.push({ color: ctx.fillStyle, rects: current }),
  };
  return { ctx: ctx as unknown as CanvasRenderingContext2D, fills };
}

describe('rect batch', () => {
  it('draws one path per colour and joins touching boxes of a row', () => {
    const b = new RectBatch();
    b.add('red', 0, 0, 5, 10);
    b.add('red', 5, 0, 3, 10); // touches: joined
    b.add('blue', 8, 0, 2, 10);
    b.add('red', 20, 0, 1, 10); // gap: separate
    b.add('red', 21, 18, 1, 10); // other row
    const r = recorder();
    expect(b.flush(r.ctx)).toBe(4);
    expect(r.fills).toEqual([
      {
        color: 'red',
        rects: [
          [0, 0, 8, 10],
          [20, 0, 1, 10],
          [21, 18, 1, 10],
        ],
      },
      { color: 'blue', rects: [[8, 0, 2, 10]] },
    ]);
    // Emptied after a flush.
    const r2 = recorder();
    expect(b.flush(r2.ctx)).toBe(0);
    expect(r2.fills).toEqual([]);
  });
});
