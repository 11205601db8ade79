/**
 * Naming of C frames (digest 6.2): per-vpid binary mappings from the UST statedump (`bin_info`, `build_id`,
 * `debug_link`) and `lttng_ust_dl` events, plus nm-style symbol files ("address type name" per line). Frames that
 * no listing names are labelled `lib.so+0xoffset` and recorded (binary, offset) in `SymbolInfo`, so that the
 * binaries' own ELF/DWARF symbols (src/symbols, resolved after the model is built) can rename them in place.
 */
import type { SymbolBinary, SymbolFrame, SymbolInfo } from './types';

/** Sorted function symbols of one nm-style file. */
export class SymbolTable {
  readonly addrs: Float64Array;
  readonly names: string[];
  /** Whether each entry is a text (function) symbol; others only bound the previous function. */
  private readonly isText: Uint8Array;

  constructor(entries: { addr: number; type: string; name: string }[]) {
    entries.sort((a, b) => a.addr - b.addr);
    this.addrs = new Float64Array(entries.length);
    this.isText = new Uint8Array(entries.length);
    this.names = [];
    entries.forEach((e, i) => {
      this.addrs[i] = e.addr;
      this.isText[i] = e.type === 't' || e.type === 'T' || e.type === 'w' || e.type === 'W' ? 1 : 0;
      this.names.push(e.name);
    });
  }

  /** Parse `nm` output: "00000000004033a7 t draw" (undefined symbols without an address are skipped). */
  static parseNm(text: string): SymbolTable {
    const entries: { addr: number; type: string; name: string }[] = [];
    for (const line of text.split('\n')) {
      const m = /^\s*([0-9a-fA-F]+)\s+(\S)\s+(\S.*?)\s*$/.exec(line);
      if (!m) continue;
      entries.push({ addr: parseInt(m[1], 16), type: m[2], name: m[3] });
    }
    return new SymbolTable(entries);
  }

  get size(): number {
    return this.addrs.length;
  }

  /** Function containing addr: the last symbol <= addr, if it is a text symbol and not the table's last one. */
  lookup(addr: number): string | undefined {
    const a = this.addrs;
    let lo = 0;
    let hi = a.length - 1;
    if (hi < 0 || addr < a[0]) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (a[mid] <= addr) lo = mid;
      else hi = mid - 1;
    }
    // Beyond the last symbol we cannot tell where the function ends: likely another binary.
    if (lo === a.length - 1 && addr !== a[lo]) return undefined;
    return this.isText[lo] ? this.names[lo] : undefined;
  }
}

export interface BinMapping {
  baddr: number;
  memsz: number;
  path: string;
  isPic: boolean;
  buildId?: string;
  debugLink?: string;
  debugLinkCrc?: number;
}

function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i >= 0 ? path.slice(i + 1) : path;
}

function stem(fileName: string): string {
  return baseName(fileName).replace(/\.(nm|txt|syms?|map)$/i, '');
}

interface ProcessMaps {
  /** Live mappings sorted by baddr. */
  maps: BinMapping[];
  /** addr -> resolved name and binary (-1: none); cleared whenever the mappings change. */
  cache: Map<number, Named>;
}

interface Named {
  name: string;
  binary: number;
}

export class SymbolResolver {
  private readonly byVpid = new Map<number, ProcessMaps>();
  /** Tables of symbol files named after a binary ("libfoo.so.nm"): looked up by offset in that binary. */
  private readonly byBinary = new Map<string, SymbolTable>();
  /** Every symbol file, looked up with absolute addresses (non-PIE executables, as cyg-profile-mapping.txt). */
  private readonly absolute: SymbolTable[] = [];
  /** File name of each listing, to say what named a binary's frames. */
  private readonly listingName = new Map<SymbolTable, string>();
  private readonly noVpidCache = new Map<number, Named>();
  /** Binaries frames fell into, by path + build-id. */
  private readonly binaries: SymbolBinary[] = [];
  private readonly binaryIndex = new Map<string, number>();
  /** Every mapping ever announced (build-id and debug link filled in later), so frameless binaries are listed too. */
  private readonly announced: BinMapping[] = [];
  /** Offset labels waiting for ELF symbols: label -> (binary, offset). */
  private readonly pending = new Map<string, { binary: number; offset: number }>();
  /** Names given by a listing -> the binary they came from (-1 when the same name came from several). */
  private readonly listedIn = new Map<string, number>();

  constructor(symbolFiles?: Map<string, string>) {
    if (symbolFiles) {
      for (const [file, text] of symbolFiles) {
        const table = SymbolTable.parseNm(text);
        if (table.size === 0) continue;
        this.absolute.push(table);
        this.byBinary.set(stem(file), table);
        this.listingName.set(table, file);
      }
    }
  }

  private proc(vpid: number): ProcessMaps {
    let p = this.byVpid.get(vpid);
    if (!p) {
      p = { maps: [], cache: new Map() };
      this.byVpid.set(vpid, p);
    }
    return p;
  }

