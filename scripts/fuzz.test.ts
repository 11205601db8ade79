/**
 * The CI-sized fuzz run (part of `npm test`): a few hundred damaged corpus traces through the page's decode path,
 * each in a child process with a time and heap bound. Any crash, hang or out-of-memory fails the test (and is
 * saved under fuzz-failures/ with its replay command).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEntries } from './fuzz-case';
import { formatReport, runFuzz, type FuzzOptions } from './fuzz';
import { FUZZ_TRACES, makeCase } from './fuzz-mutate';

describe('npm run fuzz', () => {
  it('300 damaged traces of every kind: clean errors or decodes, no crash, no hang, no oom', async () => {
    const opts: FuzzOptions = {
      cases: 300,
      seed: 1,
      jobs: 2,
      timeoutMs: 10000,
      memoryMb: 1024,
      saveDir: 'fuzz-failures',
    };
    const report = await runFuzz(opts);
    console.log(formatReport(report, opts));
    expect(report.failures.map((f) => `case ${f.n} ${f.outcome}: ${f.mutations.join('; ')}: ${f.message}`)).toEqual([]);
    expect(report.counts.error + report.counts.decoded).toBe(300);
    // The mutations are neither all fatal nor all harmless, and every trace of the set was fuzzed.
    expect(report.counts.error).toBeGreaterThan(50);
    expect(report.counts.decoded).toBeGreaterThan(50);
    expect(Object.keys(report.byTrace).sort()).toEqual([...FUZZ_TRACES].sort());
  }, 180000);

  // Cases that once hung or crashed, and what fixed them: they must stay clean errors.
  const fixed: Array<{ seed: number; n: number; was: string }> = [
    { seed: 1000, n: 10962, was: 'hang: align = 2^53 wrapped the 32-bit position mask, the cursor went back for ever' },
    { seed: 1000, n: 9652, was: 'hang: align = 2^32, same' },
    { seed: 1000, n: 8347, was: 'hang: align = 2^53, same' },
    { seed: 1000, n: 16989, was: 'hang: align = 2^53, same' },
  ];
  for (const f of fixed) {
    it(`fixed reproducer: seed ${f.seed} case ${f.n} (${f.was})`, () => {
      expect(runEntries(makeCase(f.seed, f.n).entries).outcome).toBe('error');
    });
  }

  it('a case is the same bytes for the same seed and number, and differs between numbers', () => {
    const a = makeCase(42, 7);
    const b = makeCase(42, 7);
    expect(b.mutations).toEqual(a.mutations);
    expect(b.entries.map((e) => [e.path, Buffer.from(e.data).toString('base64')])).toEqual(
      a.entries.map((e) => [e.path, Buffer.from(e.data).toString('base64')]),
    );
    const others = [1, 2, 3, 4, 5].map((n) => makeCase(42, n).mutations.join());
    expect(new Set([...others, a.mutations.join()]).size).toBe(6);
  });

  it('a case that outlives its time bound is killed, classified as a hang and saved as a reproducer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-fuzz-'));
    try {
      // No case answers within 0 ms: each child is killed mid-case, and the next case gets a fresh one.
      const report = await runFuzz({ cases: 2, seed: 3, jobs: 1, timeoutMs: 0, memoryMb: 256, saveDir: dir });
      expect(report.counts.hang).toBe(2);
      const saved = report.failures[0].saved!;
      const meta = JSON.parse(readFileSync(join(saved, 'case.json'), 'utf8')) as {
        replay: string;
        trace: string;
        outcome: string;
      };
      expect(meta.outcome).toBe('hang');
      expect(meta.replay).toBe('npm run fuzz -- --seed 3 --case 0');
      expect(existsSync(join(saved, meta.trace, 'metadata'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60000);
});
