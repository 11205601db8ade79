/** The events table's worker service on a corpus trace loaded as the page loads it (a .tar through unpack). */
import { describe, expect, it } from 'vitest';
import { corpusEntries, referenceRecords } from '../fixtures/corpus';
import { writeTar } from '../ingest/tar';
import { createDecodeService } from './decode-service';
import { unpackInputs } from './unpack-service';

const NAME = 'bt-multi-domains';

describe('events service', () => {
  it('pages, finds and filters the events of a range, times on the model origin', async () => {
    const r0 = unpackInputs([{ path: 'multi.tar', data: writeTar(corpusEntries(NAME)) }]);
    if (!r0.ok) throw new Error(r0.failure.message);
    const service = createDecodeService();
    const r = await service.decode(r0.value, () => {});
    if (!r.ok) throw new Error(r.failure.message);
    const model = r.value.model;
    const reference = referenceRecords(NAME).filter((x) => x.k === 'event');
    const all = { startNs: model.startNs, endNs: model.endNs + 1 };
    const first = await service.eventRows(all, 0, 50);
    expect(first.total).toBe(reference.length);
    expect(first.rows).toHaveLength(50);
    // Times on the model's origin, fields as text.
    expect(BigInt(first.rows[0].tsNs) + model.originNs).toBe(BigInt((reference[0] as { t: string }).t));
    expect(first.rows[0].name).toBe(reference[0].k === 'event' ? reference[0].name : '');
    expect(first.rows.some((row) => row.fields.includes(' = '))).toBe(true);

    const filterEvents = reference.filter((x) => x.k === 'event' && x.name === 'lttng_test_filter_event').length;
    expect(filterEvents).toBeGreaterThan(0);
    const filtered = await service.filterEvents(all, { text: 'LTTNG_TEST_filter', regex: false });
    expect(filtered.count).toBe(filterEvents);
    const rows = await service.eventRowsAt(all, [...filtered.offsets.slice(0, 3)]);
    expect(rows.map((x) => x.name)).toEqual([
      'lttng_test_filter_event',
      'lttng_test_filter_event',
      'lttng_test_filter_event',
    ]);
    const found = await service.findEvent(all, { text: '^lttng_test_f', regex: true }, filtered.offsets[0]);
    expect(found.offset).toBe(filtered.offsets[1]);
    expect((await service.findEvent(all, { text: '(', regex: true }, -1)).error).toBeTruthy();
    // The offset of a time: the row there is the first event at or after it.
    const at = await service.eventOffsetAt(all, first.rows[30].tsNs);
    expect((await service.eventRows(all, at, 1)).rows[0].tsNs).toBe(first.rows[30].tsNs);
    expect(first.rows[at - 1].tsNs).toBeLessThan(first.rows[30].tsNs);
  });
});
