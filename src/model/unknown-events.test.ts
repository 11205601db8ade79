/**
 * Traces whose events the model does not know (UST traces of other programs, barectf traces) still get their
 * threads, from the vtid context or else the CPU, with every such event as a tick mark (otherEventsNs), checked
 * against babeltrace2's reference decoding of corpus traces.
 */
import { describe, expect, it } from 'vitest';
import { corpusEntries, referenceRecords } from '../fixtures/corpus';
import { modelOfEntries } from '../fixtures/decode-folder';
import { isEventsOnly, type TraceModel } from './types';

function model(name: string): TraceModel {
  return modelOfEntries(corpusEntries(name));
}

function events(name: string) {
  return referenceRecords(name).filter((r) => r.k === 'event');
}

function ticks(m: TraceModel): number {
  return m.threads.reduce((n, t) => n + (t.otherEventsNs?.length ?? 0), 0);
}

describe('unknown events: threads with events-only rows', () => {
  it('bt-wk-heartbeat-u: one row per vtid, each with its events as ticks, in time order', () => {
    const m = model('bt-wk-heartbeat-u');
    const perVtid = new Map<number, bigint[]>();
    for (const e of events('bt-wk-heartbeat-u')) {
      const vtid = (e.ctx as { vtid: number }).vtid;
      perVtid.set(vtid, [...(perVtid.get(vtid) ?? []), BigInt(e.t!)]);
    }
    expect(perVtid.size).toBe(2);
    for (const [vtid, times] of perVtid) {
      const t = m.threads.find((x) => x.tid === vtid)!;
      expect(t.pid).toBe(3208);
      expect(isEventsOnly(t)).toBe(true);
      expect(Array.from(t.otherEventsNs!, (ns) => m.originNs + BigInt(ns))).toEqual(times);
    }
  });

  it('bt-lttng-crash (no context, no kernel trace): one row per CPU, holding every event', () => {
    const m = model('bt-lttng-crash');
    const ref = events('bt-lttng-crash');
    const cpus = new Set(ref.map((e) => e.cpu));
    expect(
      m.threads
        .filter((t) => t.cpuRow !== undefined)
        .map((t) => t.cpuRow)
        .sort(),
    ).toEqual([...cpus].sort());
    for (const t of m.threads) {
      expect(isEventsOnly(t)).toBe(true);
      expect(t.otherEventsNs!.length).toBe(ref.filter((e) => e.cpu === t.cpuRow).length);
      expect(t.eventCount).toBe(t.otherEventsNs!.length);
    }
    expect(ticks(m)).toBe(ref.length);
  });

  it('bt-barectf-event-before-packet (no cpu_id either): a row for the unknown CPU', () => {
    const m = model('bt-barectf-event-before-packet');
    expect(m.threads).toHaveLength(1);
    expect(m.threads[0].cpuRow).toBe(-1);
    expect(ticks(m)).toBe(events('bt-barectf-event-before-packet').length);
  });

  it('bt-multi-domains (kernel + UST without vtid): the UST events on CPU rows, the unknown kernel events only counted', () => {
    const m = model('bt-multi-domains');
    const ust = events('bt-multi-domains').filter((e) => e.name.includes(':'));
    expect(m.eventCount).toBe(events('bt-multi-domains').length);
    expect(ticks(m)).toBe(ust.length);
    for (const cpu of new Set(ust.map((e) => e.cpu))) {
      const row = m.threads.find((t) => t.cpuRow === cpu)!;
      expect(row.otherEventsNs!.length).toBe(ust.filter((e) => e.cpu === cpu).length);
    }
  });

  it('known events keep their rows, and a kernel trace adds no ticks for its unknown kernel events', () => {
    const cyg = model('tc-cyg-profile-glxgears-cyg-profile');
    expect(cyg.threads.some((t) => t.slices.count > 0 && !isEventsOnly(t))).toBe(true);
    const kernel = model('tc-flipping-endianness');
    expect(kernel.hasKernel).toBe(true);
    expect(ticks(kernel)).toBe(0);
  });
});
