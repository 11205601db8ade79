import { describe, expect, it } from 'vitest';
import { smallModel, generatedModel, SMALL_WRITE } from '../fixtures/model-fixture';
import { forEachBox, gallopStart, laneFromTable, lowerBoundStart, rangeQuery, hitInterval } from './interval-lane';
import {
  buildSliceIndex,
  firstChildSlice,
  parentSlice,
  siblingSlice,
  SliceIndexBuild,
  sliceIndexBy,
  sliceIndexOf,
} from './slice-index';
import {
  allRows,
  buildRowLayout,
  gutterItemAt,
  laneYPx,
  prepareRowLayout,
  rowLayoutFor,
  threadRowOf,
  visibleRows,
  type ThreadRow,
} from './row-layout';
import { hitTest } from './hit-test';
import {
  formatDuration,
  formatTick,
  formatTimeOfDay,
  formatDateTime,
  formatOffset,
  formatRange,
  rangeResolutionNs,
} from './time-format';
import { zoomAround, panBy, clampRange, rangeAround, extendAnchorNs, MIN_SPAN_NS } from './view-math';
import { matchingNames, findSlices } from './search';

const lane = (pairs: Array<[number, number]>) =>
  laneFromTable(Float64Array.from(pairs.map((p) => p[0])), Float64Array.from(pairs.map((p) => p[1])), pairs.length);

function boxes(l: ReturnType<typeof lane>, t0: number, t1: number, nsPerPx: number) {
  const out: Array<[number, number, number, number]> = [];
  forEachBox(l, t0, t1, nsPerPx, (a, b, s, e) => out.push([a, b, s, e]));
  return out;
}

describe('interval lane', () => {
  it('range query returns the intervals intersecting the window', () => {
    const l = lane([
      [0, 10],
      [20, 30],
      [40, 50],
      [60, 70],
    ]);
    expect(rangeQuery(l, 25, 45)).toEqual([1, 3]);
    expect(rangeQuery(l, 30, 40)).toEqual([2, 2]); // touching ends do not intersect
    expect(rangeQuery(l, -5, 100)).toEqual([0, 4]);
  });

  it('draws wide intervals one by one and merges runs of sub-pixel neighbours', () => {
    // 1 px = 10 ns: [0,100) is 10 px; then 5 slices of 2 ns with gaps under a pixel; a lone one after a
    // 3-pixel gap; then a wide one.
    const l = lane([
      [0, 100],
      [100, 102],
      [103, 105],
      [106, 108],
      [112, 114],
      [115, 117],
      [150, 152],
      [200, 300],
    ]);
    const b = boxes(l, 0, 400, 10);
    expect(b).toEqual([
      [0, 0, 0, 100],
      [1, 5, 100, 122],
      [6, 6, 150, 160],
      [7, 7, 200, 300],
    ]);
    // Without joining runs, one box per pixel group.
    const perPixel: number[][] = [];
    forEachBox(l, 0, 400, 10, (a, b2, s, e) => perPixel.push([a, b2, s, e]), 1, false);
    expect(perPixel.slice(1, 3)).toEqual([
      [1, 3, 100, 110],
      [4, 5, 112, 122],
    ]);
    // Zoomed in (1 px = 0.5 ns) every slice is wide enough for its own box.
    expect(boxes(l, 0, 400, 0.5).length).toBe(8);
  });

  it('every interval in the window is covered by exactly one box', () => {
    const m = generatedModel({ slices: 5_000, threads: 1, seed: 7 });
    const lanes = sliceIndexOf(m.threads[0]).lanes;
    for (const frac of [1, 0.1, 0.003]) {
      const t0 = m.endNs * 0.3;
      const t1 = t0 + m.endNs * frac;
      for (const l of lanes) {
        const [first, last] = rangeQuery(l, t0, t1);
        let next = first;
        forEachBox(l, t0, t1, (t1 - t0) / 1000, (a, b, s, e) => {
          expect(a).toBe(next);
          expect(s).toBe(l.startNs[a]);
          expect(e).toBeGreaterThanOrEqual(l.endNs[b]);
          next = b + 1;
        });
        expect(next).toBe(last);
      }
    }
  });

  it('keeps a wide interval that starts inside a merged pixel as its own box', () => {
    const l = lane([
      [0, 1],
      [5, 500],
      [502, 503],
    ]);
    expect(boxes(l, 0, 1000, 10)).toEqual([
      [0, 0, 0, 10],
      [1, 1, 5, 500],
      [2, 2, 502, 512],
    ]);
  });

  it('draws a bounded number of boxes for a million slices at full zoom-out', () => {
    const m = generatedModel({ slices: 200_000, threads: 1 });
    const idx = sliceIndexOf(m.threads[0]);
    const widthPx = 1200;
    const nsPerPx = (m.endNs - m.startNs) / widthPx;
    let total = 0;
    for (const l of idx.lanes) total += forEachBox(l, m.startNs, m.endNs, nsPerPx, () => {});
    // Each lane draws at most about one box per pixel; runs of tiny calls make it far fewer.
    expect(total).toBeLessThanOrEqual(idx.lanes.length * (widthPx + 2));
    expect(total).toBeGreaterThan(idx.lanes.length);
  });

  it('gallop search agrees with binary search', () => {
    const l = lane(Array.from({ length: 200 }, (_, i) => [i * 7 + (i % 5), i * 7 + (i % 5) + 1] as [number, number]));
    for (let lo = 0; lo < 200; lo += 13) {
      for (let t = -5; t < 1500; t += 3) {
        const want = Math.max(lo, lowerBoundStart(l, t));
        expect(gallopStart(l, t, lo)).toBe(want);
      }
    }
  });

  it('hit test finds the interval under t, or the nearest within tolerance', () => {
    const l = lane([
      [0, 10],
      [20, 30],
      [40, 41],
    ]);
    expect(hitInterval(l, 25, 0)).toBe(1);
    expect(hitInterval(l, 15, 0)).toBe(-1);
    expect(hitInterval(l, 42, 2)).toBe(2);
    expect(hitInterval(l, 45, 2)).toBe(-1);
  });
});

