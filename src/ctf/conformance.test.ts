/**
 * Conformance with babeltrace2 on the shared corpus: every `ok` trace decodes to the reference events and loss
 * records; every `error` trace is refused with a CtfError that says where; `none` traces decode or report a
 * CtfError, never crash. CTF 2 twins whose data streams are byte-identical to a CTF 1.8 trace must decode to
 * that trace's reference. One summary line per trace is printed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifest, referenceRecords, tracePath } from '../fixtures/corpus';
import { CtfError } from './errors';
import { openExperiment } from './experiment';
import { readTraceFolder } from './node-fs';
import { type CompareStats, compareRecords } from './reference-compare';
import { decodeToRecords, type RefRecord } from './reference-format';

const TIME_BOUND_MS = 20000;

function decodeTrace(name: string) {
  const t0 = performance.now();
  let error: unknown = null;
  let records: RefRecord[] = [];
  try {
    const exp = openExperiment(readTraceFolder(tracePath(name)));
    const r = decodeToRecords(exp);
    records = r.records;
    error = r.error;
  } catch (e) {
    error = e;
  }
  return { records, error, ms: performance.now() - t0 };
}

function events(records: RefRecord[]): number {
  return records.filter((r) => r.k === 'event').length;
}

function streamFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const ent of readdirSync(join(dir, rel))) {
    const r = rel ? `${rel}/${ent}` : ent;
    if (statSync(join(dir, r)).isDirectory()) {
      if (ent !== 'index') out.push(...streamFiles(dir, r));
    } else if (ent !== 'metadata') out.push(r);
  }
  return out.sort();
}

const entries = manifest();

describe('corpus: ok traces equal the babeltrace2 reference', () => {
  for (const m of entries.filter((e) => e.expect === 'ok')) {
    it(
      m.name,
      () => {
        const { records, error, ms } = decodeTrace(m.name);
        const stats: CompareStats = { emptyStringQuirks: 0 };
        const diffs = compareRecords(records, referenceRecords(m.name) as RefRecord[], 5, stats);
        const quirk =
          stats.emptyStringQuirks > 0 ? `, ${stats.emptyStringQuirks} empty strings shown stale by bt2 2.0.4` : '';
        console.log(
          `${diffs.length === 0 && !error ? 'PASS' : 'FAIL'} ${m.name}: ${events(records)}/${m.events} events, ${records.length - events(records)} loss records, ${ms.toFixed(0)} ms${quirk}`,
        );
        expect(error).toBeNull();
        expect(diffs).toEqual([]);
        expect(events(records)).toBe(m.events);
      },
      120000,
    );
  }
});

describe('corpus: error traces are refused with a clear message', () => {
  for (const m of entries.filter((e) => e.expect === 'error')) {
    it(
      m.name,
      () => {
        const { records, error, ms } = decodeTrace(m.name);
        console.log(
          `ERROR-OK ${m.name}: ${events(records)} valid events, then: ${(error as Error)?.message} (${ms.toFixed(0)} ms)`,
        );
        expect(error).toBeInstanceOf(CtfError);
        const e = error as CtfError;
        // Says where: a file, and a metadata line or byte offset.
        expect(e.file).toBeTruthy();
        expect(e.line !== undefined || e.byteOffset !== undefined).toBe(true);
        expect(ms).toBeLessThan(TIME_BOUND_MS);
      },
      60000,
    );
  }
});

describe('corpus: none traces decode or report a CtfError', () => {
  const byName = new Map(entries.map((e) => [e.name, e]));
  for (const m of entries.filter((e) => e.expect === 'none')) {
    it(
      m.name,
      () => {
        const { records, error, ms } = decodeTrace(m.name);
        if (error !== null) expect(error).toBeInstanceOf(CtfError);
        expect(ms).toBeLessThan(TIME_BOUND_MS);
        let twinNote = '';
        // A CTF 2 twin with the same data streams as a CTF 1.8 trace must give that trace's reference.
        const twin = m.name.startsWith('tc-CTF2-7.0-')
          ? byName.get(`bt-${m.name.slice('tc-CTF2-7.0-'.length)}`)
          : undefined;
        if (twin && twin.expect === 'ok') {
          const a = tracePath(m.name);
          const b = tracePath(twin.name);
          const fa = streamFiles(a);
          const same =
            fa.join() === streamFiles(b).join() &&
            fa.every((f) => readFileSync(join(a, f)).equals(readFileSync(join(b, f))));
          if (same) {
            expect(error).toBeNull();
            expect(compareRecords(records, referenceRecords(twin.name) as RefRecord[])).toEqual([]);
            twinNote = `, equal to the reference of its CTF 1.8 twin ${twin.name}`;
          } else {
            twinNote = `, data differs from ${twin.name} (not compared)`;
          }
        }
        console.log(
          `NONE ${m.name}: ${events(records)} events${error ? `, then error: ${(error as Error).message}` : ''}${twinNote} (${ms.toFixed(0)} ms)`,
        );
      },
      60000,
    );
  }
});
