/**
 * Events table row clicks on the demo: each event lands on the thread the trace itself says ran it (its tid, or
 * the CPU's last sched_switch next_tid, which the next switch switches out), and on an item of that row covering its time.
 */
import { describe, expect, it } from 'vitest';
import { buildDemoArchive } from '../synth/demo';
import { createDecodeService, decodeFiles } from '../worker-api/decode-service';
import { unpackInputs } from '../worker-api/unpack-service';
import { itemAtTime, threadOfEvent } from './event-item';

describe('events table rows on the timeline', () => {
  it('finds the thread and the item of every demo event', async () => {
    const u = unpackInputs([{ path: 'article.tar.gz', data: buildDemoArchive().archive }]);
    if (!u.ok) throw new Error(u.failure.message);
    const service = createDecodeService();
    const r = await service.decode(u.value, () => {});
    if (!r.ok) throw new Error(r.failure.message);
    // The service's head leaves the threads to be fetched in parts: the whole model comes from decodeFiles.
    const whole = decodeFiles(u.value);
    if (!whole.ok) throw new Error(whole.failure.message);
    const model = whole.value.model;
    const { rows } = await service.eventRows({ startNs: model.startNs, endNs: model.endNs + 1 }, 0, 1e6);
    const onCpu = new Map<number, number>();
    let byCpu = 0;
    let withItem = 0;
    for (const row of rows) {
      const thread = threadOfEvent(model, row.tid, row.cpu, row.tsNs);
      if (row.tid !== null) expect(model.threads[thread!].tid).toBe(row.tid);
      else if (row.cpu !== null && (onCpu.get(row.cpu) ?? 0) > 0) {
        // A kernel event without a tid: the thread sched_switch last put on its CPU (a switch is its prev's).
        expect(thread === null ? null : model.threads[thread].tid).toBe(onCpu.get(row.cpu));
        byCpu++;
      }
      if (row.name === 'sched_switch') onCpu.set(row.cpu!, Number(/next_tid = (\d+)/.exec(row.fields)![1]));
      if (thread === null) continue;
      const item = itemAtTime(model, thread, row.tsNs);
      if (!item) continue;
      withItem++;
      const t = model.threads[thread];
      const table = item.kind === 'slice' ? t.slices : item.kind === 'syscall' ? t.syscalls! : t.states!;
      expect(table.startNs[item.index]).toBeLessThanOrEqual(row.tsNs);
      expect(table.endNs[item.index]).toBeGreaterThanOrEqual(row.tsNs);
    }
    expect(byCpu).toBeGreaterThan(50);
    expect(withItem).toBeGreaterThan(rows.length / 2);
  });
});
