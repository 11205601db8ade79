import { describe, expect, it } from 'vitest';
import { Viewport } from './viewport';

describe('Viewport (trace ns <-> content px <-> canvas px)', () => {
  const vp = new Viewport({ startNs: 1_000, endNs: 11_000 }, 1200, 200); // 1000 content px over 10 000 ns

  it('maps the visible range onto the content area, right of the gutter', () => {
    expect(vp.contentWidthPx).toBe(1000);
    expect(vp.nsPerPx).toBe(10);
    expect(vp.nsToCanvasPx(1_000)).toBe(200);
    expect(vp.nsToCanvasPx(11_000)).toBe(1200);
    expect(vp.nsToContentPx(6_000)).toBe(500);
    expect(vp.canvasPxToNs(700)).toBe(6_000);
    expect(vp.contentPxToNs(0)).toBe(1_000);
  });

  it('round-trips between the spaces', () => {
    for (const ns of [1_000, 1_234.5, 9_999, 20_000]) expect(vp.canvasPxToNs(vp.nsToCanvasPx(ns))).toBeCloseTo(ns, 9);
    for (const x of [0, 199, 200, 733.25]) expect(vp.nsToContentPx(vp.canvasPxToNs(x)) + vp.gutterPx).toBeCloseTo(x, 9);
  });

  it('anchors zooms at the pointer over the content, else at the middle of the view', () => {
    expect(vp.inContent(199)).toBe(false);
    expect(vp.anchorNs(700)).toBe(6_000);
    expect(vp.anchorNs(50)).toBe(6_000);
    expect(vp.anchorNs(null)).toBe(6_000);
    expect(vp.anchorNs(300)).toBe(2_000);
  });

  it('stays finite when the canvas is narrower than the gutter', () => {
    const narrow = new Viewport({ startNs: 0, endNs: 100 }, 150, 200);
    expect(narrow.contentWidthPx).toBe(1);
    expect(Number.isFinite(narrow.nsToCanvasPx(50))).toBe(true);
  });
});
