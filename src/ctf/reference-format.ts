/**
 * The corpus reference format (`../shared/corpus/README.md`: one JSON record per event or loss, absolute ns as
 * decimal strings, integers beyond 2^53 as decimal strings, BLOBs as byte lists). One module for both writers of
 * it: `npm run dump -- --format=ndjson` and the conformance tests that compare our decoding with babeltrace2's.
 */
import type { LossRecord, TraceEvent } from './event';
import type { Experiment } from './experiment';

export interface RefEvent {
  k: 'event';
  t: string | null;
  name: string;
  cpu: number | null;
  ctx: unknown;
  ectx: unknown;
  fields: unknown;
}
export interface RefLoss {
  k: 'discarded-events' | 'discarded-packets';
  count: number;
  begin: string | null;
  end: string | null;
  stream: number;
}
export type RefRecord = RefEvent | RefLoss;

/** JSON text of a record (or any decoded value): bigints as decimal strings, BLOBs as byte lists. */
export function refJson(v: unknown): string {
  return JSON.stringify(v ?? null, (_k, x) =>
    typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? [...x] : x,
  );
}

/**
 * Turns an experiment's events and losses into reference records. Field values stay as decoded (bigint,
 * Uint8Array): `refJson` writes them; `decodeToRecords` gives their plain JSON form.
 */
export function referenceRecorder(exp: Experiment): { event(e: TraceEvent): RefEvent; loss(l: LossRecord): RefLoss } {
  const t = (ns: number) => (Number.isNaN(ns) ? null : exp.absoluteNs(ns).toString());
  // Stream number within its trace, as in the reference decodings.
  const inTrace = exp.streams.map((s, i) => exp.streams.slice(0, i).filter((o) => o.trace === s.trace).length);
  return {
    event: (e) => ({ k: 'event', t: t(e.tsNs), name: e.name, cpu: e.cpu, ctx: e.ctx, ectx: e.ectx, fields: e.fields }),
    loss: (l) => ({ k: l.kind, count: l.count, begin: t(l.beginNs), end: t(l.endNs), stream: inTrace[l.stream] }),
  };
}

/** Decode the whole experiment into plain reference records (and the error, if decoding stopped on one). */
export function decodeToRecords(exp: Experiment): { records: RefRecord[]; error: unknown } {
  const records: RefRecord[] = [];
  const rec = referenceRecorder(exp);
  let error: unknown = null;
  try {
    exp.decode(
      (e) => records.push(JSON.parse(refJson(rec.event(e))) as RefEvent),
      (l) => records.push(rec.loss(l)),
    );
  } catch (e) {
    error = e;
  }
  return { records, error };
}
