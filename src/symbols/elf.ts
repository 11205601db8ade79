/**
 * ELF reader (System V gABI, ELF32/ELF64, either byte order): headers, sections read on demand from a
 * `ByteSource`, function symbols of `.symtab`/`.dynsym` with their sizes, the GNU build-id note and
 * `.gnu_debuglink`. Compressed debug sections (SHF_COMPRESSED, zlib) are inflated with fflate.
 */
import { unzlibSync } from 'fflate';
import { crc32Update } from '../base/crc32';
import type { ByteSource } from '../base/byte-source';

export class ElfError extends Error {}

const SHT_SYMTAB = 2;
const SHT_NOTE = 7;
const SHT_NOBITS = 8;
const SHT_DYNSYM = 11;
const SHF_COMPRESSED = 0x800;
const PT_LOAD = 1;
const ET_DYN = 3;
const STT_FUNC = 2;
const STT_GNU_IFUNC = 10;
const NT_GNU_BUILD_ID = 3;
const ELFCOMPRESS_ZLIB = 1;

/** True when the first bytes are the ELF magic (0x7f 'E' 'L' 'F'): files are recognised by content, not name. */
export function isElfMagic(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
}

export interface ElfSection {
  name: string;
  type: number;
  flags: number;
  addr: number;
  offsetBytes: number;
  sizeBytes: number;
  link: number;
  entSizeBytes: number;
}

/** Function symbols sorted by address: parallel columns, one entry per distinct start address. */
export interface FunctionSymbols {
  count: number;
  addr: Float64Array;
  /** 0 when the symbol table gave no size (then it ends at the next symbol). */
  sizeBytes: Float64Array;
  /** Raw (mangled) names. */
  names: string[];
  /** Which table each came from. */
  fromSymtab: Uint8Array;
}

/** Little readers over one buffer in the file's byte order and word size. */
class Fields {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
    readonly is64: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u8(o: number): number {
    return this.bytes[o];
  }
  u16(o: number): number {
    return this.view.getUint16(o, this.littleEndian);
  }
  u32(o: number): number {
    return this.view.getUint32(o, this.littleEndian);
  }
  u64(o: number): number {
    const lo = this.view.getUint32(o + (this.littleEndian ? 0 : 4), this.littleEndian);
    const hi = this.view.getUint32(o + (this.littleEndian ? 4 : 0), this.littleEndian);
    return hi * 0x100000000 + lo;
  }
  /** Address-sized word. */
  word(o: number): number {
    return this.is64 ? this.u64(o) : this.u32(o);
  }
}

export function cString(bytes: Uint8Array, start: number): string {
  let end = start;
  while (end < bytes.length && bytes[end] !== 0) end++;
  return utf8.decode(bytes.subarray(start, end));
}
const utf8 = new TextDecoder();

export class ElfFile {
  readonly littleEndian: boolean;
  readonly is64: boolean;
  /** ET_EXEC (2), ET_DYN (3: shared objects and PIE), ... */
  readonly type: number;
  readonly machine: number;
  readonly sections: ElfSection[];
  /** p_vaddr of the first PT_LOAD: LTTng's baddr is the load address of this one, so vaddr = offset + this. */
  readonly firstLoadVaddr: number;
  private readonly sectionCache = new Map<string, Uint8Array | undefined>();
  private symbolsMemo: FunctionSymbols | undefined;

