import { describe, expect, it } from 'vitest';
import { rowWindow, scrollTopFor } from './virtual-rows';

const MAX = 8_000_000;

describe('virtualized rows', () => {
  it('a short list scrolls pixel for pixel', () => {
    const w = rowWindow(1000, 20, 300, 4010, MAX);
    expect(w).toEqual({ heightPx: 20_000, first: 200, count: 16, topPx: 4000 });
    expect(rowWindow(1000, 20, 300, 19_700, MAX).first + rowWindow(1000, 20, 300, 19_700, MAX).count).toBe(1000);
    expect(scrollTopFor(500, 1000, 20, 300, MAX)).toBe(10_000 - 100);
  });

  it('ten million rows: bounded height, every row reachable, scrolling to a row shows it', () => {
    const rows = 10_000_000;
    const top = rowWindow(rows, 20, 300, 0, MAX);
    expect(top.heightPx).toBe(MAX);
    expect(top.first).toBe(0);
    const end = rowWindow(rows, 20, 300, MAX - 300, MAX);
    // The last rows are in view at the bottom.
    expect(end.first + end.count).toBeGreaterThanOrEqual(rows);
    expect(end.first + end.count).toBeLessThanOrEqual(rows + 1);
    for (const i of [1, 12_345, 5_000_000, 9_999_990]) {
      const w = rowWindow(rows, 20, 300, scrollTopFor(i, rows, 20, 300, MAX), MAX);
      expect(i).toBeGreaterThanOrEqual(w.first);
      expect(i).toBeLessThan(w.first + w.count);
    }
    // One pixel of scroll moves about rows / height rows: the wheel still moves through the list.
    expect(rowWindow(rows, 20, 300, 1000, MAX).first).toBeGreaterThan(0);
  });
});
