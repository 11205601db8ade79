/**
 * Turns a corpus reference decoding (babeltrace2's output, `referenceRecords`) into the decoder's TraceEvent /
 * LossRecord shapes, so the model can be tested on real traces independently of our own decoder.
 *
 * The reference has no trace or stream index per event: events whose name has a provider (`prov:name`) or whose
 * context has vpid/vtid are put in a 'ust' source, the others in a 'kernel' source (when the trace has any).
 */
import type { FieldStruct, FieldValue, LossRecord, TraceEvent } from '../ctf/event';
import type { ModelSourceInfo } from '../model/builder';
import { referenceRecords, type ReferenceRecord } from './corpus';

/** Fields whose decimal-string values are integers beyond 2^53 (addresses), to be turned into bigint. */
const INTEGER_FIELDS = new Set(['addr', 'call_site', 'baddr', 'memsz', 'ip', 'ptr', 'file_table_address', 'ret', 'id']);

function convert(v: unknown, key: string): FieldValue {
  if (typeof v === 'string') return INTEGER_FIELDS.has(key) && /^-?\d+$/.test(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map((x) => convert(x, key));
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('enum' in o && 'labels' in o) {
      const e = o.enum;
      return { enum: typeof e === 'string' ? BigInt(e) : (e as number), labels: o.labels as string[] };
    }
    const out: FieldStruct = {};
    for (const [k, x] of Object.entries(o)) out[k] = convert(x, k);
    return out;
  }
  return v as FieldValue;
}

function struct(v: unknown): FieldStruct | null {
  return v === null || v === undefined ? null : (convert(v, '') as FieldStruct);
}

function isUst(r: { name: string; ctx: unknown }): boolean {
  if (r.name.includes(':')) return true;
  const ctx = r.ctx as Record<string, unknown> | null;
  return ctx !== null && ('vtid' in ctx || 'vpid' in ctx);
}

export interface ReferenceTrace {
  sources: ModelSourceInfo[];
  /** Absolute ns of tsNs 0: the first timed event. */
  originNs: bigint;
  events: TraceEvent[];
  losses: LossRecord[];
}

/** Convert reference records; `env` (e.g. kernel_release) is given to the kernel source. */
export function referenceTraceFromRecords(
  records: ReferenceRecord[],
  env?: Record<string, string | number | bigint>,
): ReferenceTrace {
  const firstTimed = records.find((r) => r.k === 'event' && r.t !== null) as { t: string } | undefined;
  const originNs = firstTimed ? BigInt(firstTimed.t) : 0n;
  const rel = (t: string | null): number => (t === null ? NaN : Number(BigInt(t) - originNs));
  const hasKernel = records.some((r) => r.k === 'event' && !isUst(r));
  const hasUst = records.some((r) => r.k === 'event' && isUst(r));
  const sources: ModelSourceInfo[] = [];
  const kernelIdx = hasKernel || !hasUst ? sources.push({ name: 'kernel', domain: 'kernel', env }) - 1 : -1;
  const ustIdx = hasUst ? sources.push({ name: 'ust', domain: 'ust' }) - 1 : -1;
  const events: TraceEvent[] = [];
  const losses: LossRecord[] = [];
  for (const r of records) {
    if (r.k === 'event') {
      const trace = isUst(r) ? ustIdx : kernelIdx;
      events.push({
        name: r.name,
        tsNs: rel(r.t),
        cpu: r.cpu,
        ctx: struct(r.ctx),
        ectx: struct(r.ectx),
        fields: struct(r.fields),
        trace,
        stream: r.cpu ?? 0,
      });
    } else {
      losses.push({
        kind: r.k,
        count: r.count,
        beginNs: rel(r.begin),
        endNs: rel(r.end),
        // The reference does not say which trace a loss is in: UST when there is one (call stacks care).
        trace: ustIdx >= 0 ? ustIdx : kernelIdx,
        stream: r.stream,
        cpu: null,
      });
    }
  }
  return { sources, originNs, events, losses };
}

export function referenceTrace(name: string, env?: Record<string, string | number | bigint>): ReferenceTrace {
  return referenceTraceFromRecords(referenceRecords(name), env);
}