describe('slice index', () => {
  const m = smallModel();
  const main = m.threads[0];
  const idx = buildSliceIndex(main.slices);
  const byName = (name: string, nth = 0) => {
    let k = 0;
    for (let i = 0; i < main.slices.count; i++) if (m.strings[main.slices.name[i]] === name && k++ === nth) return i;
    throw new Error(name);
  };

  it('splits the slices by depth, in time order', () => {
    expect(idx.lanes.length).toBe(main.maxDepth + 1);
    const d5 = idx.lanes[5];
    expect(Array.from(d5.index!).map((i) => m.strings[main.slices.name[i]])).toEqual([
      'format_record',
      '_io_FileIO_write',
      'compute',
    ]);
  });

  it('builds the same index in small time-bounded steps as in one go', () => {
    const g = generatedModel({ slices: 100_000, threads: 1 });
    const whole = buildSliceIndex(g.threads[0].slices);
    const b = new SliceIndexBuild(g.threads[0].slices);
    let steps = 0;
    while (!b.step(-Infinity)) steps++;
    expect(steps).toBeGreaterThan(5);
    const stepped = b.result!;
    expect(stepped.lanes.length).toBe(whole.lanes.length);
    stepped.lanes.forEach((lane, d) => {
      expect(Array.from(lane.index!)).toEqual(Array.from(whole.lanes[d].index!));
      expect(Array.from(lane.maxEndNs)).toEqual(Array.from(whole.lanes[d].maxEndNs));
    });
    expect(Array.from(stepped.lanePos)).toEqual(Array.from(whole.lanePos));
    // The lanes are sorted by start and hold every slice once.
    expect(stepped.lanes.reduce((n, l) => n + l.count, 0)).toBe(100_000);
  });

  it('indexes a thread only when asked, over several frames', () => {
    const g = generatedModel({ slices: 200_000, threads: 1, seed: 3 });
    expect(sliceIndexBy(g.threads[0], -Infinity)).toBeNull();
    let idx = null;
    for (let i = 0; i < 1000 && !idx; i++) idx = sliceIndexBy(g.threads[0], -Infinity);
    expect(idx).not.toBeNull();
    expect(sliceIndexOf(g.threads[0])).toBe(idx);
  });

  it('navigates parent, first child and siblings', () => {
    const baz = byName('baz');
    expect(m.strings[main.slices.name[parentSlice(idx, main.slices, baz)]]).toBe('PyObject_Call');
    expect(m.strings[main.slices.name[firstChildSlice(idx, main.slices, baz)]]).toBe('format_record');
    const io = byName('_io_FileIO_write');
    expect(m.strings[main.slices.name[siblingSlice(idx, main.slices, io, 1)]]).toBe('compute');
    expect(m.strings[main.slices.name[siblingSlice(idx, main.slices, io, -1)]]).toBe('format_record');
    expect(siblingSlice(idx, main.slices, byName('format_record'), -1)).toBe(-1);
    expect(parentSlice(idx, main.slices, byName('<module>'))).toBe(-1);
    expect(firstChildSlice(idx, main.slices, byName('__libc_write'))).toBe(-1);
  });
});

