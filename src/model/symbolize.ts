/**
 * Renaming offset-labelled C frames (`lib.so+0x12bb`) from the binaries' own ELF/DWARF symbols, one binary at a
 * time: the same path for the model worker (batches posted to the page as they resolve) and the CLI.
 */
import type { SymbolLibrary } from '../symbols/symbolizer';
import type { SourceLine, SymbolBinary, SymbolInfo, TraceModel } from './types';

/** What one binary's resolution changes: its status, and new names (and source chains) for its frames. */
export interface SymbolBatch {
  binary: number;
  resolution: NonNullable<SymbolBinary['resolution']>;
  /** Index into `SymbolInfo.frames`, new name, source chain. */
  frames: { frame: number; name: string; source: SourceLine[] }[];
}

/** Resolve each binary of `info` against the library; yields one batch per binary, in the order of `info`. */
export function* symbolizeBinaries(info: SymbolInfo, library: SymbolLibrary): Generator<SymbolBatch> {
  const framesOf = new Map<number, number[]>();
  info.frames.forEach((f, i) => {
    let list = framesOf.get(f.binary);
    if (!list) framesOf.set(f.binary, (list = []));
    list.push(i);
  });
  for (let b = 0; b < info.binaries.length; b++) {
    const bin = info.binaries[b];
    const pending = framesOf.get(b) ?? [];
    if (bin.path.startsWith('[')) {
      // [vdso], [vvar]: pseudo-objects with no file.
      yield {
        binary: b,
        resolution: bin.frames > 0 ? { named: 0, problem: 'a kernel-provided object: no file to read' } : { named: 0 },
        frames: [],
      };
      continue;
    }
    if (pending.length === 0 && bin.listing) {
      // Every frame was named by an nm listing while building: nothing left for the ELF files.
      yield { binary: b, resolution: { named: bin.frames, namedBy: 'nm listing', file: bin.listing }, frames: [] };
      continue;
    }
    yield resolveBinary(info, b, pending, library);
  }
}

function resolveBinary(info: SymbolInfo, b: number, pending: number[], library: SymbolLibrary): SymbolBatch {
  const bin = info.binaries[b];
  let file: string | undefined;
  try {
    const { symbols, resolution } = library.match(bin);
    file = resolution.file;
    // A binary no frame falls into needs no file: only say something when a given file is wrong for it.
    if (bin.frames === 0 && !symbols && resolution.problem?.startsWith('no file given')) delete resolution.problem;
    const out: SymbolBatch = { binary: b, resolution: { ...resolution, named: 0 }, frames: [] };
    if (symbols) {
      for (const i of pending) {
        const f = info.frames[i];
        const r = symbols.resolve(symbols.vaddrOf(f.offset, bin.isPic));
        if (!r) continue;
        out.frames.push({ frame: i, name: r.name, source: r.frames });
      }
      out.resolution.named = out.frames.length;
      if (pending.length > 0 && out.frames.length === 0 && !out.resolution.problem) {
        out.resolution.problem = `no symbol of ${resolution.file ?? 'the file'} covers the traced addresses (another build?)`;
      }
    }
    return out;
  } catch (err) {
    // A damaged file names nothing for its binary, and says so; the other binaries go on.
    const why = err instanceof Error ? err.message : String(err);
    return {
      binary: b,
      resolution: { named: 0, file, problem: `could not read ${file ?? 'the symbol file'}: ${why}` },
      frames: [],
    };
  }
}

/** Apply a batch to a model: labels renamed in place in `strings` (every slice using them follows). */
export function applySymbolBatch(model: TraceModel, batch: SymbolBatch): void {
  const info = model.symbols;
  if (!info) return;
  info.binaries[batch.binary].resolution = batch.resolution;
  for (const f of batch.frames) {
    const frame = info.frames[f.frame];
    model.strings[frame.label] = f.name;
    frame.source = f.source;
  }
}

/** Resolve every binary now (CLI, tests). */
export function symbolizeModel(model: TraceModel, library: SymbolLibrary): void {
  if (!model.symbols) return;
  for (const batch of symbolizeBinaries(model.symbols, library)) applySymbolBatch(model, batch);
}

/** The resolution table: one line per binary (what `analyze --symbols` prints and the Symbols panel shows). */
export function formatSymbolTable(info: SymbolInfo | undefined): string {
  if (!info || info.binaries.length === 0)
    return 'symbols: the trace maps no binary (no lttng_ust_statedump / lttng_ust_dl events)';
  const lines = ['symbols:'];
  for (const b of [...info.binaries].sort((x, y) => y.frames - x.frames)) {
    const r = b.resolution;
    const how = !r
      ? 'not looked up'
      : r.namedBy
        ? `${r.named} named by ${r.namedBy} of ${r.file}`
        : b.frames === 0
          ? 'no frames'
          : '';
    const problem = r?.problem ? `${how ? '; ' : ''}${r.problem}` : '';
    lines.push(`  ${b.path}  build-id ${b.buildId ?? '-'}  ${b.frames} frames  ${how}${problem}`);
  }
  return lines.join('\n');
}
