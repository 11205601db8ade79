/**
 * babeltrace2 as an oracle (Node only): its verdict on a trace folder beside Strata's, and the "silent" class of
 * disagreement: babeltrace2 refuses the trace, Strata returns data without an error or a warning. A viewer that
 * draws a wrong picture without a word is worse than one that refuses; each silent case must be fixed, or listed
 * (in the test that meets it) with the reason Strata rightly does better.
 */
import { spawnSync } from 'node:child_process';
import { CtfError } from '../ctf/errors';
import type { LossRecord } from '../ctf/event';
import { type Experiment, openExperiment } from '../ctf/experiment';
import { readTraceFolder } from '../ctf/node-fs';

export interface Bt2Verdict {
  refused: boolean;
  stderr: string;
  /** Lines of text output (one per event for flat payloads). */
  lines: number;
}

/** babeltrace2's verdict on a trace folder. It must be installed (`apt-get install -y babeltrace2`): fails loudly. */
export function babeltrace2(dir: string): Bt2Verdict {
  const r = spawnSync('babeltrace2', [dir], { encoding: 'utf8', maxBuffer: 1 << 28, timeout: 60_000 });
  if (r.error) throw new Error(`babeltrace2 could not be run (apt-get install -y babeltrace2): ${r.error.message}`);
  const lines = r.stdout.split('\n').filter((l) => l !== '').length;
  return { refused: r.status !== 0, stderr: r.stderr, lines };
}

export interface StrataVerdict {
  error: CtfError | null;
  events: number;
  losses: LossRecord[];
  warnings: string[];
}

/** Strata's verdict: open and decode every event; a CtfError is a verdict, any other exception a bug (thrown). */
export function strata(dir: string): StrataVerdict {
  let exp: Experiment;
  try {
    exp = openExperiment(readTraceFolder(dir));
  } catch (e) {
    if (!(e instanceof CtfError)) throw e;
    return { error: e, events: 0, losses: [], warnings: [] };
  }
  let events = 0;
  const losses: LossRecord[] = [];
  let error: CtfError | null = null;
  try {
    exp.decode(
      () => events++,
      (l) => losses.push(l),
    );
  } catch (e) {
    if (!(e instanceof CtfError)) throw e;
    error = e;
  }
  return { error, events, losses, warnings: exp.warnings };
}

/** babeltrace2 refused, Strata said nothing: no error, no warning, no damaged loss record. */
export function isSilent(bt: Bt2Verdict, s: StrataVerdict): boolean {
  return bt.refused && s.error === null && s.warnings.length === 0 && !s.losses.some((l) => l.damaged);
}
