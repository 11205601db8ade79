/**
 * `npm run analyze -- PATH [--json] [--symbols FILE]... [--top N]`
 *
 * Decodes the trace(s) under PATH with the project's decoder, builds the analysis model and prints, per thread:
 * call slices, max depth, top functions by self time, syscall counts with min/mean/max duration, thread state
 * totals. `--json` prints the same as JSON. `--symbols PATH` (files or folders, repeatable) names C frames: ELF
 * binaries and debug files (found by their magic, matched to the trace's binaries by build-id, debug link, path)
 * and nm-style listings; the resolution table (which file named each binary, or why none did) is printed too.
 * `--reference NAME` builds the model from a corpus trace's reference decoding (babeltrace2) instead, to compare.
 * `--from T`, `--to T` (after the trace start: 3.5ms, 120us, 2s, ns) and `--thread TID` (repeatable) print the
 * analysis panel's figures for that selection instead (src/analysis: the same computation as the panel).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTraceFolder } from '../src/ctf/node-fs';
import { formatSummary, modelFromEvents, summarizeModel, type ModelSummary } from '../src/model/index';
import { decodeFiles } from '../src/worker-api/decode-service';
import type { FileData } from '../src/worker-api/protocol';
import { SYMBOLS_PREFIX } from '../src/worker-api/unpack-service';
import type { SymbolBinary, TraceModel } from '../src/model/types';
import { formatSymbolTable, symbolizeModel } from '../src/model/symbolize';
import { isElfMagic } from '../src/symbols/elf';
import { SymbolLibrary, type SymbolFile } from '../src/symbols/symbolizer';
import { fileSource } from '../src/symbols/node-source';
import { loadDemanglerNode } from '../src/symbols/demangle-node';
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
  'usage: npm run analyze -- PATH [--json] [--symbols FILE_OR_FOLDER...]... [--top N] [--from T] [--to T] [--thread TID]... | --reference CORPUS_TRACE_NAME';

export function parseArgs(argv: string[]): AnalyzeOptions {
  const opts: AnalyzeOptions = { json: false, symbols: [], top: 5, threads: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--symbols') {
      // `--symbols A B C`: every path up to the next option (TRACE comes first).
      opts.symbols.push(argv[++i] ?? '');
      while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) opts.symbols.push(argv[++i]);
    } else if (a === '--top') opts.top = Number(argv[++i]);
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

const NM_LISTING = /(\.(nm|map|sym|syms)|mapping.*\.txt)$/i;

/** ELF files (by magic) and nm listings under the given files and folders; a file named directly is a listing if not ELF. */
function symbolInputs(paths: string[]): { listings: Map<string, string>; elves: SymbolFile[] } {
  const listings = new Map<string, string>();
  const elves: SymbolFile[] = [];
  const visit = (path: string, named: boolean) => {
    const st = statSync(path);
    if (st.isDirectory()) {
      for (const ent of readdirSync(path)) visit(join(path, ent), false);
      return;
    }
    if (!st.isFile()) return;
    const source = fileSource(path);
    if (isElfMagic(source.read(0, 4))) elves.push({ path, source });
    else {
      source.close();
      if (named || NM_LISTING.test(path)) listings.set(path, readFileSync(path, 'utf8'));
    }
  };
  for (const p of paths) visit(p, true);
  return { listings, elves };
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

export type AnalyzeResult = ModelSummary & { symbols?: SymbolBinary[] };

async function modelOf(opts: AnalyzeOptions): Promise<TraceModel> {
  const { listings, elves } = symbolInputs(opts.symbols);
  const model =
    opts.reference !== undefined
      ? await modelOfReference(opts.reference, listings)
      : modelOfFolder(opts.path!, listings);
  if (model.symbols) symbolizeModel(model, new SymbolLibrary(elves, await loadDemanglerNode()));
  return model;
}

export async function analyze(opts: AnalyzeOptions): Promise<AnalyzeResult> {
  const model = await modelOf(opts);
  const summary: AnalyzeResult = summarizeModel(model, opts.top);
  if (opts.symbols.length > 0) summary.symbols = model.symbols?.binaries ?? [];
  return summary;
}

export function formatAnalyze(result: AnalyzeResult): string {
  const text = formatSummary(result);
  return result.symbols ? `${text}\n${formatSymbolTable({ binaries: result.symbols, frames: [] })}` : text;
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
      process.stdout.write(
        opts.json ? `${JSON.stringify(selectionJson(a), null, 2)}\n` : `${formatSelection(model, a, opts.top)}\n`,
      );
      return;
    }
    const summary = await analyze(opts);
    process.stdout.write(opts.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatAnalyze(summary)}\n`);
  } catch (e) {
    process.stderr.write(`analyze: ${(e as Error).message}\n`);
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main();
