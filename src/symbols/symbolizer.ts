/**
 * From the binaries a trace names (path, build-id, debug link) and the files the user gave, to names and source
 * lines: each trace binary is matched to a dropped ELF by build-id, else by debug-link name (checked by CRC), else
 * by path suffix; a file whose build-id differs from the trace's is reported, never used.
 */
import { MemorySource, type ByteSource } from '../base/byte-source';
import { DwarfInfo, type SourceFrame } from './dwarf-info';
import { ElfFile, crc32Of, isElfMagic } from './elf';

/** A binary as the trace describes it (statedump `bin_info`/`build_id`/`debug_link`, `lttng_ust_dl:*`). */
export interface TraceBinary {
  path: string;
  buildId?: string;
  debugLink?: string;
  debugLinkCrc?: number;
}

export type NamedBy = 'DWARF' | 'symtab' | 'dynsym';

/** How one trace binary was (or was not) resolved, for the Symbols panel and `analyze --symbols`. */
export interface BinaryResolution {
  /** The file that named frames (the code binary, or its debug file when lines came from there). */
  file?: string;
  namedBy?: NamedBy;
  /** Why nothing (or not everything) could be named, and what to give. */
  problem?: string;
}

/** A resolved C frame: the function's (demangled) name, and its source chain, innermost first, when known. */
export interface ResolvedFrame {
  name: string;
  frames: SourceFrame[];
}

export interface SymbolFile {
  path: string;
  source: ByteSource;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Files that are ELF, by magic: everything else the user dropped is ignored here. */
export function elfFilesOf(files: Iterable<[string, Uint8Array]>): SymbolFile[] {
  const out: SymbolFile[] = [];
  for (const [path, data] of files) if (isElfMagic(data)) out.push({ path, source: new MemorySource(data) });
  return out;
}

/** Symbols and lines of one binary: its code file, and a separate debug file when there is one. */
export class BinarySymbols {
  private readonly dwarf: DwarfInfo | undefined;
  private readonly symbolFile: ElfFile;

  constructor(
    readonly code: ElfFile,
    readonly debug: ElfFile | undefined,
    private readonly demangle: (name: string) => string = (n) => n,
  ) {
    this.dwarf = (debug && DwarfInfo.of(debug)) ?? DwarfInfo.of(code);
    // A debug file keeps the full `.symtab` that the stripped code file lost.
    this.symbolFile = debug && debug.hasSymtab ? debug : code;
  }

  get namedBy(): NamedBy | undefined {
    if (this.dwarf?.hasLines) return 'DWARF';
    if (this.symbolFile.hasSymtab) return 'symtab';
    return this.symbolFile.functionSymbols().count > 0 ? 'dynsym' : undefined;
  }

  get namingFile(): ElfFile {
    return this.dwarf && this.debug && DwarfInfo.of(this.debug) ? this.debug : this.symbolFile;
  }

  /** vaddr of a trace offset: LTTng's offset is from the first PT_LOAD of a PIC object, else the address. */
  vaddrOf(offset: number, isPic: boolean): number {
    return isPic ? offset + this.code.firstLoadVaddr : offset;
  }

  /** Name and source chain at an ELF virtual address; undefined when no symbol or DWARF unit covers it. */
  resolve(vaddr: number): ResolvedFrame | undefined {
    const sym = this.symbolFile.functionAt(vaddr);
    let frames: SourceFrame[] = [];
    try {
      frames = this.dwarf?.lookup(vaddr) ?? [];
    } catch (e) {
      if (!(e instanceof Error)) throw e; // damaged DWARF: keep the symbol
    }
    // A line with no DWARF function around it (padding, assembly): named after the symbol before it, as addr2line does.
    if (frames.length === 1 && !frames[0].fn)
      frames[0] = { ...frames[0], fn: this.symbolFile.functionAt(vaddr, true)?.name ?? '' };
    frames = frames.map((f) => ({ ...f, fn: f.fn ? this.demangle(f.fn) : '' }));
    const outer = frames.length > 0 ? frames[frames.length - 1].fn : '';
    const name = sym ? this.demangle(sym.name) : outer;
    if (!name && frames.length === 0) return undefined;
    return { name: name || `0x${vaddr.toString(16)}`, frames };
  }
}

interface Candidate {
  file: SymbolFile;
  elf: ElfFile;
  buildId: string | undefined;
  hasDebug: boolean;
}

/** Every ELF file the user gave, indexed by build-id and file name; headers are read, sections only on use. */
export class SymbolLibrary {
  private readonly candidates: Candidate[] = [];
  private readonly crcMemo = new Map<Candidate, number>();
  /** Files that carry the ELF magic but could not be read, with why. */
  readonly unreadable: { path: string; reason: string }[] = [];