  /** `lttng_ust_statedump:start`: the process re-announces (or exec'd): forget what we knew of it. */
  resetProcess(vpid: number): void {
    const p = this.proc(vpid);
    p.maps = [];
    p.cache.clear();
  }

  addMapping(vpid: number, m: BinMapping): void {
    this.announced.push(m);
    const p = this.proc(vpid);
    const i = p.maps.findIndex((x) => x.baddr === m.baddr);
    if (i >= 0) p.maps.splice(i, 1);
    p.maps.push(m);
    p.maps.sort((a, b) => a.baddr - b.baddr);
    p.cache.clear();
  }

  setBuildId(vpid: number, baddr: number, buildId: string): void {
    const m = this.byVpid.get(vpid)?.maps.find((x) => x.baddr === baddr);
    if (m) m.buildId = buildId;
  }

  setDebugLink(vpid: number, baddr: number, file: string, crc?: number): void {
    const m = this.byVpid.get(vpid)?.maps.find((x) => x.baddr === baddr);
    if (m) {
      m.debugLink = file;
      if (crc !== undefined && Number.isFinite(crc)) m.debugLinkCrc = crc;
    }
  }

  removeMapping(vpid: number, baddr: number): void {
    const p = this.byVpid.get(vpid);
    if (!p) return;
    const i = p.maps.findIndex((x) => x.baddr === baddr);
    if (i >= 0) {
      p.maps.splice(i, 1);
      p.cache.clear();
    }
  }

  /** Mapping containing addr in process vpid: the largest baddr <= addr, with addr < baddr + memsz. */
  findMapping(vpid: number, addr: number): BinMapping | undefined {
    const maps = this.byVpid.get(vpid)?.maps;
    if (!maps) return undefined;
    let found: BinMapping | undefined;
    for (const m of maps) {
      if (m.baddr <= addr) found = m;
      else break;
    }
    return found && addr < found.baddr + found.memsz ? found : undefined;
  }

  /** Name of a C frame: symbol, else `binary+0xoffset`, else `0x<addr>`. vpid < 0 when unknown. */
  resolve(vpid: number, addr: number): string {
    const cache = vpid >= 0 ? this.proc(vpid).cache : this.noVpidCache;
    let named = cache.get(addr);
    if (named === undefined) {
      named = this.resolveUncached(vpid, addr);
      cache.set(addr, named);
    }
    if (named.binary >= 0) this.binaries[named.binary].frames++;
    return named.name;
  }

  private binaryOf(m: BinMapping): number {
    const key = `${m.path}\0${m.buildId ?? ''}`;
    let i = this.binaryIndex.get(key);
    if (i === undefined) {
      i = this.binaries.length;
      const b: SymbolBinary = { path: m.path, isPic: m.isPic, frames: 0 };
      if (m.buildId) b.buildId = m.buildId;
      if (m.debugLink) b.debugLink = m.debugLink;
      if (m.debugLinkCrc !== undefined) b.debugLinkCrc = m.debugLinkCrc;
      this.binaries.push(b);
      this.binaryIndex.set(key, i);
    }
    return i;
  }

  private resolveUncached(vpid: number, addr: number): Named {
    const m = vpid >= 0 ? this.findMapping(vpid, addr) : undefined;
    const binary = m ? this.binaryOf(m) : -1;
    if (m) {
      const offset = m.isPic ? addr - m.baddr : addr;
      const table =
        this.byBinary.get(baseName(m.path)) ?? (m.debugLink ? this.byBinary.get(stem(m.debugLink)) : undefined);
      const sym = table?.lookup(offset);
      if (sym !== undefined) return this.namedByListing(sym, binary, table!);
    }
    for (const t of this.absolute) {
      const sym = t.lookup(addr);
      if (sym !== undefined) return this.namedByListing(sym, binary, t);
    }
    if (m) {
      const name = `${baseName(m.path)}+0x${(addr - m.baddr).toString(16)}`;
      if (!this.pending.has(name)) this.pending.set(name, { binary, offset: m.isPic ? addr - m.baddr : addr });
      return { name, binary };
    }
    return { name: `0x${addr.toString(16)}`, binary };
  }

  private namedByListing(name: string, binary: number, table: SymbolTable): Named {
    if (binary >= 0) {
      this.binaries[binary].listing ??= this.listingName.get(table);
      const seen = this.listedIn.get(name);
      this.listedIn.set(name, seen === undefined || seen === binary ? binary : -1);
    }
    return { name, binary };
  }

  /** Every binary the trace maps and the offset-named frames, labels as string indices (undefined: no binary). */
  symbolInfo(intern: (s: string) => number): SymbolInfo | undefined {
    for (const m of this.announced) this.binaryOf(m);
    if (this.binaries.length === 0) return undefined;
    const frames: SymbolFrame[] = [];
    for (const [label, p] of this.pending) frames.push({ label: intern(label), binary: p.binary, offset: p.offset });
    const named: SymbolInfo['named'] = [];
    for (const [name, binary] of this.listedIn) if (binary >= 0) named.push({ label: intern(name), binary });
    return { binaries: this.binaries.map((b) => ({ ...b })), frames, named };
  }
}
