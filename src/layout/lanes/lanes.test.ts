/**
 * The lane contract, checked for every lane kind on the small fixture model in Node (lanes draw through a
 * painter, so a recording painter stands in for the canvas).
 */
import { describe, expect, it } from 'vitest';
import { smallModel } from '../../fixtures/model-fixture';
import { DEFAULT_METRICS } from '../row-layout';
import { Viewport } from '../viewport';
import { laneOf, THREAD_LANES, type ItemRef, type LaneFrame, type LanePainter } from './index';

const model = smallModel();
const main = model.threads.findIndex((t) => t.tid === 4242);
const m = DEFAULT_METRICS;

class RecordingPainter implements LanePainter {
  boxes: { color: string; x: number; y: number; w: number; h: number }[] = [];
  labels: string[] = [];
  marks: { which: string; x: number; y: number; w: number; h: number }[] = [];
  box(color: string, x: number, y: number, w: number, h: number): void {
    this.boxes.push({ color, x, y, w, h });
  }
  label(_x: number, _y: number, text: string): void {
    this.labels.push(text);
  }
  mark(which: 'selected' | 'hovered', x: number, y: number, w: number, h: number): void {
    this.marks.push({ which, x, y, w, h });
  }
}

function frame(painter: LanePainter, selection: ItemRef | null): LaneFrame {
  return {
    model,
    vp: new Viewport({ startNs: model.startNs, endNs: model.endNs }, 1200, 200),
    metrics: m,
    canvasHeightPx: 1000,
    selection,
    hovered: null,
    searchNames: null,
    painter,
    palette: {
      slice: () => 'slice',
      syscall: () => 'syscall',
      state: (s) => `state${s}`,
      mergedCalls: 'merged',
      dimmedSlice: 'dimmed',
      sliceText: 'text',
      dimmedText: 'dimmed-text',
      syscallText: 'syscall-text',
      brokenEdge: 'broken',
      note: 'note',
      eventTick: 'tick',
      cpuRun: (kind: number, pid: number) => `cpu${kind}:${pid}`,
    },
  };
}

describe.each(THREAD_LANES.map((l) => [l.kind, l] as const))('%s lane', (kind, lane) => {
  const t = model.threads[main];
  const table = lane.table(t)!;

  it('is present on a kernel thread, has a height, and is found by its kind', () => {
    expect(laneOf(kind)).toBe(lane);
    expect(table.count).toBeGreaterThan(0);
    expect(lane.heightPx(model, t, m)).toBeGreaterThan(0);
  });

  it('hits each of its items at the middle of the box it says the item has', () => {
    for (let i = 0; i < table.count; i++) {
      const { yPx, heightPx } = lane.itemYPx(model, main, i, m);
      const mid = (table.startNs[i] + table.endNs[i]) / 2;
      expect(lane.hitTest(model, main, yPx + heightPx / 2, mid, 0, m)).toBe(i);
    }
  });

  it('draws boxes inside its height, and outlines the selected item', () => {
    const painter = new RecordingPainter();
    const drawn = lane.draw(frame(painter, { kind, thread: main, index: 0 }), main, 100);
    expect(drawn).toBeGreaterThan(0);
    expect(painter.boxes.length).toBeGreaterThan(0);
    const h = lane.heightPx(model, t, m);
    for (const b of painter.boxes) {
      expect(b.y).toBeGreaterThanOrEqual(100);
      expect(b.y + b.h).toBeLessThanOrEqual(100 + h);
      expect(b.x).toBeGreaterThanOrEqual(198);
    }
    expect(painter.marks.filter((k) => k.which === 'selected')).toHaveLength(1);
  });

  it('is absent without a kernel trace unless it is the call stack', () => {
    const user = smallModel({ kernel: false });
    const ut = user.threads.find((x) => x.tid === 4242)!;
    expect(lane.heightPx(user, ut, m) > 0).toBe(kind === 'slice');
  });
});
