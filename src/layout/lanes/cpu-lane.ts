/**
 * The lane of a CPU row (kernel traces): what ran on the CPU (`TraceModel.cpus`), threads coloured by their
 * process (one process, one colour family), irqs, softirqs and idle in colours of their own. Like the thread
 * lanes it draws through a `LanePainter`, so it is testable in Node; its rows are CPUs, not threads, so its
 * argument `cpu` indexes `model.cpus`. A click on a run selects the run's thread (not an item of the lane), and
 * the runs of the selected thread are underlined on every CPU.
 */
import { hitInterval } from '../interval-lane';
import { CpuRunKind, type CpuRunTable, type TraceModel } from '../../model/types';
import type { LaneFrame } from './lane';
import { forEachPixelBox, tableLane } from './table-lane';

/** A run under the pointer: `thread` is the thread to select (-1 for idle or an unknown thread). */
export interface CpuRunHit {
  kind: 'cpu';
  cpu: number;
  index: number;
  thread: number;
}

/** Height of the bar under the runs of the selected thread. */
const MARK_PX = 3;

/** Narrowest run that gets its thread's name written in it. */
const LABEL_MIN_PX = 40;

export function cpuRunLabel(model: TraceModel, c: CpuRunTable, i: number): string {
  const kind = c.kind[i];
  if (kind === CpuRunKind.Idle) return 'idle';
  const t = c.thread[i] >= 0 ? model.threads[c.thread[i]] : undefined;
  const who = t ? `${t.name || 'thread'} ${t.tid}` : c.tid[i] > 0 ? `tid ${c.tid[i]}` : '';
  if (kind === CpuRunKind.Irq) return who ? `irq (over ${who})` : 'irq';
  if (kind === CpuRunKind.Softirq) return who ? `softirq (over ${who})` : 'softirq';
  return who;
}

export const cpuLane = {
  heightPx: (rowPx: number): number => rowPx,
  gutterLabel: (model: TraceModel, cpu: number): string => `CPU ${model.cpus[cpu].cpu}`,
  /** Draws CPU `cpu`'s runs in view, top at canvas y `yPx`, `heightPx` tall; returns the number of boxes. */
  draw(f: LaneFrame, cpu: number, yPx: number, heightPx: number): number {
    const c = f.model.cpus[cpu];
    const { vp, painter, palette, model } = f;
    const pidOf = (i: number) => (c.thread[i] >= 0 ? model.threads[c.thread[i]].pid : -1);
    const selected = f.selectedThread ?? -1;
    // Whether the selected thread ran in runs a..b (one pixel: sampled when there are many).
    const ranSelected = (a: number, b: number) => {
      const stride = Math.max(1, Math.floor((b - a + 1) / 64));
      for (let i = a; i <= b; i += stride) if (c.thread[i] === selected) return true;
      return false;
    };
    // Per pixel, as the state strip: never one colour for a long stretch of short runs.
    return forEachPixelBox(c, vp, (a, b, x0, w) => {
      painter.box(palette.cpuRun(c.kind[a], pidOf(a), c.tid[a]), x0, yPx, w, heightPx);
      if (selected >= 0 && ranSelected(a, b)) painter.box(palette.sliceText, x0, yPx + heightPx - MARK_PX, w, MARK_PX);
      if (a === b && w >= LABEL_MIN_PX && c.kind[a] === CpuRunKind.Run) {
        painter.label(x0 + 3, yPx + heightPx / 2, cpuRunLabel(model, c, a), w - 6, palette.sliceText);
      }
    });
  },
  hitTest(model: TraceModel, cpu: number, tNs: number, toleranceNs: number): CpuRunHit | null {
    const c = model.cpus[cpu];
    const i = hitInterval(tableLane(c), tNs, toleranceNs);
    return i < 0 ? null : { kind: 'cpu', cpu, index: i, thread: c.thread[i] };
  },
};