describe('row layout', () => {
  it('groups threads by process, busiest first, with kernel lanes only when there is a kernel trace', () => {
    const m = smallModel();
    const l = buildRowLayout(m, { collapsedPids: [], threadFilter: '' });
    expect(allRows(l).map((r) => r.label)).toEqual([
      'python3 4242',
      'python3 4242',
      'worker 4243',
      'bash 977',
      'bash 977',
    ]);
    expect(allRows(l).map((r) => r.kind)).toEqual(['process', 'thread', 'thread', 'process', 'thread']);
    const main = allRows(l)[1] as ThreadRow;
    expect(laneYPx(main, 'state')).toBeGreaterThanOrEqual(0);
    expect(laneYPx(main, 'syscall')).toBeGreaterThan(laneYPx(main, 'state'));
    expect(main.lanes.map((p) => p.lane.kind)).toEqual(['state', 'syscall', 'slice']);
    expect(main.lanes[2].heightPx).toBe(7 * l.metrics.sliceRowPx);
    const user = buildRowLayout(smallModel({ kernel: false }), { collapsedPids: [], threadFilter: '' });
    const userMain = allRows(user)[1] as ThreadRow;
    expect(laneYPx(userMain, 'state')).toBe(-1);
    expect(laneYPx(userMain, 'syscall')).toBe(-1);
    expect(laneYPx(userMain, 'slice')).toBe(0);
    expect(user.totalHeightPx).toBeLessThan(l.totalHeightPx);
  });

  it('collapses processes and filters threads', () => {
    const m = smallModel();
    const collapsed = buildRowLayout(m, { collapsedPids: [4242], threadFilter: '' });
    expect(allRows(collapsed).map((r) => r.label)).toEqual(['python3 4242', 'bash 977', 'bash 977']);
    const filtered = buildRowLayout(m, { collapsedPids: [], threadFilter: 'work' });
    expect(allRows(filtered).map((r) => r.label)).toEqual(['python3 4242', 'worker 4243']);
    expect(allRows(buildRowLayout(m, { collapsedPids: [], threadFilter: '977' })).map((r) => r.label)).toEqual([
      'bash 977',
      'bash 977',
    ]);
  });

  it('finds the rows in a scroll window', () => {
    const m = smallModel();
    const l = buildRowLayout(m, { collapsedPids: [], threadFilter: '' });
    expect(visibleRows(l, 0, 10)).toEqual([0, 1]);
    expect(visibleRows(l, 0, l.totalHeightPx)).toEqual([0, l.count]);
    const last = allRows(l)[l.count - 1];
    expect(visibleRows(l, last.yPx + 1, 5)).toEqual([l.count - 1, l.count]);
  });
});

