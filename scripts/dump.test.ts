/**
 * `npm run dump -- PATH --format=count` as a user runs it (the prebuilt bundle through scripts/cli.mjs, in a
 * child process): per event name, the counts of babeltrace2's reference decoding. The count format reads events
 * through column readers that skip every value, so this checks every skip of every field class of the corpus.
 */
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { manifest, referenceRecords, tracePath } from '../src/fixtures/corpus';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function dumpCount(path: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['scripts/cli.mjs', 'dump', path, '--format=count'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function referenceCounts(name: string): Map<string, number> {
  const counts = new Map<string, number>();
  let total = 0;
  for (const r of referenceRecords(name)) {
    if (r.k !== 'event') continue;
    counts.set(r.name, (counts.get(r.name) ?? 0) + 1);
    total++;
  }
  counts.set('total events', total);
  return counts;
}

describe('npm run dump --format=count', () => {
  // Kernel, UST with contexts, cyg-profile, losses, CTF 1.8 oddities: one process each (a start-up is ~0.2 s).
  const names = [
    'tc-many-threads',
    'tc-cyg-profile-glxgears-cyg-profile',
    'bt-psn-2-streams-lost-in-2',
    'bt-multi-domains',
    'bt-meta-variant-one-underscore',
  ];
  for (const name of names) {
    it(`counts every event class as babeltrace2 does: ${name}`, () => {
      expect(manifest().find((m) => m.name === name)?.expect).toBe('ok');
      const r = dumpCount(tracePath(name));
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const got = new Map<string, number>();
      for (const line of r.stdout.trim().split('\n')) {
        const [n, label] = line.split('\t');
        if (label !== 'loss records') got.set(label, Number(n));
      }
      expect(got).toEqual(referenceCounts(name));
    });
  }

  it('says what is wrong with an invalid trace, and exits with 1', () => {
    const r = dumpCount(tracePath('bt-fail-invalid-packet-size'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: .*packet size/);
  });
});