  constructor(
    readonly source: ByteSource,
    readonly name: string,
  ) {
    const ident = source.read(0, 64);
    if (!isElfMagic(ident)) throw new ElfError(`${name}: not an ELF file`);
    if (ident[4] !== 1 && ident[4] !== 2) throw new ElfError(`${name}: unknown ELF class ${ident[4]}`);
    if (ident[5] !== 1 && ident[5] !== 2) throw new ElfError(`${name}: unknown ELF data encoding ${ident[5]}`);
    this.is64 = ident[4] === 2;
    this.littleEndian = ident[5] === 1;
    const h = this.fields(ident);
    if (ident.length < (this.is64 ? 64 : 52)) throw new ElfError(`${name}: ELF header truncated`);
    this.type = h.u16(16);
    this.machine = h.u16(18);
    const phoff = h.word(this.is64 ? 32 : 28);
    const shoff = h.word(this.is64 ? 40 : 32);
    const phentsize = h.u16(this.is64 ? 54 : 42);
    const phnum = h.u16(this.is64 ? 56 : 44);
    const shentsize = h.u16(this.is64 ? 58 : 46);
    let shnum = h.u16(this.is64 ? 60 : 48);
    let shstrndx = h.u16(this.is64 ? 62 : 50);

    this.firstLoadVaddr = 0;
    if (phnum > 0 && phentsize > 0) {
      const ph = this.fields(this.readChecked(phoff, phnum * phentsize, 'program headers'));
      for (let i = 0; i < phnum; i++) {
        const o = i * phentsize;
        if (ph.u32(o) === PT_LOAD) {
          this.firstLoadVaddr = ph.word(o + (this.is64 ? 16 : 8));
          break;
        }
      }
    }

    this.sections = [];
    if (shoff === 0 || shentsize === 0) return;
    if (shnum === 0 || shstrndx === 0xffff) {
      // More sections than fit the header: the real counts are in section 0.
      const s0 = this.fields(this.readChecked(shoff, shentsize, 'section header 0'));
      if (shnum === 0) shnum = this.is64 ? s0.u64(32) : s0.u32(20);
      if (shstrndx === 0xffff) shstrndx = s0.u32(this.is64 ? 40 : 24);
    }
    const sh = this.fields(this.readChecked(shoff, shnum * shentsize, 'section headers'));
    const raw: (ElfSection & { nameOffset: number })[] = [];
    for (let i = 0; i < shnum; i++) {
      const o = i * shentsize;
      raw.push({
        nameOffset: sh.u32(o),
        name: '',
        type: sh.u32(o + 4),
        flags: this.is64 ? sh.u64(o + 8) : sh.u32(o + 8),
        addr: sh.word(this.is64 ? o + 16 : o + 12),
        offsetBytes: sh.word(this.is64 ? o + 24 : o + 16),
        sizeBytes: sh.word(this.is64 ? o + 32 : o + 20),
        link: sh.u32(this.is64 ? o + 40 : o + 24),
        entSizeBytes: sh.word(this.is64 ? o + 56 : o + 36),
      });
    }
    const strtab = raw[shstrndx];
    const names = strtab ? this.source.read(strtab.offsetBytes, strtab.sizeBytes) : new Uint8Array(0);
    for (const s of raw) {
      const { nameOffset, ...section } = s;
      section.name = nameOffset < names.length ? cString(names, nameOffset) : '';
      this.sections.push(section);
    }
  }

  get isPic(): boolean {
    return this.type === ET_DYN;
  }

  fields(bytes: Uint8Array): Fields {
    return new Fields(bytes, this.littleEndian, this.is64);
  }

  private readChecked(offsetBytes: number, lengthBytes: number, what: string): Uint8Array {
    if (offsetBytes + lengthBytes > this.source.sizeBytes) {
      throw new ElfError(
        `${this.name}: ${what} at byte ${offsetBytes} run past the end of the file (${this.source.sizeBytes} bytes)`,
      );
    }
    return this.source.read(offsetBytes, lengthBytes);
  }