describe('row layout at scale (5,400 threads in 1,800 processes)', () => {
  const m = generatedModel({ slices: 60_000, threads: 5_400, processes: 1_800 });
  const l = buildRowLayout(m, { collapsedPids: [], threadFilter: '' });

  it('has one row per thread and per process, tiling the height, each thread findable by its row', () => {
    expect(l.count).toBe(5_400 + 1_800);
    const rows = allRows(l);
    for (let i = 1; i < rows.length; i++) expect(rows[i].yPx).toBe(rows[i - 1].yPx + rows[i - 1].heightPx);
    expect(rows[rows.length - 1].yPx + rows[rows.length - 1].heightPx).toBe(l.totalHeightPx);
    for (let t = 0; t < m.threads.length; t += 97) expect(threadRowOf(l, t)?.threadIndex).toBe(t);
  });

  it('finds the rows of any scroll window like a linear scan would', () => {
    const rows = allRows(l);
    for (const top of [0, 13, l.totalHeightPx / 3, l.totalHeightPx / 2 + 7, l.totalHeightPx - 50]) {
      const expected = rows
        .map((r, i) => (r.yPx < top + 900 && r.yPx + r.heightPx > top ? i : -1))
        .filter((i) => i >= 0);
      expect(visibleRows(l, top, 900)).toEqual([expected[0], expected[expected.length - 1] + 1]);
    }
  });

  it('filters and collapses like the per-thread rule', () => {
    // worker-2000..2099 match; worker-2000 is in process 1200, collapsed.
    const f = buildRowLayout(m, { collapsedPids: [1200], threadFilter: 'Worker-20' });
    const rows = allRows(f);
    const threads = rows.filter((r): r is ThreadRow => r.kind === 'thread');
    expect(threads.length).toBe(99);
    expect(threads.every((r) => m.threads[r.threadIndex].name.startsWith('worker-20'))).toBe(true);
    // A collapsed process keeps its header (with the count of matching threads) and hides its threads.
    const collapsed = rows.find((r) => r.kind === 'process' && r.pid === 1200);
    expect(collapsed).toMatchObject({ kind: 'process', collapsed: true, threadCount: 1 });
    expect(threadRowOf(buildRowLayout(m, { collapsedPids: [], threadFilter: '1012' }), 12)?.label).toBe('proc-12 1012');
  });

  it('prepares in short tasks the same layout rowLayoutFor then returns without rebuilding', async () => {
    const fresh = generatedModel({ slices: 60_000, threads: 5_400, processes: 1_800 });
    let tasks = 0;
    const done = await prepareRowLayout(fresh, [], '', { sliceMs: 0.2, isCancelled: () => (tasks++, false) });
    expect(done).toBe(true);
    expect(tasks).toBeGreaterThan(1);
    // Equal but new arguments (a view restored from a link) find the prepared layout.
    const prepared = rowLayoutFor(fresh, [], '');
    expect(rowLayoutFor(fresh, [], '')).toBe(prepared);
    expect(allRows(prepared)).toEqual(allRows(buildRowLayout(fresh, { collapsedPids: [], threadFilter: '' })));
    const other = generatedModel({ slices: 1_000, threads: 3_000, processes: 100 });
    expect(await prepareRowLayout(other, [], '', { sliceMs: 0.1, isCancelled: () => true })).toBe(false);
  });
});

describe('hit test', () => {
  const m = smallModel();
  const l = buildRowLayout(m, { collapsedPids: [], threadFilter: '' });
  const main = allRows(l)[1] as ThreadRow;
  const M = l.metrics;

  it('finds the write syscall, the state under it and a slice at each depth', () => {
    const t = (SMALL_WRITE.startNs + SMALL_WRITE.endNs) / 2;
    const sys = hitTest(m, l, main.yPx + laneYPx(main, 'syscall') + 5, t, 100);
    expect(sys).toEqual({ kind: 'syscall', thread: 0, index: 0 });
    expect(m.strings[m.threads[0].syscalls!.name[0]]).toBe('write');
    const st = hitTest(m, l, main.yPx + laneYPx(main, 'state') + 3, t, 100);
    expect(st).toEqual({ kind: 'state', thread: 0, index: 1 });
    const names = [0, 1, 2, 3, 4, 5, 6].map((d) => {
      const h = hitTest(m, l, main.yPx + laneYPx(main, 'slice') + d * M.sliceRowPx + 4, t, 100);
      return h && h.kind === 'slice' ? m.strings[m.threads[0].slices.name[h.index]] : null;
    });
    expect(names).toEqual(['<module>', 'foo', 'bar', 'PyObject_Call', 'baz', '_io_FileIO_write', '__libc_write']);
  });

  it('returns the process header and nothing in empty space', () => {
    expect(hitTest(m, l, 3, 1000, 100)).toEqual({ kind: 'process', pid: 4242 });
    expect(hitTest(m, l, main.yPx + laneYPx(main, 'slice') + 6 * M.sliceRowPx + 4, 9_900_000, 100)).toBeNull();
    expect(hitTest(m, l, l.totalHeightPx + 50, 1000, 100)).toBeNull();
  });
});

