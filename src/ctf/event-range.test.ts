/**
 * The events table's range reads on corpus traces: the rows of a time range, page after page, are babeltrace2's
 * reference events of that range (fields and contexts included), in the order of the whole-trace decoding.
 */
import { describe, expect, it } from 'vitest';
import { referenceRecords, tracePath } from '../fixtures/corpus';
import { EventRangeReader } from './event-range';
import type { TraceEvent } from './event';
import { openExperiment } from './experiment';
import { readTraceFolder } from './node-fs';
import { compareRecords } from './reference-compare';
import { referenceRecorder, refJson, type RefEvent, type RefRecord } from './reference-format';

function allPages(reader: EventRangeReader, fromNs: number, toNs: number, limit: number): TraceEvent[] {
  const rows: TraceEvent[] = [];
  for (let offset = 0; ; offset += limit) {
    const page = reader.page(fromNs, toNs, offset, limit);
    rows.push(...page.rows);
    if (offset + limit >= page.total) return rows;
  }
}

describe('EventRangeReader on corpus traces', () => {
  for (const name of ['bt-multi-domains', 'bt-lttng-tracefile-rotation', 'tc-flipping-endianness']) {
    it(`${name}: a range's rows equal the reference events in it`, () => {
      const exp = openExperiment(readTraceFolder(tracePath(name)));
      const reader = new EventRangeReader(exp);
      const rec = referenceRecorder(exp);
      const reference = referenceRecords(name).filter((r): r is RefEvent => r.k === 'event' && r.t !== null);
      const rel = (t: string) => Number(BigInt(t) - exp.originNs);
      const firstNs = rel(reference[0].t!);
      const lastNs = rel(reference[reference.length - 1].t!);
      expect(reader.totalEvents).toBe(reference.length);
      // The middle third of the events, and all of them.
      const third = Math.floor(reference.length / 3);
      for (const [fromNs, toNs] of [
        [rel(reference[third].t!), rel(reference[2 * third].t!)],
        [firstNs, lastNs + 1],
      ]) {
        const expected = reference.filter((r) => rel(r.t!) >= fromNs && rel(r.t!) < toNs);
        expect(expected.length).toBeGreaterThan(100);
        expect(reader.count(fromNs, toNs)).toBe(expected.length);
        const rows = allPages(reader, fromNs, toNs, 97);
        const actual = rows.map((e) => JSON.parse(refJson(rec.event(e))) as RefRecord);
        expect(compareRecords(actual, expected)).toEqual([]);
        // Same order as the whole decoding (ties by stream), a deep page alone included.
        const whole: TraceEvent[] = [];
        exp.decode((e) => {
          if (e.tsNs >= fromNs && e.tsNs < toNs) whole.push(e);
        });
        const key = (e: TraceEvent) => `${e.tsNs} ${e.stream} ${refJson(e.fields)}`;
        expect(rows.map(key)).toEqual(whole.map(key));
        const mid = Math.floor(whole.length / 2);
        expect(reader.page(fromNs, toNs, mid, 5).rows.map(key)).toEqual(whole.slice(mid, mid + 5).map(key));
      }
    });
  }
});
