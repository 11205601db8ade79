/**
 * One requestAnimationFrame loop for the whole timeline (Perfetto's RafScheduler): animations (held W/A/S/D
 * keys) step first, then every canvas marked dirty redraws once. Many state changes in one frame cost one draw.
 */

/** Returns false when the animation is over. `dtMs` is the time since its previous step. */
export type Animation = (dtMs: number) => boolean;

const FRAME_SAMPLES = 600;

export class RafScheduler {
  private readonly redraws = new Map<string, () => void>();
  private readonly dirty = new Set<string>();
  private readonly animations = new Set<Animation>();
  private frameRequested = false;
  private lastFrameMs = 0;
  /** Ring buffer of the last draw durations (ms), for the frame benchmark. */
  readonly drawMs = new Float64Array(FRAME_SAMPLES);
  drawCount = 0;

  constructor(
    private readonly raf: (cb: (t: number) => void) => number = (cb) => requestAnimationFrame(cb),
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Registers a redraw callback under `key` (replacing any previous one). */
  register(key: string, draw: () => void): () => void {
    this.redraws.set(key, draw);
    this.dirty.add(key);
    this.request();
    return () => {
      this.redraws.delete(key);
      this.dirty.delete(key);
    };
  }

  /** Marks one canvas (or all, without a key) for redraw on the next frame. */
  invalidate(key?: string): void {
    if (key === undefined) for (const k of this.redraws.keys()) this.dirty.add(k);
    else this.dirty.add(key);
    this.request();
  }

  animate(a: Animation): () => void {
    this.animations.add(a);
    this.request();
    return () => this.animations.delete(a);
  }

  private request(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    this.raf((t) => this.frame(t));
  }

  private frame(t: number): void {
    this.frameRequested = false;
    const dt = this.lastFrameMs === 0 ? 16 : Math.min(t - this.lastFrameMs, 100);
    this.lastFrameMs = t;
    for (const a of [...this.animations]) if (!a(dt)) this.animations.delete(a);
    if (this.dirty.size > 0) {
      const t0 = this.now();
      const keys = [...this.dirty];
      this.dirty.clear();
      for (const k of keys) this.redraws.get(k)?.();
      this.drawMs[this.drawCount % FRAME_SAMPLES] = this.now() - t0;
      this.drawCount++;
    }
    if (this.animations.size > 0 || this.dirty.size > 0) this.request();
    else this.lastFrameMs = 0;
  }
}

/** The application's one scheduler (all canvases of the timeline draw in the same frame). */
export const timelineScheduler = new RafScheduler();
