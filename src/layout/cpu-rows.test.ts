/**
 * CPU rows on a real kernel trace (tc-many-threads through the app's decode path): laid out first, collapsible,
 * drawn run by run through the lane painter, and hit so that a click names the thread that ran.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { modelOfFolder } from '../fixtures/decode-folder';
import { tracePath } from '../fixtures/corpus';
import { CpuRunKind, type TraceModel } from '../model/types';
import { hitTest } from './hit-test';
import { cpuLane, type LaneFrame, type LanePainter } from './lanes/index';
import { allRows, buildRowLayout, CPU_GROUP_PID, gutterItemAt, type CpuRow } from './row-layout';
import { Viewport } from './viewport';

let model: TraceModel;
beforeAll(() => {
  model = modelOfFolder(tracePath('tc-many-threads'));
});

describe('CPU rows (tc-many-threads)', () => {
  it('come first, one per CPU of the trace, under a "CPUs" header', () => {
    const layout = buildRowLayout(model, { collapsedPids: [], threadFilter: '' });
    const rows = allRows(layout);
    expect(rows[0]).toMatchObject({ kind: 'process', pid: CPU_GROUP_PID, label: 'CPUs' });
    const cpuRows = rows.filter((r): r is CpuRow => r.kind === 'cpu');
    expect(cpuRows.map((r) => r.label)).toEqual(model.cpus.map((c) => `CPU ${c.cpu}`));
    expect(cpuRows.length).toBeGreaterThan(1);
    expect(rows.slice(1, 1 + cpuRows.length).every((r) => r.kind === 'cpu')).toBe(true);
    // Clicking the header's label toggles it like a process.
    expect(gutterItemAt(layout, 0, 500, 5)).toEqual({ kind: 'process', pid: CPU_GROUP_PID });
  });

  it('collapse with their header, and give way to a thread filter', () => {
    const collapsed = allRows(buildRowLayout(model, { collapsedPids: [CPU_GROUP_PID], threadFilter: '' }));
    expect(collapsed[0]).toMatchObject({ kind: 'process', pid: CPU_GROUP_PID, collapsed: true });
    expect(collapsed.some((r) => r.kind === 'cpu')).toBe(false);
    const filtered = allRows(buildRowLayout(model, { collapsedPids: [], threadFilter: 'lttng' }));
    expect(filtered.some((r) => r.kind === 'cpu' || (r.kind === 'process' && r.pid === CPU_GROUP_PID))).toBe(false);
    expect(filtered.some((r) => r.kind === 'thread')).toBe(true);
  });

  it('hit a run in its middle as its thread, and idle as no thread', () => {
    const layout = buildRowLayout(model, { collapsedPids: [], threadFilter: '' });
    const rows = allRows(layout);
    let runs = 0;
    let idles = 0;
    for (const row of rows) {
      if (row.kind !== 'cpu') continue;
      const c = model.cpus[row.cpu];
      for (let i = 0; i < c.count; i += Math.max(1, Math.floor(c.count / 50))) {
        const mid = (c.startNs[i] + c.endNs[i]) / 2;
        const h = hitTest(model, layout, row.yPx + 4, mid, 1e-6, 0);
        expect(h).toEqual({ kind: 'cpu', cpu: row.cpu, index: i, thread: c.thread[i] });
        if (c.kind[i] === CpuRunKind.Run) {
          expect(model.threads[c.thread[i]].tid).toBe(c.tid[i]);
          runs++;
        }
        if (c.kind[i] === CpuRunKind.Idle) {
          expect(c.thread[i]).toBe(-1);
          idles++;
        }
      }
    }
    expect(runs).toBeGreaterThan(10);
    expect(idles).toBeGreaterThan(0);
  });

  it('draw runs coloured by process (threads of one process share a hue), inside the row', () => {
    const boxes: { color: string; y: number; h: number }[] = [];
    const painter: LanePainter = {
      box: (color, _x, y, _w, h) => boxes.push({ color, y, h }),
      label: () => {},
      mark: () => {},
    };
    const f: LaneFrame = {
      model,
      vp: new Viewport({ startNs: model.startNs, endNs: model.endNs }, 1200, 200),
      metrics: buildRowLayout(model, { collapsedPids: [], threadFilter: '' }).metrics,
      canvasHeightPx: 500,
      selection: null,
      hovered: null,
      searchNames: null,
      painter,
      palette: {
        slice: () => '',
        syscall: () => '',
        state: () => '',
        mergedCalls: '',
        dimmedSlice: '',
        sliceText: 'text',
        dimmedText: '',
        syscallText: '',
        brokenEdge: '',
        note: '',
        eventTick: '',
        cpuRun: (kind, pid) => (kind === CpuRunKind.Run ? `pid ${pid}` : `kind ${kind}`),
      },
    };
    const n = cpuLane.draw(f, 0, 40, 16);
    expect(n).toBeGreaterThan(0);
    expect(boxes.length).toBe(n);
    for (const b of boxes) expect([b.y, b.h]).toEqual([40, 16]);
    expect(boxes.some((b) => b.color.startsWith('pid '))).toBe(true);
    expect(boxes.some((b) => b.color === `kind ${CpuRunKind.Idle}`)).toBe(true);

    // With a thread selected, its runs (and only they) get a bar in the text colour at the row's bottom.
    const c = model.cpus[0];
    const run = Array.from(c.kind).findIndex((k) => k === CpuRunKind.Run);
    const selected = c.thread[run];
    boxes.length = 0;
    const zoomed = { ...f, vp: new Viewport({ startNs: c.startNs[run], endNs: c.endNs[run] }, 1200, 200) };
    cpuLane.draw({ ...zoomed, selectedThread: selected }, 0, 40, 16);
    expect(boxes.filter((b) => b.color === 'text')).toEqual([{ color: 'text', y: 53, h: 3 }]);
    boxes.length = 0;
    cpuLane.draw({ ...zoomed, selectedThread: selected + 1 }, 0, 40, 16);
    expect(boxes.filter((b) => b.color === 'text')).toEqual([]);
  });
});
