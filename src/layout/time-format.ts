/**
 * Time text for the timeline: durations and offsets in s / ms / µs / ns, and absolute time of day from the
 * trace origin (a bigint of ns since the epoch, so nanoseconds survive).
 */

const UNITS: ReadonlyArray<{ unit: string; ns: number }> = [
  { unit: 's', ns: 1e9 },
  { unit: 'ms', ns: 1e6 },
  { unit: 'µs', ns: 1e3 },
  { unit: 'ns', ns: 1 },
];

/** Largest unit in which |ns| is at least 1 (ns for anything below 1 µs). */
function unitFor(absNs: number): { unit: string; ns: number } {
  for (const u of UNITS) if (absNs >= u.ns) return u;
  return UNITS[UNITS.length - 1];
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/**
 * A duration with 4 significant digits in the largest fitting unit: 45250 -> "45.25 µs", 1.5e9 -> "1.5 s",
 * 812 -> "812 ns". Whole nanoseconds are exact below 1 µs.
 */
export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns)) return '—';
  const sign = ns < 0 ? '-' : '';
  const abs = Math.abs(ns);
  if (abs < 1e3) return `${sign}${trimZeros(abs.toFixed(abs < 10 && abs % 1 !== 0 ? 1 : 0))} ns`;
  if (abs >= 60e9) {
    const min = Math.floor(abs / 60e9);
    return `${sign}${min} min ${trimZeros(((abs - min * 60e9) / 1e9).toFixed(3))} s`;
  }
  const u = unitFor(abs);
  const v = abs / u.ns;
  const decimals = v >= 100 ? 1 : v >= 10 ? 2 : 3;
  return `${sign}${trimZeros(v.toFixed(decimals))} ${u.unit}`;
}

/**
 * An axis tick label for `ns` when ticks are `stepNs` apart, all ticks up to `magnitudeNs` in absolute value.
 * The unit follows the largest tick when at most 3 decimals tell neighbours apart (5.10 ms, 5.12 ms);
 * otherwise the step's unit ("250 ns" steps read "1250 ns", "1500 ns").
 */
export function formatTick(ns: number, stepNs: number, magnitudeNs = 0): string {
  if (ns === 0) return '0';
  const decimalsFor = (unitNs: number) => {
    const stepInUnit = stepNs / unitNs;
    let decimals = 0;
    while (decimals < 9 && Math.abs(Math.round(stepInUnit * 10 ** decimals) - stepInUnit * 10 ** decimals) > 1e-6) {
      decimals++;
    }
    return decimals;
  };
  let u = unitFor(Math.max(magnitudeNs, Math.abs(ns), 1));
  let decimals = decimalsFor(u.ns);
  if (decimals > 3) {
    // A unit in which the step is at least 0.1, so that labels stay short.
    u = unitFor(Math.max(stepNs * 10, 1));
    decimals = decimalsFor(u.ns);
  }
  return `${(ns / u.ns).toFixed(decimals)} ${u.unit}`;
}

const NS_PER_DAY = 86_400_000_000_000n;

/**
 * Absolute UTC time of day of model time `ns`: "22:05:13.123456789". `digits` fractional digits (0..9).
 */
export function formatTimeOfDay(originNs: bigint, ns: number, digits = 9): string {
  const abs = originNs + BigInt(Math.round(ns));
  let ofDay = abs % NS_PER_DAY;
  if (ofDay < 0n) ofDay += NS_PER_DAY;
  const secTotal = ofDay / 1_000_000_000n;
  const frac = ofDay % 1_000_000_000n;
  const h = secTotal / 3600n;
  const m = (secTotal / 60n) % 60n;
  const s = secTotal % 60n;
  const pad2 = (v: bigint) => v.toString().padStart(2, '0');
  const hms = `${pad2(h)}:${pad2(m)}:${pad2(s)}`;
  if (digits <= 0) return hms;
  return `${hms}.${frac.toString().padStart(9, '0').slice(0, Math.min(9, digits))}`;
}

/** Absolute date and time, UTC: "2026-11-25 22:05:13.123456789 UTC". */
export function formatDateTime(originNs: bigint, ns: number): string {
  const abs = originNs + BigInt(Math.round(ns));
  const ms = Number(abs / 1_000_000n);
  const date = new Date(ms).toISOString().slice(0, 10);
  return `${date} ${formatTimeOfDay(originNs, ns)} UTC`;
}

/** Offset from the trace start, with 9 significant digits at most: "+1.234567 ms". */
export function formatOffset(ns: number): string {
  if (ns === 0) return '0 s';
  const u = unitFor(Math.abs(ns));
  const v = ns / u.ns;
  const int = Math.floor(Math.abs(v)).toString().length;
  return `${ns < 0 ? '-' : '+'}${trimZeros(Math.abs(v).toFixed(Math.max(0, 9 - int)))} ${u.unit}`;
}

/**
 * The one origin of every displayed time: the trace's first event (`TraceModel.startNs`), so the axis, the
 * details, the tooltip, the selection, the analysis panel and `npm run analyze` all count from the same instant
 * (model time 0 is the first packet's start, which can be ms or s earlier). Structural, so layout needs no model.
 */
export function timeZeroNs(model: { startNs: number }): number {
  return model.startNs;
}

/** Model time `ns` as an offset from the displayed origin: "+1.234567 ms". */
export function formatSinceStart(model: { startNs: number }, ns: number): string {
  return formatOffset(ns - timeZeroNs(model));
}

/**
 * Digits after the decimal point for a value in unit `unitNs` known to `resolutionNs`: the fewest whose last
 * digit steps by no more than the resolution, never below a nanosecond.
 */
function decimalsFor(unitNs: number, resolutionNs: number): number {
  const res = Math.max(1, resolutionNs);
  return Math.max(0, Math.min(Math.round(Math.log10(unitNs)), Math.ceil(Math.log10(unitNs / res) - 1e-9)));
}

function fixedAt(ns: number, resolutionNs: number): { text: string; unit: string } {
  const abs = Math.abs(ns);
  // The value's own unit: a range narrower than the resolution still reads in ns, not "0 ms".
  const u = unitFor(Math.max(abs, 1));
  return { text: (abs / u.ns).toFixed(decimalsFor(u.ns, resolutionNs)), unit: u.unit };
}

export interface RangeText {
  start: string;
  end: string;
  duration: string;
}

/**
 * A selected range as text, from the displayed origin `zeroNs`, with as many digits as the zoom can tell apart
 * (`resolutionNs`, about one pixel): "+19.965 ms" → "+27.120 ms", "7.155 ms". Trailing zeros stay, since they
 * are digits the zoom vouches for; all three use the same resolution so start + duration reads as end.
 */
export function formatRange(
  range: { startNs: number; endNs: number },
  zeroNs: number,
  resolutionNs: number,
): RangeText {
  const offset = (ns: number) => {
    if (ns === 0) return '0 s';
    const f = fixedAt(ns, resolutionNs);
    return `${ns < 0 ? '-' : '+'}${f.text} ${f.unit}`;
  };
  const d = fixedAt(range.endNs - range.startNs, resolutionNs);
  return {
    start: offset(range.startNs - zeroNs),
    end: offset(range.endNs - zeroNs),
    duration: `${d.text} ${d.unit}`,
  };
}

/** The resolution of range text for a visible span: a thousandth of it (about a pixel, whatever the screen). */
export function rangeResolutionNs(visibleSpanNs: number): number {
  return Math.max(1, visibleSpanNs / 1000);
}