describe('time formatting', () => {
  it('formats durations in readable units', () => {
    expect(formatDuration(45_250)).toBe('45.25 µs');
    expect(formatDuration(812)).toBe('812 ns');
    expect(formatDuration(1_500_000_000)).toBe('1.5 s');
    expect(formatDuration(2_345_678)).toBe('2.346 ms');
    expect(formatDuration(123_456_789)).toBe('123.5 ms');
    expect(formatDuration(0)).toBe('0 ns');
    expect(formatDuration(75e9)).toBe('1 min 15 s');
  });

  it('formats ticks with the step unit and just enough decimals', () => {
    expect(formatTick(1_250_000, 250_000)).toBe('1.25 ms');
    expect(formatTick(1_500_000, 500_000)).toBe('1.5 ms');
    expect(formatTick(2_000_000_000, 1e9)).toBe('2 s');
    expect(formatTick(40, 20)).toBe('40 ns');
    // All ticks of one axis share the unit of the largest one while 3 decimals suffice.
    expect(formatTick(5_100_000, 20_000, 5_280_000)).toBe('5.10 ms');
    expect(formatTick(5_120_000, 20_000, 5_280_000)).toBe('5.12 ms');
    expect(formatTick(800_000, 200_000, 1_200_000)).toBe('0.8 ms');
    // Steps too fine for 3 decimals of the large unit fall back to the step's unit.
    expect(formatTick(5_100_250, 250, 5_102_000)).toBe('5100.25 µs');
  });

  it('formats absolute time of day from the bigint origin, to the nanosecond', () => {
    const origin = 1_795_644_313_000_000_000n; // 2026-11-25 22:05:13 UTC
    expect(formatTimeOfDay(origin, 0)).toBe('22:05:13.000000000');
    expect(formatTimeOfDay(origin, 1_234_567)).toBe('22:05:13.001234567');
    expect(formatTimeOfDay(origin, 47e9, 3)).toBe('22:06:00.000');
    expect(formatDateTime(origin, 5)).toBe('2026-11-25 22:05:13.000000005 UTC');
    expect(formatOffset(1_234_567)).toBe('+1.234567 ms');
  });

  it('formats a selected range with the digits the zoom can tell apart', () => {
    // The case: a range dragged on a 50 ms view reads to 10 µs, not "+19.9649975 ms".
    const r = { startNs: 1_000_000 + 19_964_997.5, endNs: 1_000_000 + 27_120_400 };
    expect(formatRange(r, 1_000_000, rangeResolutionNs(50e6))).toEqual({
      start: '+19.96 ms',
      end: '+27.12 ms',
      duration: '7.16 ms',
    });
    // Zoomed to 50 µs (50 ns a pixel): the same range reads to 10 ns (trailing zeros are digits too).
    expect(formatRange(r, 1_000_000, rangeResolutionNs(50e3))).toEqual({
      start: '+19.96500 ms',
      end: '+27.12040 ms',
      duration: '7.15540 ms',
    });
    // Nanoseconds are the floor, whatever the zoom; seconds keep their digits when ns are visible.
    expect(formatRange({ startNs: 2_500_000_123, endNs: 2_500_000_623 }, 0, rangeResolutionNs(10))).toEqual({
      start: '+2.500000123 s',
      end: '+2.500000623 s',
      duration: '500 ns',
    });
    // A range narrower than the resolution still shows its size, in its own unit.
    expect(formatRange({ startNs: 0, endNs: 480 }, 0, 1e6).duration).toBe('480 ns');
    expect(formatRange({ startNs: 0, endNs: 480 }, 0, 1e6).start).toBe('0 s');
    // Before the origin (a range in the first packet's lead-in) is negative.
    expect(formatRange({ startNs: -3e6, endNs: 0 }, 0, 1e4).start).toBe('-3.00 ms');
  });
});

