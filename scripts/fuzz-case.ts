/**
 * One fuzz case through the page's own decode path (decodeFiles: open, decode, build the model), classified.
 * Run as a child process of scripts/fuzz.ts, which bounds each case's time and memory: a case never reports
 * 'hang' or 'oom' itself, its parent sees those from outside.
 */
import { decodeFiles } from '../src/worker-api/decode-service';
import { makeCase, type Entry } from './fuzz-mutate';

export type Outcome = 'error' | 'decoded' | 'crash' | 'hang' | 'oom';

export interface CaseResult {
  outcome: Outcome;
  /** The error shown to the user (clean errors), or the crash's stack. */
  message: string;
}

export function runEntries(entries: Entry[]): CaseResult {
  const paths = entries.map((e) => e.path);
  const datas = entries.map((e) => e.data);
  const traceDirs = [
    ...new Set(paths.filter((p) => p.endsWith('/metadata')).map((p) => p.slice(0, -'/metadata'.length))),
  ];
  try {
    const r = decodeFiles({
      label: 'fuzz',
      traceDirs,
      paths,
      datas,
      totalBytes: datas.reduce((n, d) => n + d.length, 0),
    });
    if (!r.ok) {
      // 'internal' is the viewer failing on its own code, not a clear message about the input.
      return r.failure.kind === 'internal'
        ? { outcome: 'crash', message: r.failure.message }
        : { outcome: 'error', message: r.failure.message };
    }
    if (r.value.partialFailure) return { outcome: 'error', message: `partial: ${r.value.partialFailure.message}` };
    return { outcome: 'decoded', message: `${r.value.model.threads.length} threads` };
  } catch (e) {
    return { outcome: 'crash', message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
}

export interface CaseRequest {
  seed: number;
  n: number;
}

if (process.send) {
  process.on('message', (msg: CaseRequest) => {
    const c = makeCase(msg.seed, msg.n);
    const r = runEntries(c.entries);
    process.send!({ n: msg.n, ...r });
  });
  process.send({ ready: true });
}
