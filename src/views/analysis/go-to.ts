/** "Go to": selects a call or syscall on the timeline and zooms so that it fills the middle of the view. */
import type { ItemAt } from '../../analysis/selection';
import type { TraceModel } from '../../model/types';
import { select, zoomToRange } from '../../store/view-store';

export function goToItem(model: TraceModel, kind: 'slice' | 'syscall', at: ItemAt): void {
  const t = model.threads[at.thread];
  const table = kind === 'slice' ? t.slices : t.syscalls;
  if (!table) return;
  const s = table.startNs[at.index];
  const e = table.endNs[at.index];
  const margin = Math.max((e - s) * 0.5, 1000);
  zoomToRange({ startNs: s - margin, endNs: e + margin });
  select({ kind, thread: at.thread, index: at.index });
}
