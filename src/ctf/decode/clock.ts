/**
 * Clock values (cycles, as two uint32 halves) -> ns. Absolute ns follow babeltrace2: the offset is normalised
 * to whole seconds plus cycles below the frequency, then ns = offset_s * 1e9 + ns(offset cycles) + ns(value),
 * where ns(v) = v when freq = 1 GHz, else trunc(1e9 * v / freq) computed in doubles.
 */
import type { ClockClass } from '../schema';

const TWO32 = 4294967296;
const TWO32N = 4294967296n;

function nsFromCycles(freq: number, cycles: bigint): bigint {
  if (freq === 1e9) return cycles;
  return BigInt(Math.trunc((1e9 * Number(cycles)) / freq));
}

export class ClockConv {
  readonly freq: number;
  /** Absolute ns of clock value 0. */
  readonly baseNs: bigint;
  private refHi = 0;
  private refLo = 0;
  private originNs = 0n;

  constructor(cls: ClockClass | undefined) {
    this.freq = cls?.freq ?? 1e9;
    let s = cls?.offsetSeconds ?? 0n;
    let cyc = cls?.offsetCycles ?? 0n;
    const f = BigInt(this.freq);
    if (cyc >= f || cyc < 0n) {
      let q = cyc / f;
      if (cyc < 0n && q * f !== cyc) q -= 1n;
      s += q;
      cyc -= q * f;
    }
    this.baseNs = s * 1000000000n + nsFromCycles(this.freq, cyc);
  }

  absNs(hi: number, lo: number): bigint {
    const v = BigInt(hi) * TWO32N + BigInt(lo);
    return this.baseNs + nsFromCycles(this.freq, v);
  }

  setOrigin(originNs: bigint): void {
    this.originNs = originNs;
    const ref = originNs - this.baseNs;
    let hi = ref / TWO32N;
    if (ref < 0n && hi * TWO32N !== ref) hi -= 1n;
    this.refHi = Number(hi);
    this.refLo = Number(ref - hi * TWO32N);
  }

  /** ns relative to the origin. */
  tsNs(hi: number, lo: number): number {
    if (this.freq === 1e9) return (hi - this.refHi) * TWO32 + (lo - this.refLo);
    return Number(this.absNs(hi, lo) - this.originNs);
  }
}
