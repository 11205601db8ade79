/**
 * `npm run analyze -- PATH [--json] [--symbols FILE]... [--top N]`
 *
 * Decodes the trace(s) under PATH with the project's decoder, builds the analysis model and prints, per thread:
 * call slices, max depth, top functions by self time, syscall counts with min/mean/max duration, thread state
 * totals. `--json` prints the same as JSON. `--symbols FILE` adds an nm-style mapping file to name C frames.
 * `--reference NAME` builds the model from a corpus trace's reference decoding (babeltrace2) instead, to compare.
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTraceFolder } from '../src/ctf/node-fs';
import { formatSummary, modelFromEvents, summarizeModel, type ModelSummary } from '../src/model/index';
import { decodeFiles } from '../src/worker-api/decode-service';
import type { FileData } from '../src/worker-api/protocol';
import { SYMBOLS_PREFIX } from '../src/worker-api/unpack-service';
import type { TraceModel } from '../src/model/types';

export interface AnalyzeOptions {
  path?: string;
  reference?: string;
  json: boolean;
  symbols: string[];
  top: number;
}

const USAGE = 'usage: npm run analyze -- PATH [--json] [--symbols FILE]... [--top N] | --reference CORPUS_TRACE_NAME';

export function parseArgs(argv: string[]): AnalyzeOptions {
  const opts: AnalyzeOptions = { json: false, symbols: [], top: 5 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--symbols') opts.symbols.push(argv[++i] ?? '');
    else if (a === '--top') opts.top = Number(argv[++i]);
    else if (a === '--reference') opts.reference = argv[++i];
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else if (opts.path === undefined) opts.path = a;
    else throw new Error(`more than one PATH\n${USAGE}`);
  }
  if ((opts.path === undefined) === (opts.reference === undefined)) throw new Error(USAGE);
  if (opts.symbols.some((s) => s === '')) throw new Error(`--symbols needs a file\n${USAGE}`);
  if (!(opts.top >= 0)) throw new Error(`--top needs a number\n${USAGE}`);
  return opts;
}

function symbolFiles(paths: string[]): Map<string, string> {
  return new Map(paths.map((p) => [basename(p), readFileSync(p, 'utf8')]));
}

export function modelOfFolder(path: string, symbols: Map<string, string>): TraceModel {
  const traces = readTraceFolder(resolve(path));
  if (traces.length === 0) throw new Error(`no trace (no metadata file) under ${path}`);
  // The files as the page's loader hands them over: one path for every consumer (pool of one part here).
  const paths: string[] = [];
  // Files stay on disk (NodeFileSource): streams are read a packet at a time, metadata whole where it is parsed.
  const datas: FileData[] = [];
  for (const t of traces) {
    for (const [f, bytes] of t.files) {
      paths.push(t.name === '' ? f : `${t.name}/${f}`);
      datas.push(bytes);
    }
  }
  const enc = new TextEncoder();
  for (const [name, text] of symbols) {
    paths.push(SYMBOLS_PREFIX + name);
    datas.push(enc.encode(text));
  }
  const r = decodeFiles({ label: basename(path), traceDirs: traces.map((t) => t.name), paths, datas, totalBytes: 0 });
  if (!r.ok) throw new Error(r.failure.message);
  if (r.value.partialFailure) throw new Error(r.value.partialFailure.message);
  return r.value.model;
}

async function modelOfReference(name: string, symbols: Map<string, string>): Promise<TraceModel> {
  // Test utility, loaded only for this mode.
  const { referenceTrace } = await import('../src/fixtures/reference-events');
  const ref = referenceTrace(name);
  return modelFromEvents({ sources: ref.sources, originNs: ref.originNs, symbolFiles: symbols }, (p) => {
    for (const e of ref.events) p.addEvent(e);
    for (const l of ref.losses) p.addLoss(l);
  });
}

export async function analyze(opts: AnalyzeOptions): Promise<ModelSummary> {
  const symbols = symbolFiles(opts.symbols);
  const model = opts.reference !== undefined ? await modelOfReference(opts.reference, symbols) : modelOfFolder(opts.path!, symbols);
  return summarizeModel(model, opts.top);
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
    const summary = await analyze(opts);
    process.stdout.write(opts.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatSummary(summary)}\n`);
  } catch (e) {
    process.stderr.write(`analyze: ${(e as Error).message}\n`);
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main();