  constructor(
    files: SymbolFile[],
    private readonly demangle: (name: string) => string = (n) => n,
  ) {
    for (const file of files) {
      try {
        const elf = new ElfFile(file.source, file.path);
        this.candidates.push({
          file,
          elf,
          buildId: elf.buildId(),
          hasDebug: elf.hasSection('.debug_info') || elf.hasSection('.debug_line'),
        });
      } catch (e) {
        // Damaged headers: this file is left out (and listed), the others are still read.
        this.unreadable.push({ path: file.path, reason: e instanceof Error ? e.message : String(e) });
      }
    }
  }

  get size(): number {
    return this.candidates.length;
  }

  private crcOf(c: Candidate): number {
    let crc = this.crcMemo.get(c);
    if (crc === undefined) {
      crc = crc32Of(c.file.source);
      this.crcMemo.set(c, crc);
    }
    return crc;
  }

  /** The code and debug files of a trace binary, or why there are none. */
  match(bin: TraceBinary): { symbols?: BinarySymbols; resolution: BinaryResolution } {
    const name = baseName(bin.path);
    const byName = this.candidates.filter((c) => baseName(c.file.path) === name);
    let found: Candidate[] = [];
    if (bin.buildId) {
      found = this.candidates.filter((c) => c.buildId === bin.buildId);
      if (found.length === 0) {
        const wrong = byName.find((c) => c.buildId !== undefined);
        if (wrong) {
          return {
            resolution: {
              problem: `build-id mismatch: ${wrong.file.path} has ${wrong.buildId}, the trace recorded ${bin.buildId} (a rebuilt binary); give the file of that build`,
            },
          };
        }
      }
    }
    if (found.length === 0 && bin.debugLink) {
      const linkName = baseName(bin.debugLink);
      const linked = this.candidates.filter((c) => baseName(c.file.path) === linkName);
      const good = bin.debugLinkCrc === undefined ? linked : linked.filter((c) => this.crcOf(c) === bin.debugLinkCrc);
      if (linked.length > 0 && good.length === 0) {
        return {
          resolution: {
            problem: `debug-link CRC mismatch: ${linked[0].file.path} is not the debug file the trace's binary links to`,
          },
        };
      }
      found = good.filter((c) => !bin.buildId || c.buildId === undefined || c.buildId === bin.buildId);
    }
    if (found.length === 0 && !bin.buildId) {
      // Path suffix: the longest tail of the trace path that a given file's path ends with.
      let best = 0;
      for (const c of byName) {
        const n = commonSuffixParts(c.file.path, bin.path);
        if (n > best) {
          best = n;
          found = [c];
        } else if (n === best && n > 0) found.push(c);
      }
    }
    if (found.length === 0) {
      const wanted = bin.buildId ? `${name} (build-id ${bin.buildId})` : name;
      return {
        resolution: {
          problem: `no file given: drop ${wanted}${bin.debugLink ? ` or its debug file ${bin.debugLink}` : ''}`,
        },
      };
    }
    // The code file is the one with program headers that is not only debug info; a debug file beside it (same
    // build-id, or named by the code file's own .gnu_debuglink) gives lines and the full symbol table.
    const code = found.find((c) => !c.hasDebug) ?? found[0];
    let debug = found.find((c) => c !== code && c.hasDebug);
    if (!debug && !code.hasDebug) {
      const link = code.elf.debugLink();
      if (link) {
        debug = this.candidates.find(
          (c) =>
            c !== code &&
            baseName(c.file.path) === link.fileName &&
            (c.buildId === code.buildId || this.crcOf(c) === link.crc),
        );
      }
    }
    const symbols = new BinarySymbols(code.elf, debug?.elf, this.demangle);
    const namedBy = symbols.namedBy;
    if (!namedBy)
      return {
        symbols,
        resolution: {
          file: code.file.path,
          problem: `${code.file.path} is stripped and no debug file was given${bin.debugLink ? ` (drop ${bin.debugLink})` : ''}`,
        },
      };
    const resolution: BinaryResolution = {
      file: symbols.namingFile === debug?.elf ? debug.file.path : code.file.path,
      namedBy,
    };
    if (namedBy !== 'DWARF') resolution.problem = 'no line tables: build with -g, or drop the debug file too';
    return { symbols, resolution };
  }
}

function commonSuffixParts(a: string, b: string): number {
  const pa = a.split('/').filter(Boolean);
  const pb = b.split('/').filter(Boolean);
  let n = 0;
  while (n < pa.length && n < pb.length && pa[pa.length - 1 - n] === pb[pb.length - 1 - n]) n++;
  return n;
}
