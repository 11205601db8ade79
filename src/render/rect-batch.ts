/**
 * Rectangles grouped by fill colour and drawn with one path per colour: a canvas fill per box would cost a
 * style change and a draw call each, which dominates a frame with tens of thousands of boxes.
 * Same-colour boxes that touch on the same row are joined as they are added.
 */
export class RectBatch {
  private readonly buckets = new Map<string, number[]>();

  add(color: string, x: number, y: number, w: number, h: number): void {
    let b = this.buckets.get(color);
    if (b === undefined) {
      b = [];
      this.buckets.set(color, b);
    }
    const n = b.length;
    if (n > 0 && b[n - 3] === y && b[n - 1] === h && x <= b[n - 4] + b[n - 2] + 0.01 && x >= b[n - 4]) {
      const end = Math.max(b[n - 4] + b[n - 2], x + w);
      b[n - 2] = end - b[n - 4];
      return;
    }
    b.push(x, y, w, h);
  }

  /** Draws and empties every bucket (the arrays are kept for the next frame). */
  flush(ctx: CanvasRenderingContext2D): number {
    let rects = 0;
    for (const [color, b] of this.buckets) {
      if (b.length === 0) continue;
      ctx.fillStyle = color;
      ctx.beginPath();
      for (let i = 0; i < b.length; i += 4) ctx.rect(b[i], b[i + 1], b[i + 2], b[i + 3]);
      ctx.fill();
      rects += b.length / 4;
      b.length = 0;
    }
    return rects;
  }
}
