/**
 * `npm run analyze -- PATH [--json] [--symbols FILE]... [--top N]`
 *
 * Decodes the trace(s) under PATH with the project's decoder, builds the analysis model and prints, per thread:
 * call slices, max depth, top functions by self time, syscall counts with min/mean/max duration, thread state
 * totals. `--json` prints the same as JSON. `--symbols FILE` adds an nm-style mapping file to name C frames.
 * `--reference NAME` builds the model from a corpus trace's reference decoding (babeltrace2) instead, to compare.
 * `--from T`, `--to T` (after the trace start: 3.5ms, 120us, 2s, ns) and `--thread TID` (repeatable) print the
 * analysis panel's figures for that selection instead (src/analysis: the same computation as the panel).
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openExperiment } from '../src/ctf/index';
import { readTraceFolder } from '../src/ctf/node-fs';
import { ModelBuilder, buildModel, formatSummary, summarizeModel, type ModelSummary } from '../src/model/index';
import type { TraceModel } from '../src/model/types';
import { analyzeSelection, type SelectionAnalysis } from '../src/analysis/selection';
import { formatSelection, parseDurationArg, selectionJson } from '../src/analysis/text';

export interface AnalyzeOptions {
  path?: string;
  reference?: string;
  json: boolean;
  symbols: string[];
  top: number;
  fromNs?: number;
  toNs?: number;
  threads: number[];
}

const USAGE =
  'usage: npm run analyze -- PATH [--json] [--symbols FILE]... [--top N] [--from T] [--to T] [--thread TID]... | --reference CORPUS_TRACE_NAME';

export function parseArgs(argv: string[]): AnalyzeOptions {
  const opts: AnalyzeOptions = { json: false, symbols: [], top: 5, threads: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--symbols') opts.symbols.push(argv[++i] ?? '');
    else if (a === '--top') opts.top = Number(argv[++i]);
    else if (a === '--reference') opts.reference = argv[++i];
    else if (a === '--from') opts.fromNs = parseDurationArg(argv[++i] ?? '');
    else if (a === '--to') opts.toNs = parseDurationArg(argv[++i] ?? '');
    else if (a === '--thread') opts.threads.push(Number(argv[++i]));
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else if (opts.path === undefined) opts.path = a;
    else throw new Error(`more than one PATH\n${USAGE}`);
  }
  if ((opts.path === undefined) === (opts.reference === undefined)) throw new Error(USAGE);
  if (opts.symbols.some((s) => s === '')) throw new Error(`--symbols needs a file\n${USAGE}`);
  if (!(opts.top >= 0)) throw new Error(`--top needs a number\n${USAGE}`);
  if (opts.threads.some((t) => !Number.isInteger(t))) throw new Error(`--thread needs a tid\n${USAGE}`);
  return opts;
}

function symbolFiles(paths: string[]): Map<string, string> {
  return new Map(paths.map((p) => [basename(p), readFileSync(p, 'utf8')]));
}

export function modelOfFolder(path: string, symbols: Map<string, string>): TraceModel {
  const traces = readTraceFolder(resolve(path));
  if (traces.length === 0) throw new Error(`no trace (no metadata file) under ${path}`);
  const { model, decodeError } = buildModel(openExperiment(traces), { symbolFiles: symbols });
  if (decodeError !== undefined) throw decodeError;
  return model;
}

async function modelOfReference(name: string, symbols: Map<string, string>): Promise<TraceModel> {
  // Test utility, loaded only for this mode.
  const { referenceTrace } = await import('../src/test-utils/reference-events');
  const ref = referenceTrace(name);
  const builder = new ModelBuilder({ sources: ref.sources, originNs: ref.originNs, symbolFiles: symbols });
  for (const e of ref.events) builder.addEvent(e);
  for (const l of ref.losses) builder.addLoss(l);
  return builder.finish();
}

async function modelOf(opts: AnalyzeOptions): Promise<TraceModel> {
  const symbols = symbolFiles(opts.symbols);
  return opts.reference !== undefined ? await modelOfReference(opts.reference, symbols) : modelOfFolder(opts.path!, symbols);
}

export async function analyze(opts: AnalyzeOptions): Promise<ModelSummary> {
  return summarizeModel(await modelOf(opts), opts.top);
}

const wantsSelection = (o: AnalyzeOptions) => o.fromNs !== undefined || o.toNs !== undefined || o.threads.length > 0;

/** The analysis panel's figures for --from/--to/--thread (times after the trace start; tids). */
export function selectionOf(model: TraceModel, opts: AnalyzeOptions): SelectionAnalysis {
  const threads = opts.threads.map((tid) => {
    const i = model.threads.findIndex((t) => t.tid === tid && t.cpuRow === undefined);
    if (i < 0) throw new Error(`no thread with tid ${tid}`);
    return i;
  });
  return analyzeSelection(model, {
    startNs: model.startNs + (opts.fromNs ?? 0),
    endNs: opts.toNs !== undefined ? model.startNs + opts.toNs : model.endNs,
    threads: threads.length > 0 ? threads : null,
    perThread: false,
  });
}

async function main(): Promise<void> {
  let opts: AnalyzeOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  try {
    if (wantsSelection(opts)) {
      const model = await modelOf(opts);
      const a = selectionOf(model, opts);
      process.stdout.write(opts.json ? `${JSON.stringify(selectionJson(a), null, 2)}\n` : `${formatSelection(model, a, opts.top)}\n`);
      return;
    }
    const summary = await analyze(opts);
    process.stdout.write(opts.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatSummary(summary)}\n`);
  } catch (e) {
    process.stderr.write(`analyze: ${(e as Error).message}\n`);
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main();
