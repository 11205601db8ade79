/**
 * The title a loaded trace is shown under. LTTng lays a session out as SESSION/kernel and
 * SESSION/ust/{uid/UID/NN-bit | pid/PROC-PID-DATE}: opening one of those folders alone gives a title such as
 * "64-bit" that names nothing. Such a layout folder is replaced by the traced program's name.
 */
import type { TraceModel } from './types';

/** Folder names that are LTTng's session layout, not a name the user gave. */
const LAYOUT_FOLDER = /^(\d+-bit|ust|kernel|uid|pid|\d+|trace)$/;

export function isLayoutFolder(name: string): boolean {
  return LAYOUT_FOLDER.test(name);
}

/**
 * `label` (from the file set), unless it is a layout folder: then the name (procname) with the most events among
 * the trace's threads, if any (UST traces without vpid have threads but no processes).
 */
export function traceTitle(label: string, model: Pick<TraceModel, 'threads'>): string {
  if (!isLayoutFolder(label)) return label;
  const events = new Map<string, number>();
  for (const t of model.threads) {
    if (t.cpuRow !== undefined || t.name === '' || t.name === '(unknown)') continue;
    events.set(t.name, (events.get(t.name) ?? 0) + t.eventCount);
  }
  let best = label;
  let bestEvents = 0;
  for (const [name, n] of events) {
    if (n > bestEvents) {
      best = name;
      bestEvents = n;
    }
  }
  return best;
}
