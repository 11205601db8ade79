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
  /** Per binary: `clock` when it was first met and when its listing was set (to join partitions: SymbolPart). */
  private readonly binaryAt: number[] = [];
  private readonly listingAt: number[] = [];
  /**
   * The builder's event number, set before each resolve: the order in which things are first met, so that the
   * partitions of a model (builder.ts) join into what one builder would have made.
   */
  clock = 0;
  /** Every mapping ever announced (build-id and debug link filled in later), so frameless binaries are listed too. */
  private readonly announced: BinMapping[] = [];
  /** Offset labels waiting for ELF symbols: label -> (binary, offset). */
  private readonly pending = new Map<string, { binary: number; offset: number; at: number }>();
  /** Names given by a listing -> the binary they came from (-1 when the same name came from several). */
  private readonly listedIn = new Map<string, number>();
  private readonly listedAt = new Map<string, number>();

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

  private binaryOf(m: BinMapping, at = this.clock): number {
    const key = `${m.path}\0${m.buildId ?? ''}`;
    let i = this.binaryIndex.get(key);
    if (i === undefined) {
      this.binaryAt.push(at);
      this.listingAt.push(Infinity);
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
      if (!this.pending.has(name))
        this.pending.set(name, { binary, offset: m.isPic ? addr - m.baddr : addr, at: this.clock });
      return { name, binary };
    }
    return { name: `0x${addr.toString(16)}`, binary };
  }

  private namedByListing(name: string, binary: number, table: SymbolTable): Named {
    if (binary >= 0) {
      const b = this.binaries[binary];
      if (b.listing === undefined) {
        b.listing = this.listingName.get(table);
        this.listingAt[binary] = this.clock;
      }
      const seen = this.listedIn.get(name);
      if (seen === undefined) this.listedAt.set(name, this.clock);
      this.listedIn.set(name, seen === undefined || seen === binary ? binary : -1);
    }
    return { name, binary };
  }

  /**
   * What this resolver met, each with the clock it was first met at: joined with the other partitions' by
   * joinSymbols. Binaries announced but never met are added after every event, in the order announced.
   */
  part(): SymbolPart {
    this.announced.forEach((m, i) => this.binaryOf(m, AFTER_EVENTS + i));
    return {
      binaries: this.binaries.map((b, i) => ({
        key: `${b.path}\0${b.buildId ?? ''}`,
        at: this.binaryAt[i],
        listingAt: this.listingAt[i],
        binary: { ...b },
      })),
      frames: [...this.pending].map(([label, p]) => ({ label, binary: p.binary, offset: p.offset, at: p.at })),
      listed: [...this.listedIn].map(([name, binary]) => ({ name, binary, at: this.listedAt.get(name)! })),
    };
  }
}

/** Clock of what is met after the last event (a real clock is an event number, far below). */
const AFTER_EVENTS = 2 ** 50;

/** One resolver's binaries, offset labels and listing names, each with the clock it was first met at. */
export interface SymbolPart {
  binaries: { key: string; at: number; listingAt: number; binary: SymbolBinary }[];
  frames: { label: string; binary: number; offset: number; at: number }[];
  listed: { name: string; binary: number; at: number }[];
}

const byAt = (a: { at: number }, b: { at: number }): number => a.at - b.at;

/**
 * The SymbolInfo one resolver would have made from the resolves of all the parts: binaries in the order first
 * met, their frame counts summed, the earliest listing; labels as string indices (`intern`). Within a part the
 * clocks never decrease and one event's resolve happens in one part only, so ordering by clock is exact.
 */
export function joinSymbols(parts: SymbolPart[], intern: (s: string) => number): SymbolInfo | undefined {
  const binaries: SymbolBinary[] = [];
  const byKey = new Map<string, number>();
  const listingAt: number[] = [];
  const remaps = parts.map((p) => new Int32Array(p.binaries.length));
  const firsts = parts
    .flatMap((p, j) => p.binaries.map((b, i) => ({ ...b, j, i })))
    .sort((a, b) => a.at - b.at || a.j - b.j);
  for (const b of firsts) {
    let g = byKey.get(b.key);
    if (g === undefined) {
      g = binaries.length;
      byKey.set(b.key, g);
      binaries.push({ ...b.binary, frames: 0 });
      delete binaries[g].listing;
      listingAt.push(Infinity);
    }
    remaps[b.j][b.i] = g;
    binaries[g].frames += b.binary.frames;
    if (b.binary.listing !== undefined && b.listingAt < listingAt[g]) {
      binaries[g].listing = b.binary.listing;
      listingAt[g] = b.listingAt;
    }
  }
  if (binaries.length === 0) return undefined;
  const frames: SymbolFrame[] = [];
  const framed = new Set<string>();
  for (const f of parts.flatMap((p, j) => p.frames.map((x) => ({ ...x, binary: remaps[j][x.binary] }))).sort(byAt)) {
    if (framed.has(f.label)) continue;
    framed.add(f.label);
    frames.push({ label: intern(f.label), binary: f.binary, offset: f.offset });
  }
  const listed = new Map<string, number>();
  for (const l of parts
    .flatMap((p, j) => p.listed.map((x) => ({ ...x, binary: x.binary < 0 ? -1 : remaps[j][x.binary] })))
    .sort(byAt)) {
    const seen = listed.get(l.name);
    listed.set(l.name, seen === undefined || seen === l.binary ? l.binary : -1);
  }
  const named: SymbolInfo['named'] = [];
  for (const [name, binary] of listed) if (binary >= 0) named.push({ label: intern(name), binary });
  return { binaries, frames, named };
}