describe('zoom math', () => {
  it('Shift-drag keeps the end of the selection farther from the press', () => {
    const sel = { startNs: 1000, endNs: 2000 };
    expect(extendAnchorNs(sel, 2600)).toBe(1000); // after the range: the end grows
    expect(extendAnchorNs(sel, 400)).toBe(2000); // before it: the start grows
    expect(extendAnchorNs(sel, 1900)).toBe(1000); // inside, near the end: the end moves
    expect(extendAnchorNs(sel, 1100)).toBe(2000);
  });

  const bounds = { startNs: 0, endNs: 1000 };
  it('zooms around the anchor, keeping it in place', () => {
    const r = zoomAround({ startNs: 0, endNs: 1000 }, 250, 0.5, bounds);
    expect(r).toEqual({ startNs: 125, endNs: 625 });
    // Zooming back out restores the full range and stays inside the bounds.
    expect(zoomAround(r, 250, 4, bounds)).toEqual({ startNs: 0, endNs: 1000 });
  });

  it('never zooms below the minimum span nor pans past the bounds', () => {
    const r = zoomAround({ startNs: 0, endNs: 1000 }, 500, 1e-9, bounds);
    expect(r.endNs - r.startNs).toBe(MIN_SPAN_NS);
    expect(panBy({ startNs: 100, endNs: 200 }, 5000, bounds)).toEqual({ startNs: 900, endNs: 1000 });
    expect(panBy({ startNs: 100, endNs: 200 }, -500, bounds)).toEqual({ startNs: 0, endNs: 100 });
    expect(clampRange({ startNs: -50, endNs: 2000 }, bounds)).toEqual({ startNs: 0, endNs: 1000 });
    expect(rangeAround(400, 500, bounds, 0.1)).toEqual({ startNs: 390, endNs: 510 });
  });
});

describe('search', () => {
  it('finds frames by case-insensitive substring', () => {
    const m = smallModel();
    const names = matchingNames(m.strings, 'JSON')!;
    const r = findSlices(m, names);
    expect(r.total).toBe(2);
    expect(r.matches.every((x) => m.strings[m.threads[x.thread].slices.name[x.index]] === 'json_dumps')).toBe(true);
    expect(matchingNames(m.strings, '  ')).toBeNull();
  });
});

describe('label gutter clicks', () => {
  const m = smallModel();
  const l = buildRowLayout(m, { collapsedPids: [], threadFilter: '' });
  const rows = allRows(l);
  const main = rows[1] as ThreadRow;
  const bashHeader = rows[3];

  it('name the process header or the thread label under the pointer', () => {
    expect(gutterItemAt(l, 0, 600, 5)).toEqual({ kind: 'process', pid: 4242 });
    expect(gutterItemAt(l, 0, 600, main.yPx + 5)).toEqual({ kind: 'thread', thread: main.threadIndex });
    expect(gutterItemAt(l, 0, 600, bashHeader.yPx + 5)).toEqual({ kind: 'process', pid: 977 });
    expect(gutterItemAt(l, 0, 10_000, l.totalHeightPx + 5)).toBeNull();
  });

  it('name the process whose header is pinned at the top while its threads are scrolled under it', () => {
    const scrollTopPx = main.yPx + 10;
    expect(gutterItemAt(l, scrollTopPx, 600, 5)).toEqual({ kind: 'process', pid: 4242 });
    // Below the pinned header: the thread label at that content y.
    expect(gutterItemAt(l, scrollTopPx, 600, 40)).toEqual({ kind: 'thread', thread: main.threadIndex });
  });
});
