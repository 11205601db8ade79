/**
 * Which of many [lo, hi) address ranges hold an address: ranges sorted by lo with a running maximum of hi, so a
 * query is a binary search plus a walk back over the ranges that can still reach the address (nested inlined
 * ranges of one function, at most), instead of a scan of every range of a large binary.
 */
export class IntervalIndex {
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  private readonly maxHi: Float64Array;
  private readonly id: Int32Array;

  constructor(ranges: { lo: number; hi: number; id: number }[]) {
    const sorted = ranges.filter((r) => r.hi > r.lo).sort((a, b) => a.lo - b.lo || a.hi - b.hi);
    const n = sorted.length;
    this.lo = new Float64Array(n);
    this.hi = new Float64Array(n);
    this.maxHi = new Float64Array(n);
    this.id = new Int32Array(n);
    let max = -Infinity;
    sorted.forEach((r, i) => {
      this.lo[i] = r.lo;
      this.hi[i] = r.hi;
      this.id[i] = r.id;
      max = Math.max(max, r.hi);
      this.maxHi[i] = max;
    });
  }

  /** Ids of the ranges holding x (each id once per range that holds it), most recently started first. */
  query(x: number): number[] {
    const out: number[] = [];
    let lo = 0;
    let hi = this.lo.length - 1;
    if (hi < 0 || x < this.lo[0]) return out;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lo[mid] <= x) lo = mid;
      else hi = mid - 1;
    }
    for (let i = lo; i >= 0 && this.maxHi[i] > x; i--) if (this.hi[i] > x) out.push(this.id[i]);
    return out;
  }
}
