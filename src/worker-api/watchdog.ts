/**
 * The page's watchdog over its workers: each watched task (a decode worker, the model worker) reports progress
 * with where it is; a task that reports nothing for `stallMs` is declared stalled, once, with the last place it
 * reported. The caller decides what to stop and what to tell. A frozen worker cannot say it is frozen: only the
 * absence of its progress messages shows it, so this runs on the page, which stays responsive.
 */

/** Where a task was when it last made progress: shown to the user. */
export interface TaskPlace {
  /** The files the task works on. */
  files: string[];
  /** Events the task had handled. */
  events: number;
}

export interface Stall extends TaskPlace {
  task: string;
  /** How long nothing came from the task. */
  idleMs: number;
}

export interface WatchdogOptions {
  stallMs: number;
  onStall: (stall: Stall) => void;
  /** Clock and timer, replaceable in tests. */
  now?: () => number;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (id: unknown) => void;
}

/** How long a decode or model step may go without progress before it is stopped. Progress comes every 50 ms at most. */
export const DEFAULT_STALL_MS = 8000;

export class Watchdog {
  private readonly tasks = new Map<string, TaskPlace & { lastMs: number }>();
  private timer: unknown = null;
  private readonly now: () => number;

  constructor(private readonly opts: WatchdogOptions) {
    this.now = opts.now ?? (() => performance.now());
  }

  /** Starts watching a task (or restarts its clock). */
  watch(task: string, place: TaskPlace): void {
    this.tasks.set(task, { ...place, lastMs: this.now() });
    if (this.timer === null) {
      const set = this.opts.setInterval ?? ((fn: () => void, ms: number) => setInterval(fn, ms));
      this.timer = set(() => this.check(), Math.max(50, this.opts.stallMs / 8));
    }
  }

  /** The task moved on: its clock restarts. Ignored for tasks not watched (finished or stalled). */
  progress(task: string, events?: number): void {
    const t = this.tasks.get(task);
    if (!t) return;
    t.lastMs = this.now();
    if (events !== undefined) t.events = events;
  }

  /**
   * The task announced a step that gives no news for a while (a model worker finishing a large model in one
   * go): its clock restarts `ms` from now.
   */
  extend(task: string, ms: number): void {
    const t = this.tasks.get(task);
    if (t) t.lastMs = this.now() + ms;
  }

  /** The task finished: no longer watched. */
  done(task: string): void {
    this.tasks.delete(task);
    if (this.tasks.size === 0) this.stop();
  }

  stop(): void {
    if (this.timer !== null)
      (this.opts.clearInterval ?? ((id: unknown) => clearInterval(id as ReturnType<typeof setInterval>)))(this.timer);
    this.timer = null;
    this.tasks.clear();
  }

  /** Declares every task idle for `stallMs` or more stalled (each once). Called by the timer. */
  check(): void {
    const now = this.now();
    for (const [task, t] of [...this.tasks]) {
      const idleMs = now - t.lastMs;
      if (idleMs < this.opts.stallMs) continue;
      this.tasks.delete(task);
      this.opts.onStall({ task, files: t.files, events: t.events, idleMs });
    }
    if (this.tasks.size === 0) this.stop();
  }
}

/** One sentence for the user: which files, and how far the stopped step had come. */
export function stallMessage(s: Stall, what: 'decode' | 'model'): string {
  const files =
    s.files.length <= 3 ? s.files.join(', ') : `${s.files.slice(0, 3).join(', ')} and ${s.files.length - 3} more`;
  const seconds = Math.round(s.idleMs / 1000);
  const step = what === 'decode' ? `Decoding ${files}` : `Building the model (from ${files})`;
  return `${step} made no progress for ${seconds} s after ${s.events.toLocaleString('en-US')} events, and was stopped.`;
}
