/**
 * Vertical geometry of a virtualized list of fixed-height rows (the events table): which rows a scroll position
 * shows and where, with the scroll position scaled to rows when the list is taller than a browser lets an element
 * be (Chromium caps heights near 33M px: at 20 px a row, beyond 1.6M rows).
 */
export interface RowWindow {
  /** Height of the scrolled content. */
  heightPx: number;
  /** First row shown. */
  first: number;
  /** Rows shown (first .. first + count - 1, within the list). */
  count: number;
  /** Top of row `first` in the scrolled content. */
  topPx: number;
}

export function rowWindow(rows: number, rowPx: number, viewPx: number, scrollTopPx: number, maxPx: number): RowWindow {
  const inView = Math.ceil(viewPx / rowPx) + 1;
  if (rows * rowPx <= maxPx) {
    const first = Math.max(0, Math.min(rows - 1, Math.floor(scrollTopPx / rowPx)));
    return { heightPx: rows * rowPx, first, count: Math.max(0, Math.min(inView, rows - first)), topPx: first * rowPx };
  }
  // Scaled: the scroll range maps linearly onto the first rows 0 .. rows - rows in view; rows sit at the view top.
  const lastFirst = Math.max(0, rows - Math.floor(viewPx / rowPx));
  const range = Math.max(1, maxPx - viewPx);
  const first = Math.round((Math.min(Math.max(scrollTopPx, 0), range) / range) * lastFirst);
  return { heightPx: maxPx, first, count: Math.min(inView, rows - first), topPx: scrollTopPx };
}

/** The scroll position that shows row `i` (a third of the way down the view when the list is not scaled). */
export function scrollTopFor(i: number, rows: number, rowPx: number, viewPx: number, maxPx: number): number {
  if (rows * rowPx <= maxPx) return Math.max(0, i * rowPx - viewPx / 3);
  const lastFirst = Math.max(1, rows - Math.floor(viewPx / rowPx));
  return (Math.min(i, lastFirst) / lastFirst) * Math.max(1, maxPx - viewPx);
}
