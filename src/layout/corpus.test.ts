/**
 * The timeline layout on models built from real corpus traces (babeltrace2's reference decodings): every
 * thread gets its rows, what is drawn covers every slice, and pointing at any slice, syscall or state finds it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { modelFromEvents } from '../model/packed-events';
import type { TraceModel } from '../model/types';
import { referenceRecords } from '../fixtures/corpus';
import { referenceTraceFromRecords } from '../fixtures/reference-events';
import { hitTest } from './hit-test';
import { forEachBox, rangeQuery } from './interval-lane';
import { allRows, buildRowLayout, laneYPx, type Row, type ThreadRow } from './row-layout';
import { parentSlice, sliceIndexOf } from './slice-index';

function model(name: string): TraceModel {
  const ref = referenceTraceFromRecords(referenceRecords(name));
  return modelFromEvents({ sources: ref.sources, originNs: ref.originNs }, (b) => {
    for (const e of ref.events) b.addEvent(e);
    for (const l of ref.losses) b.addLoss(l);
  });
}

const threadRows = (rows: Row[]) => rows.filter((r): r is ThreadRow => r.kind === 'thread');

describe('user-space trace with call stacks (glxgears, cyg-profile)', () => {
  let m: TraceModel;
  beforeAll(() => {
    m = model('tc-cyg-profile-glxgears-cyg-profile');
  });

  it('lays out the call stack rows without kernel lanes', () => {
    const l = buildRowLayout(m, { collapsedPids: [], threadFilter: '' });
    const rows = threadRows(allRows(l));
    expect(rows.length).toBe(m.threads.length);
    const t = m.threads[rows[0].threadIndex];
    expect(t.slices.count).toBeGreaterThan(1000);
    expect(laneYPx(rows[0], 'state')).toBe(-1);
    expect(laneYPx(rows[0], 'syscall')).toBe(-1);
    expect(rows[0].lanes.map((p) => p.lane.kind)).toEqual(['slice']);
    expect(rows[0].lanes[0].heightPx).toBe((t.maxDepth + 1) * l.metrics.sliceRowPx);
  });

  it('covers every slice with a box at any zoom, and finds each slice under the pointer', () => {
    const l = buildRowLayout(m, { collapsedPids: [], threadFilter: '' });
    const row = threadRows(allRows(l))[0];
    const t = m.threads[row.threadIndex];
    const idx = sliceIndexOf(t);
    for (const widthPx of [800, 20_000, 2_000_000]) {
      const nsPerPx = (m.endNs - m.startNs) / widthPx;
      for (const lane of idx.lanes) {
        let covered = 0;
        forEachBox(lane, m.startNs, m.endNs + 1, nsPerPx, (a, b) => (covered += b - a + 1));
        expect(covered).toBe(rangeQuery(lane, m.startNs, m.endNs + 1)[1]);
      }
    }
    // Zoomed so that each slice is wide: the middle of every 7th slice hits exactly that slice.
    for (let i = 0; i < t.slices.count; i += 7) {
      const mid = (t.slices.startNs[i] + t.slices.endNs[i]) / 2;
      const y = row.yPx + laneYPx(row, 'slice') + t.slices.depth[i] * l.metrics.sliceRowPx + 5;
      const nsPerPx = Math.max((t.slices.endNs[i] - t.slices.startNs[i]) / 100, 1e-3);
      expect(hitTest(m, l, y, mid, nsPerPx, 0)).toEqual({ kind: 'slice', thread: row.threadIndex, index: i });
      const p = parentSlice(idx, t.slices, i);
      if (t.slices.depth[i] === 0) expect(p).toBe(-1);
      else {
        expect(t.slices.depth[p]).toBe(t.slices.depth[i] - 1);
        expect(t.slices.startNs[p]).toBeLessThanOrEqual(t.slices.startNs[i]);
        expect(t.slices.endNs[p]).toBeGreaterThanOrEqual(t.slices.endNs[i]);
      }
    }
  });
});

describe('kernel trace (tc-bug446190)', () => {
  let m: TraceModel;
  beforeAll(() => {
    m = model('tc-bug446190');
  });

  it('gives every thread one row, busiest first inside each process, with state and syscall lanes', () => {
    expect(m.hasKernel).toBe(true);
    const l = buildRowLayout(m, { collapsedPids: [], threadFilter: '' });
    const rows = threadRows(allRows(l));
    expect(new Set(rows.map((r) => r.threadIndex)).size).toBe(m.threads.length);
    expect(rows.length).toBe(m.threads.length);
    for (let i = 1; i < rows.length; i++) {
      if (rows[i].pid === rows[i - 1].pid) {
        expect(m.threads[rows[i].threadIndex].eventCount).toBeLessThanOrEqual(
          m.threads[rows[i - 1].threadIndex].eventCount,
        );
      }
    }
    const real = rows.filter((r) => m.threads[r.threadIndex].cpuRow === undefined);
    expect(real.every((r) => laneYPx(r, 'state') >= 0 && laneYPx(r, 'syscall') > laneYPx(r, 'state'))).toBe(true);
    // Rows tile the height without overlaps.
    const all = allRows(l);
    for (let i = 1; i < all.length; i++) expect(all[i].yPx).toBe(all[i - 1].yPx + all[i - 1].heightPx);
  });

  it('finds every syscall and state under the pointer', () => {
    const l = buildRowLayout(m, { collapsedPids: [], threadFilter: '' });
    let syscalls = 0;
    let states = 0;
    for (const row of threadRows(allRows(l))) {
      const t = m.threads[row.threadIndex];
      const sc = t.syscalls;
      for (let i = 0; sc && i < sc.count; i++) {
        if (sc.endNs[i] <= sc.startNs[i]) continue;
        const mid = (sc.startNs[i] + sc.endNs[i]) / 2;
        const h = hitTest(m, l, row.yPx + laneYPx(row, 'syscall') + 4, mid, (sc.endNs[i] - sc.startNs[i]) / 100, 0);
        expect(h).toEqual({ kind: 'syscall', thread: row.threadIndex, index: i });
        syscalls++;
      }
      const st = t.states;
      for (let i = 0; st && i < st.count; i += 3) {
        if (st.endNs[i] <= st.startNs[i]) continue;
        const mid = (st.startNs[i] + st.endNs[i]) / 2;
        const h = hitTest(m, l, row.yPx + laneYPx(row, 'state') + 4, mid, (st.endNs[i] - st.startNs[i]) / 100, 0);
        expect(h).toEqual({ kind: 'state', thread: row.threadIndex, index: i });
        states++;
      }
    }
    expect(syscalls).toBeGreaterThan(500);
    expect(states).toBeGreaterThan(500);
  });
});
