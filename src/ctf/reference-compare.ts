/**
 * Compare a decoding with a corpus reference decoding (babeltrace2's, `expected/*.ndjson.gz`). Used by the
 * conformance test and handy from scripts. Events at the same time may come in another order.
 */
import type { RefEvent, RefRecord } from './reference-format';

function canon(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canon(o[k])}`)
    .join(',')}}`;
}

/**
 * babeltrace2 2.0.4 shows an empty string field with the text of an earlier event (fixed upstream by
 * review.lttng.org/c/babeltrace/+/4528): so "" may stand for any expected string. True when `a` equals `e` up
 * to that.
 */
function sameUpToEmptyStrings(a: unknown, e: unknown, stats: CompareStats): boolean {
  if (a === '' && typeof e === 'string') {
    if (e !== '') stats.emptyStringQuirks++;
    return true;
  }
  if (a === null || e === null || typeof a !== 'object' || typeof e !== 'object') return a === e;
  if (Array.isArray(a) !== Array.isArray(e)) return false;
  const ka = Object.keys(a as object);
  const ke = Object.keys(e as object);
  if (ka.length !== ke.length) return false;
  for (const k of ka) {
    if (!(k in (e as object))) return false;
    if (!sameUpToEmptyStrings((a as Record<string, unknown>)[k], (e as Record<string, unknown>)[k], stats))
      return false;
  }
  return true;
}

export interface CompareStats {
  /** Events where babeltrace2 2.0.4 showed stale text for an empty string (see sameUpToEmptyStrings). */
  emptyStringQuirks: number;
}

/** Differences (at most `max`), empty when the decodings match. */
export function compareRecords(
  actual: RefRecord[],
  expected: RefRecord[],
  max = 5,
  stats: CompareStats = { emptyStringQuirks: 0 },
): string[] {
  const diffs: string[] = [];
  const evA = actual.filter((r): r is RefEvent => r.k === 'event');
  const evE = expected.filter((r): r is RefEvent => r.k === 'event');
  if (evA.length !== evE.length) diffs.push(`event count ${evA.length}, expected ${evE.length}`);
  // Walk both in order, comparing groups of equal time as multisets.
  let i = 0;
  let j = 0;
  while (i < evA.length && j < evE.length && diffs.length < max) {
    const ta = evA[i].t;
    const te = evE[j].t;
    if (ta !== te) {
      diffs.push(`event #${j}: time ${ta} (${evA[i].name}), expected ${te} (${evE[j].name})`);
      break;
    }
    let i2 = i;
    while (i2 < evA.length && evA[i2].t === ta) i2++;
    let j2 = j;
    while (j2 < evE.length && evE[j2].t === te) j2++;
    // Events without time: compare in order (one stream) rather than as one huge group.
    if (ta === null) {
      i2 = i + 1;
      j2 = j + 1;
    }
    const ga = evA.slice(i, i2);
    const ge = evE.slice(j, j2);
    if (ga.length !== ge.length) diffs.push(`at time ${ta}: ${ga.length} events, expected ${ge.length}`);
    // Pair equal events first, then the rest up to the empty-string quirk.
    const left = new Map<string, number>();
    for (const e of ge) left.set(canon(e), (left.get(canon(e)) ?? 0) + 1);
    const restA: RefEvent[] = [];
    for (const a of ga) {
      const k = canon(a);
      const n = left.get(k) ?? 0;
      if (n > 0) left.set(k, n - 1);
      else restA.push(a);
    }
    const restE = ge.filter((e) => {
      const k = canon(e);
      const n = left.get(k) ?? 0;
      if (n > 0) {
        left.set(k, n - 1);
        return true;
      }
      return false;
    });
    for (const a of restA) {
      const m = restE.findIndex((e) => sameUpToEmptyStrings(a, e, stats));
      if (m >= 0) restE.splice(m, 1);
      else if (diffs.length < max)
        diffs.push(
          `event at time ${ta}:\n  got      ${canon(a).slice(0, 400)}\n  expected ${restE.length > 0 ? canon(restE[0]).slice(0, 400) : '(none)'}`,
        );
    }
    i = i2;
    j = j2;
  }
  const lossA = actual
    .filter((r) => r.k !== 'event')
    .map(canon)
    .sort();
  const lossE = expected
    .filter((r) => r.k !== 'event')
    .map(canon)
    .sort();
  if (canon(lossA) !== canon(lossE))
    diffs.push(`loss records:\n  got      ${lossA.join(' ')}\n  expected ${lossE.join(' ')}`);
  return diffs.slice(0, max);
}
