/** Sizes a canvas for the device pixel ratio and returns a context drawing in CSS pixels. */
export function prepareCanvas(canvas: HTMLCanvasElement, widthPx: number, heightPx: number): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(widthPx * dpr));
  const h = Math.max(1, Math.round(heightPx * dpr));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
    canvas.style.width = `${widthPx}px`;
    canvas.style.height = `${heightPx}px`;
  }
  const ctx = canvas.getContext('2d', { alpha: false })!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

const widthCache = new Map<string, number>();
let cachedFont = '';

/** Text cut to fit `maxWidthPx` with an ellipsis, or '' when not even two characters fit. */
export function fitText(ctx: CanvasRenderingContext2D, text: string, maxWidthPx: number, charWidthPx: number): string {
  if (maxWidthPx < charWidthPx * 2) return '';
  if (ctx.font !== cachedFont) {
    widthCache.clear();
    cachedFont = ctx.font;
  }
  let w = widthCache.get(text);
  if (w === undefined) {
    w = ctx.measureText(text).width;
    if (widthCache.size > 20_000) widthCache.clear();
    widthCache.set(text, w);
  }
  if (w <= maxWidthPx) return text;
  const chars = Math.floor(maxWidthPx / charWidthPx) - 1;
  return chars >= 2 ? `${text.slice(0, chars)}…` : '';
}