  findSection(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** Whether the section exists with contents (a stripped binary keeps some headers as NOBITS). */
  hasSection(name: string): boolean {
    const s = this.findSection(name) ?? this.findSection(name.replace(/^\./, '.z'));
    return s !== undefined && s.type !== SHT_NOBITS && s.sizeBytes > 0;
  }

  /** Contents of a section (inflated when compressed), read on first use; undefined when absent or empty. */
  section(name: string): Uint8Array | undefined {
    if (this.sectionCache.has(name)) return this.sectionCache.get(name);
    const s = this.findSection(name);
    let data: Uint8Array | undefined;
    if (s && s.type !== SHT_NOBITS && s.sizeBytes > 0) {
      data = this.readChecked(s.offsetBytes, s.sizeBytes, `section ${name}`);
      if (s.flags & SHF_COMPRESSED) data = this.inflateChdr(data, name);
    } else {
      // Old GNU compressed sections: `.zdebug_*`, "ZLIB" + 8-byte big-endian size, then a zlib stream.
      const z = this.findSection(name.replace(/^\./, '.z'));
      if (z && z.type !== SHT_NOBITS && z.sizeBytes > 12) {
        const zd = this.readChecked(z.offsetBytes, z.sizeBytes, `section ${z.name}`);
        data = unzlibSync(zd.subarray(12));
      }
    }
    this.sectionCache.set(name, data);
    return data;
  }

  private inflateChdr(data: Uint8Array, name: string): Uint8Array {
    const f = this.fields(data);
    const type = f.u32(0);
    if (type !== ELFCOMPRESS_ZLIB)
      throw new ElfError(`${this.name}: section ${name} uses compression ${type}, only zlib is read`);
    return unzlibSync(data.subarray(this.is64 ? 24 : 12));
  }

  /** GNU build-id as lowercase hex, from the `NT_GNU_BUILD_ID` note. */
  buildId(): string | undefined {
    for (const s of this.sections) {
      if (s.type !== SHT_NOTE) continue;
      const data = this.section(s.name);
      if (!data) continue;
      const f = this.fields(data);
      let o = 0;
      while (o + 12 <= data.length) {
        const namesz = f.u32(o);
        const descsz = f.u32(o + 4);
        const type = f.u32(o + 8);
        const nameStart = o + 12;
        const descStart = nameStart + ((namesz + 3) & ~3);
        if (descStart + descsz > data.length) break;
        if (type === NT_GNU_BUILD_ID && namesz === 4 && cString(data, nameStart) === 'GNU') {
          let hex = '';
          for (const b of data.subarray(descStart, descStart + descsz)) hex += b.toString(16).padStart(2, '0');
          return hex;
        }
        o = descStart + ((descsz + 3) & ~3);
      }
    }
    return undefined;
  }

  /** `.gnu_debuglink`: the separate debug file's name and the CRC-32 of its contents. */
  debugLink(): { fileName: string; crc: number } | undefined {
    const data = this.section('.gnu_debuglink');
    if (!data) return undefined;
    const fileName = cString(data, 0);
    const crcAt = (fileName.length + 4) & ~3;
    if (crcAt + 4 > data.length) return { fileName, crc: 0 };
    return { fileName, crc: this.fields(data).u32(crcAt) };
  }

  /** Whether the file carries `.symtab` (not stripped). */
  get hasSymtab(): boolean {
    return this.sections.some((s) => s.type === SHT_SYMTAB && s.sizeBytes > 0);
  }

  /**
   * Function symbols (STT_FUNC, STT_GNU_IFUNC, defined) of `.symtab` and `.dynsym`, sorted by address; at one
   * address a global symbol with a size wins over a local or sizeless alias, as nm -n / addr2line would show it.
   */
  functionSymbols(): FunctionSymbols {
    if (this.symbolsMemo) return this.symbolsMemo;
    interface Sym {
      addr: number;
      size: number;
      name: string;
      rank: number;
      symtab: boolean;
    }
    const all: Sym[] = [];
    for (const s of this.sections) {
      if (s.type !== SHT_SYMTAB && s.type !== SHT_DYNSYM) continue;
      const strSection = this.sections[s.link];
      if (!strSection || s.sizeBytes === 0) continue;
      const data = this.readChecked(s.offsetBytes, s.sizeBytes, `section ${s.name}`);
      const strs = this.readChecked(strSection.offsetBytes, strSection.sizeBytes, `section ${strSection.name}`);
      const f = this.fields(data);
      const ent = s.entSizeBytes || (this.is64 ? 24 : 16);
      for (let o = ent; o + ent <= data.length; o += ent) {
        const nameOffset = f.u32(o);
        const info = this.is64 ? f.u8(o + 4) : f.u8(o + 12);
        const shndx = this.is64 ? f.u16(o + 6) : f.u16(o + 14);
        const type = info & 0xf;
        if ((type !== STT_FUNC && type !== STT_GNU_IFUNC) || shndx === 0) continue;
        const addr = this.is64 ? f.u64(o + 8) : f.u32(o + 4);
        const size = this.is64 ? f.u64(o + 16) : f.u32(o + 8);
        const bind = info >> 4;
        const name = nameOffset < strs.length ? cString(strs, nameOffset) : '';
        if (name === '') continue;
        all.push({
          addr,
          size,
          name,
          rank: (bind === 1 ? 2 : bind === 2 ? 1 : 0) + (size > 0 ? 4 : 0),
          symtab: s.type === SHT_SYMTAB,
        });
      }
    }
    all.sort((a, b) => a.addr - b.addr || b.rank - a.rank || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const kept = all.filter((x, i) => i === 0 || all[i - 1].addr !== x.addr);
    const out: FunctionSymbols = {
      count: kept.length,
      addr: new Float64Array(kept.length),
      sizeBytes: new Float64Array(kept.length),
      names: kept.map((x) => x.name),
      fromSymtab: new Uint8Array(kept.length),
    };
    kept.forEach((x, i) => {
      out.addr[i] = x.addr;
      out.sizeBytes[i] = x.size;
      out.fromSymtab[i] = x.symtab ? 1 : 0;
    });
    this.symbolsMemo = out;
    return out;
  }

  /**
   * The function symbol covering vaddr: the last one at or below it, if vaddr is before its end (or, with
   * `ignoreSize`, whatever its size: what addr2line names alignment padding after).
   */
  functionAt(vaddr: number, ignoreSize = false): { name: string; addr: number; fromSymtab: boolean } | undefined {
    const t = this.functionSymbols();
    let lo = 0;
    let hi = t.count - 1;
    if (hi < 0 || vaddr < t.addr[0]) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (t.addr[mid] <= vaddr) lo = mid;
      else hi = mid - 1;
    }
    const size = t.sizeBytes[lo];
    const end = size > 0 ? t.addr[lo] + size : lo + 1 < t.count ? t.addr[lo + 1] : t.addr[lo] + 1;
    if (vaddr >= end && !ignoreSize) return undefined;
    return { name: t.names[lo], addr: t.addr[lo], fromSymtab: t.fromSymtab[lo] === 1 };
  }
}

/** CRC-32 (IEEE, as `.gnu_debuglink` uses) of a whole source, read in chunks. */
export function crc32Of(source: ByteSource): number {
  let crc = 0xffffffff;
  const chunk = 1 << 20;
  for (let o = 0; o < source.sizeBytes; o += chunk) {
    crc = crc32Update(crc, source.read(o, chunk));
  }
  return (crc ^ 0xffffffff) >>> 0;
}
