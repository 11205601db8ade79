/**
 * `window.__strataTimeline`: where on the page an item is drawn, computed with the same layout code as the
 * canvas, so that e2e tests click real pixels (on the app page and on timeline-dev.html alike).
 */
import { laneOf } from '../../layout/lanes/index';
import { laneYPx, ROW_CPU, ROW_THREAD, rowLayoutFor, rowOf, type ThreadRow } from '../../layout/row-layout';
import { CpuRunKind } from '../../model/types';
import { formatDuration, timeZeroNs } from '../../layout/time-format';
import { axisTicks } from '../../render/time-scale';
import { Viewport } from '../../layout/viewport';
import type { TraceModel } from '../../model/types';
import { useViewStore } from '../../store/view-store';
import { GUTTER_PX } from './use-timeline-canvas';

type Kind = 'slice' | 'syscall';

export interface ItemLocation {
  x: number;
  y: number;
  widthPx: number;
  thread: number;
  index: number;
}

/** The tracks canvas as drawn now: its rows, scroll box, page box and viewport (null before it mounts). */
function tracksGeometry(model: TraceModel) {
  const s = useViewStore.getState();
  const canvas = document.querySelector<HTMLCanvasElement>('canvas.tl-tracks');
  if (!canvas) return null;
  const box = canvas.getBoundingClientRect();
  return {
    layout: rowLayoutFor(model, s.collapsedPids, s.threadFilter),
    scroll: canvas.parentElement!,
    box,
    vp: new Viewport(s.visibleRange, box.width, GUTTER_PX),
  };
}

/** Page coordinates of the middle of the first item named `name` in the rows' order (null if none). */
export function locateItem(model: TraceModel, kind: Kind, name: string): ItemLocation | null {
  const g = tracksGeometry(model);
  if (!g) return null;
  const { layout, scroll, box, vp } = g;
  const toX = (ns: number) => box.left + vp.nsToCanvasPx(ns);
  const nameIndex = model.strings.indexOf(name);
  if (nameIndex < 0) return null;
  for (let rr = 0; rr < layout.count; rr++) {
    if (layout.kind[rr] !== ROW_THREAD) continue;
    const row = rowOf(layout, rr) as ThreadRow;
    const t = model.threads[row.threadIndex];
    const table = kind === 'slice' ? t.slices : t.syscalls;
    if (!table) continue;
    const i = table.name.indexOf(nameIndex);
    if (i < 0) continue;
    const laneTop = laneYPx(row, kind);
    if (laneTop < 0) continue;
    const item = laneOf(kind).itemYPx(model, row.threadIndex, i, layout.metrics);
    const yIn = laneTop + item.yPx + item.heightPx / 2;
    return {
      x: toX((table.startNs[i] + table.endNs[i]) / 2),
      y: box.top + row.yPx + yIn - scroll.scrollTop,
      widthPx: toX(table.endNs[i]) - toX(table.startNs[i]),
      thread: row.threadIndex,
      index: i,
    };
  }
  return null;
}

/**
 * Page coordinates of the middle of the widest thread run in view on the CPU rows, with the thread that ran
 * (null when no CPU row shows one).
 */
export function locateCpuRun(model: TraceModel): (ItemLocation & { tid: number; name: string }) | null {
  const g = tracksGeometry(model);
  if (!g) return null;
  const { layout, scroll, box, vp } = g;
  const { startNs, endNs } = vp.range;
  let best: { r: number; i: number; w: number } | null = null;
  for (let r = 0; r < layout.count; r++) {
    if (layout.kind[r] !== ROW_CPU) continue;
    const c = model.cpus[layout.ref[r]];
    for (let i = 0; i < c.count; i++) {
      if (c.kind[i] !== CpuRunKind.Run || c.thread[i] < 0) continue;
      const w = Math.min(c.endNs[i], endNs) - Math.max(c.startNs[i], startNs);
      if (w > 0 && (!best || w > best.w)) best = { r, i, w };
    }
  }
  if (!best) return null;
  const c = model.cpus[layout.ref[best.r]];
  const a = Math.max(c.startNs[best.i], startNs);
  const b = Math.min(c.endNs[best.i], endNs);
  const t = model.threads[c.thread[best.i]];
  return {
    x: box.left + vp.nsToCanvasPx((a + b) / 2),
    y: box.top + layout.topPx[best.r] + layout.metrics.cpuRowPx / 2 - scroll.scrollTop,
    widthPx: vp.nsToCanvasPx(b) - vp.nsToCanvasPx(a),
    thread: c.thread[best.i],
    index: best.i,
    tid: t.tid,
    name: t.name,
  };
}

export function installTestHook(model: TraceModel): () => void {
  const w = window as unknown as { __strataTimeline?: unknown };
  const hook = {
    locate: (kind: Kind, name: string) => locateItem(model, kind, name),
    locateCpuRun: () => locateCpuRun(model),
    range: (startNs: number, endNs: number) => useViewStore.setState({ visibleRange: { startNs, endNs } }),
    /** The axis's tick labels at their page x, as drawn now (same computation as the canvas frame). */
    axisLabels: () => {
      const canvas = document.querySelector<HTMLCanvasElement>('.tl-axis canvas');
      if (!canvas) return [];
      const box = canvas.getBoundingClientRect();
      const vp = new Viewport(useViewStore.getState().visibleRange, box.width, GUTTER_PX);
      const t = axisTicks(vp, timeZeroNs(model));
      return t.ticksNs.map((ns, i) => ({ x: box.left + vp.nsToCanvasPx(ns), label: t.labels[i], baseNs: t.baseNs }));
    },
    /** Duration of an item, as the details panel should show it. */
    duration: (kind: Kind, thread: number, index: number) => {
      const table = laneOf(kind).table(model.threads[thread])!;
      return formatDuration(table.endNs[index] - table.startNs[index]);
    },
  };
  w.__strataTimeline = hook;
  return () => {
    if (w.__strataTimeline === hook) delete w.__strataTimeline;
  };
}
