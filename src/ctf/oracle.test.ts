/**
 * babeltrace2 as an oracle on seeded mutations of corpus traces (the kinds testers and broken tools produce:
 * duplicated metadata lines, odd alignments, copied or truncated stream files, flipped bytes). Every case where
 * babeltrace2 refuses and Strata returns data without an error or a warning is "silent" and fails the run, unless
 * it is listed in RIGHTLY_BETTER with the reason Strata's answer is the better one.
 */
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prng } from '../base/prng';
import { babeltrace2, isSilent, strata } from '../fixtures/babeltrace2';
import { tracePath } from '../fixtures/corpus';
import { metadataText } from './metadata';

// CI size by default; `ORACLE_SEED=N ORACLE_PER_TRACE=M npx vitest run src/ctf/oracle.test.ts` explores further.
const SEED = Number(process.env.ORACLE_SEED ?? 16);
const PER_TRACE = Number(process.env.ORACLE_PER_TRACE ?? 8);
const TRACES = ['bt-smalltrace', 'bt-succeed1', 'bt-psn-no-lost', 'bt-2packets', 'tc-flipping-endianness'];

/**
 * Mutation labels where Strata rightly answers when babeltrace2 refuses, with the reason. Keys are the labels
 * printed by a failing run.
 */
const RIGHTLY_BETTER: Record<string, string> = {};

type Rnd = () => number;
const pick = <T>(r: Rnd, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

/** One mutation of a trace folder (in place); returns its label. */
const MUTATIONS: Array<(dir: string, r: Rnd) => string | null> = [
  function duplicateAttributeLine(dir, r) {
    return editMetadata(dir, r, (lines) => {
      const at = candidates(lines, /^\s*[a-z_.]+\s*=\s*[^;{]+;\s*$/);
      if (at.length === 0) return null;
      const i = pick(r, at);
      lines.splice(i + 1, 0, lines[i]);
      return `attribute line ${i + 1} twice`;
    });
  },
  function duplicateFieldLine(dir, r) {
    return editMetadata(dir, r, (lines) => {
      const at = candidates(lines, /^\s*(u?int\d+_t|uint\d+_t|string|integer \{[^}]*\})\s+[a-z_]\w*;\s*$/);
      if (at.length === 0) return null;
      const i = pick(r, at);
      lines.splice(i + 1, 0, lines[i]);
      return `field line ${i + 1} twice`;
    });
  },
  function oddAlignment(dir, r) {
    return editMetadata(dir, r, (lines) => {
      const at = candidates(lines, /align = \d+;/);
      if (at.length === 0) return null;
      const i = pick(r, at);
      const value = pick(r, ['3', '0', '128', '4294967296', '6']);
      lines[i] = lines[i].replace(/align = \d+;/, `align = ${value};`);
      return `align = ${value} on line ${i + 1}`;
    });
  },
  function copyStreamFile(dir, r) {
    const streams = streamFiles(dir);
    if (streams.length === 0) return null;
    const f = pick(r, streams);
    cpSync(join(dir, f), join(dir, `${f}.copy`));
    return `stream ${f} copied beside itself`;
  },
  function truncateStreamFile(dir, r) {
    const streams = streamFiles(dir);
    if (streams.length === 0) return null;
    const f = pick(r, streams);
    const bytes = readFileSync(join(dir, f));
    const at = Math.floor(r() * bytes.length);
    writeFileSync(join(dir, f), bytes.subarray(0, at));
    return `stream ${f} cut at byte ${at}`;
  },
  function flipBytes(dir, r) {
    const streams = streamFiles(dir);
    if (streams.length === 0) return null;
    const f = pick(r, streams);
    const bytes = readFileSync(join(dir, f));
    const at: number[] = [];
    for (let k = 0; k < 4; k++) {
      const i = Math.floor(r() * bytes.length);
      bytes[i] = Math.floor(r() * 256);
      at.push(i);
    }
    writeFileSync(join(dir, f), bytes);
    return `stream ${f} bytes ${at.join(',')} changed`;
  },
];

function streamFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name !== 'metadata' && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

function candidates(lines: string[], re: RegExp): number[] {
  return lines.flatMap((l, i) => (re.test(l) ? [i] : []));
}

/** Rewrites the metadata as plain text (signature kept on line 1 so line numbers hold), edited by `edit`. */
function editMetadata(dir: string, _r: Rnd, edit: (lines: string[]) => string | null): string | null {
  const text = metadataText(readFileSync(join(dir, 'metadata')));
  const signed = text.startsWith('/* CTF 1.8') ? text : `/* CTF 1.8 */ ${text}`;
  const lines = signed.split('\n');
  const label = edit(lines);
  if (label === null) return null;
  rmSync(join(dir, 'metadata'));
  writeFileSync(join(dir, 'metadata'), lines.join('\n'));
  return label;
}

const work = mkdtempSync(join(tmpdir(), 'strata-oracle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('babeltrace2 as an oracle: no silent answer where it refuses', () => {
  it(`seed ${SEED}: ${PER_TRACE} mutations of each of ${TRACES.length} corpus traces`, () => {
    const r = prng(SEED);
    const silent: string[] = [];
    const tally = { cases: 0, bothRefuse: 0, strataWarns: 0, bothDecode: 0, strataRefuses: 0, silent: 0 };
    for (const name of TRACES) {
      for (let k = 0; k < PER_TRACE; k++) {
        const dir = join(work, `${name}-${k}`);
        cpSync(tracePath(name), dir, { recursive: true });
        chmodSync(dir, 0o755);
        for (const f of readdirSync(dir)) chmodSync(join(dir, f), 0o644);
        const mutation = pick(r, MUTATIONS);
        const what = mutation(dir, r);
        if (what === null) continue;
        const label = `${name}: ${what}`;
        tally.cases++;
        const bt = babeltrace2(dir);
        const s = strata(dir);
        if (isSilent(bt, s)) {
          tally.silent++;
          if (!(label in RIGHTLY_BETTER)) {
            const why = bt.stderr.split('\n').find((l) => / E /.test(l)) ?? '';
            silent.push(
              `${label} (babeltrace2: ${why.replace(/^.* E /, '').slice(0, 200)}; Strata: ${s.events} events)`,
            );
          }
        } else if (bt.refused && s.error) tally.bothRefuse++;
        else if (bt.refused) tally.strataWarns++;
        else if (s.error) tally.strataRefuses++;
        else tally.bothDecode++;
        rmSync(dir, { recursive: true, force: true });
      }
    }
    console.log(`ORACLE seed ${SEED}: ${JSON.stringify(tally)}`);
    expect(tally.cases).toBeGreaterThan(TRACES.length * PER_TRACE * 0.8);
    expect(silent).toEqual([]);
  });
});
