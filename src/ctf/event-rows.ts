/**
 * Rows of the events table: a decoded event as the texts the table shows and searches (name, CPU, thread as the
 * event's context gives it, and every field, contexts included, in the metadata's preferred integer bases).
 */
import type { FieldStruct, FieldValue, TraceEvent } from './event';
import type { Experiment } from './experiment';
import { eventClassesByName, fieldText } from './decode/text-format';
import type { FieldClass, StructClass } from './schema';
import { displayName } from './decode/compile';

export interface EventRow {
  /** Time in ns from the model's origin. */
  tsNs: number;
  name: string;
  cpu: number | null;
  /** Thread id from the event: `vtid` / `tid` context, else perf's `perf_tid` field; null when it carries none. */
  tid: number | null;
  /** `procname` context, when the event carries it. */
  procname: string | null;
  /** Every context and payload field, `name = value` separated by commas. */
  fields: string;
}

function num(v: FieldValue | undefined): number | null {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null;
}

/** Formats an experiment's events as rows, with integer bases from each event's classes. */
export function eventRowFormatter(exp: Experiment, shiftNs: number): (e: TraceEvent) => EventRow {
  const classes = exp.traces.map((t) => eventClassesByName(t.schema));
  const structText = (s: FieldStruct | null, cls: StructClass | undefined, out: string[]) => {
    if (!s) return;
    for (const [k, v] of Object.entries(s)) {
      const m: FieldClass | undefined = cls?.members.find((x) => displayName(x.name) === k)?.type;
      out.push(`${k} = ${fieldText(v, m)}`);
    }
  };
  return (e) => {
    const c = classes[e.trace]?.get(e.name);
    const parts: string[] = [];
    structText(e.ctx, c?.stream.eventCommonContext, parts);
    structText(e.ectx, c?.event.specificContext, parts);
    structText(e.fields, c?.event.payload, parts);
    const tid = num(e.ctx?.vtid) ?? num(e.ctx?.tid) ?? num(e.fields?.perf_tid) ?? null;
    const procname = typeof e.ctx?.procname === 'string' ? e.ctx.procname : null;
    return { tsNs: e.tsNs + shiftNs, name: e.name, cpu: e.cpu, tid, procname, fields: parts.join(', ') };
  };
}

/** How the table's search matches: plain text (case-insensitive) or a regular expression. */
export interface EventSearch {
  text: string;
  regex: boolean;
}

/** A predicate over rows for a search, or an error sentence for a bad regular expression. */
export function rowMatcher(search: EventSearch): ((r: EventRow) => boolean) | string {
  let test: (s: string) => boolean;
  if (search.regex) {
    try {
      const re = new RegExp(search.text, 'i');
      test = (s) => re.test(s);
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  } else {
    const needle = search.text.toLowerCase();
    test = (s) => s.toLowerCase().includes(needle);
  }
  // Any column: each tested on its own, as it is shown.
  return (r) =>
    test(r.name) ||
    test(r.fields) ||
    (r.cpu !== null && test(String(r.cpu))) ||
    (r.tid !== null && test(String(r.tid))) ||
    (r.procname !== null && test(r.procname));
}
