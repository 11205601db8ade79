/**
 * DWARF `.debug_info` (versions 2 to 5), read one compilation unit at a time: the unit headers and top DIEs are
 * indexed by address range on first use, and a unit's subprogram / inlined-subroutine tree is parsed only when an
 * address falls in it. Answers an address with its chain of frames, innermost first, as `addr2line -f -i` prints:
 * the innermost inlined function at the line table's file:line, then each caller at the call site of its callee.
 */
import type { ElfFile } from './elf';
import { DwarfError, DwarfReader, stringAt } from './dwarf-reader';
import { LineTable } from './dwarf-line';
import { IntervalIndex } from './interval-index';

const DW_TAG_compile_unit = 0x11;
const DW_TAG_partial_unit = 0x3c;
const DW_TAG_subprogram = 0x2e;
const DW_TAG_inlined_subroutine = 0x1d;

const DW_AT_name = 0x03;
const DW_AT_stmt_list = 0x10;
const DW_AT_low_pc = 0x11;
const DW_AT_high_pc = 0x12;
const DW_AT_comp_dir = 0x1b;
const DW_AT_abstract_origin = 0x31;
const DW_AT_specification = 0x47;
const DW_AT_ranges = 0x55;
const DW_AT_call_file = 0x58;
const DW_AT_call_line = 0x59;
const DW_AT_linkage_name = 0x6e;
const DW_AT_MIPS_linkage_name = 0x2007;
const DW_AT_str_offsets_base = 0x72;
const DW_AT_addr_base = 0x73;
const DW_AT_rnglists_base = 0x74;
const DW_AT_GNU_addr_base = 0x2133;
const DW_AT_GNU_ranges_base = 0x2132;

const DW_FORM = {
  addr: 0x01,
  block2: 0x03,
  block4: 0x04,
  data2: 0x05,
  data4: 0x06,
  data8: 0x07,
  string: 0x08,
  block: 0x09,
  block1: 0x0a,
  data1: 0x0b,
  flag: 0x0c,
  sdata: 0x0d,
  strp: 0x0e,
  udata: 0x0f,
  ref_addr: 0x10,
  ref1: 0x11,
  ref2: 0x12,
  ref4: 0x13,
  ref8: 0x14,
  ref_udata: 0x15,
  indirect: 0x16,
  sec_offset: 0x17,
  exprloc: 0x18,
  flag_present: 0x19,
  strx: 0x1a,
  addrx: 0x1b,
  ref_sup4: 0x1c,
  strp_sup: 0x1d,
  data16: 0x1e,
  line_strp: 0x1f,
  ref_sig8: 0x20,
  implicit_const: 0x21,
  loclistx: 0x22,
  rnglistx: 0x23,
  ref_sup8: 0x24,
  strx1: 0x25,
  strx2: 0x26,
  strx3: 0x27,
  strx4: 0x28,
  addrx1: 0x29,
  addrx2: 0x2a,
  addrx3: 0x2b,
  addrx4: 0x2c,
  GNU_addr_index: 0x1f01,
  GNU_str_index: 0x1f02,
  GNU_ref_alt: 0x1f20,
  GNU_strp_alt: 0x1f21,
} as const;

/** One frame of an address's chain. `fn` is the raw (possibly mangled) name, '' when unknown. */
export interface SourceFrame {
  fn: string;
  file: string;
  line: number;
}

interface Abbrev {
  tag: number;
  hasChildren: boolean;
  attrs: number[];
  forms: number[];
  implicit: number[];
}

interface Unit {
  offset: number;
  /** First DIE offset. */
  diesAt: number;
  end: number;
  version: number;
  addrSize: number;
  offsetSize: number;
  abbrevs: Map<number, Abbrev>;
  ranges: [number, number][];
  stmtList: number;
  compDir: string;
  strOffsetsBase: number;
  addrBase: number;
  rnglistsBase: number;
  lowPc: number;
  lines?: LineTable | null;
  funcs?: FuncDie[];
  /** Ranges of `funcs`, by address. */
  funcIndex?: IntervalIndex;
}

/** A subprogram or inlined subroutine with code: where it is, how deep, what it names, where it was inlined. */
interface FuncDie {
  ranges: [number, number][];
  depth: number;
  tag: number;
  nameRef: number; // section offset of the DIE that names it (itself, or its origin)
  ownName: string;
  callFile: number;
  callLine: number;
  /** Index of the nearest enclosing function DIE, -1 for none: the inlining chain follows the tree. */
  parent: number;
}

/** The attributes of one DIE that matter here; numbers for references are section offsets. */
interface DieAttrs {
  name?: string;
  linkageName?: string;
  lowPc?: number;
  highPc?: number;
  highPcIsOffset?: boolean;
  rangesOffset?: number;
  rangesIsIndex?: boolean;
  origin?: number;
  spec?: number;
  callFile?: number;
  callLine?: number;
  stmtList?: number;
  compDir?: string;
  strOffsetsBase?: number;
  addrBase?: number;
  rnglistsBase?: number;
  /** Values needing a base not known yet (the unit DIE sets the bases after its own strx/addrx). */
  lowPcIndex?: number;
  nameIndex?: number;
}

export class DwarfInfo {
  private readonly info: Uint8Array;
  private readonly abbrev: Uint8Array;
  private readonly le: boolean;
  private units: Unit[] | undefined;
  /** Units by the ranges of their top DIE; units without ranges are checked for every address. */
  private unitIndex: IntervalIndex | undefined;
  private unitsWithoutRanges: number[] = [];
  private readonly lineOnly: LineTable[] | undefined;
  private readonly nameMemo = new Map<number, string>();

  private constructor(private readonly elf: ElfFile) {
    this.le = elf.littleEndian;
    this.info = elf.section('.debug_info') ?? new Uint8Array(0);
    this.abbrev = elf.section('.debug_abbrev') ?? new Uint8Array(0);
  }

  /** DWARF of an ELF file, or undefined when it has neither `.debug_info` nor `.debug_line`. */
  static of(elf: ElfFile): DwarfInfo | undefined {
    if (!elf.hasSection('.debug_info') && !elf.hasSection('.debug_line')) return undefined;
    return new DwarfInfo(elf);
  }

  get hasLines(): boolean {
    return this.elf.hasSection('.debug_line');
  }

  /** The chain of frames at vaddr, innermost first; undefined when no unit covers it. */
  lookup(vaddr: number): SourceFrame[] | undefined {
    const units = this.indexUnits();
    if (!this.unitIndex) {
      const ranges: { lo: number; hi: number; id: number }[] = [];
      units.forEach((u, id) => {
        if (u.ranges.length === 0) this.unitsWithoutRanges.push(id);
        for (const [lo, hi] of u.ranges) ranges.push({ lo, hi, id });
      });
      this.unitIndex = new IntervalIndex(ranges);
    }
    // In unit order, as the units are listed in the file.
    const candidates = [...new Set([...this.unitIndex.query(vaddr), ...this.unitsWithoutRanges])].sort((a, b) => a - b);
    for (const c of candidates) {
      const u = units[c];
      const lines = this.linesOf(u);
      const loc = lines?.lookup(vaddr);
      const all = this.funcsOf(u);
      u.funcIndex ??= new IntervalIndex(all.flatMap((f, id) => f.ranges.map(([lo, hi]) => ({ lo, hi, id }))));
      const funcs = [...new Set(u.funcIndex.query(vaddr))].sort((a, b) => a - b).map((i) => all[i]);
      if (u.ranges.length === 0 && !loc && funcs.length === 0) continue;
      // The innermost covering DIE, then its enclosing function DIEs (their own ranges may not cover the address:
      // DWARF 2 cannot describe a split inlined instance).
      funcs.sort((a, b) => b.depth - a.depth);
      const chain: FuncDie[] = [];
      for (let f: FuncDie | undefined = funcs[0]; f; f = f.parent >= 0 ? all[f.parent] : undefined) {
        chain.push(f);
        if (f.tag === DW_TAG_subprogram) break;
      }
      const frames: SourceFrame[] = [];
      let file = loc?.file ?? '??';
      let line = loc?.line ?? 0;
      for (const f of chain) {
        frames.push({ fn: this.nameOf(f), file, line });
        file = lines ? lines.fileName(f.callFile) : '??';
        line = f.callLine;
      }
      if (frames.length === 0) frames.push({ fn: '', file, line });
      return frames;
    }
    return undefined;
  }

  private nameOf(f: FuncDie): string {
    if (f.ownName) return f.ownName;
    return this.nameAt(f.nameRef, 0);
  }

  /** Linkage name, else name, of the DIE at a section offset, following abstract_origin / specification. */
  private nameAt(offset: number, hops: number): string {
    const memo = this.nameMemo.get(offset);
    if (memo !== undefined) return memo;
    const unit = this.units?.find((u) => offset >= u.diesAt && offset < u.end);
    if (!unit || hops > 8) return '';
    const r = new DwarfReader(this.info, this.le, offset);
    const code = r.uleb();
    const ab = unit.abbrevs.get(code);
    if (!ab) return '';
    const a = this.readAttrs(r, unit, ab);
    let name = a.linkageName ?? a.name ?? '';
    if (!name && a.origin !== undefined) name = this.nameAt(a.origin, hops + 1);
    if (!name && a.spec !== undefined) name = this.nameAt(a.spec, hops + 1);
    this.nameMemo.set(offset, name);
    return name;
  }

  private linesOf(u: Unit): LineTable | null {
    if (u.lines !== undefined) return u.lines;
    const section = this.elf.section('.debug_line');
    u.lines = null;
    if (section && u.stmtList >= 0 && u.stmtList < section.length) {
      try {
        u.lines = LineTable.parse(section, u.stmtList, this.le, u.compDir, this.strings()).table;
      } catch (e) {
        if (!(e instanceof DwarfError)) throw e;
      }
    }
    return u.lines;
  }

  private strings(): { debugStr?: Uint8Array; debugLineStr?: Uint8Array } {
    return { debugStr: this.elf.section('.debug_str'), debugLineStr: this.elf.section('.debug_line_str') };
  }

  /** Unit headers and top DIEs; a file with line tables but no `.debug_info` gets one pseudo unit per program. */
  private indexUnits(): Unit[] {
    if (this.units) return this.units;
    const units: Unit[] = [];
    const r = new DwarfReader(this.info, this.le);
    while (r.pos + 11 <= this.info.length) {
      const offset = r.pos;
      const { length, offsetSize } = r.unitLength();
      const end = r.pos + length;
      if (length === 0 || end > this.info.length) break;
      const version = r.u16();
      let addrSize: number;
      let abbrevOffset: number;
      let unitType = 1;
      if (version >= 5) {
        unitType = r.u8();
        addrSize = r.u8();
        abbrevOffset = r.uN(offsetSize);
        if (unitType === 4 || unitType === 5) r.skip(8); // skeleton/split: dwo_id
        if (unitType === 2 || unitType === 6) r.skip(8 + offsetSize); // type units
      } else {
        abbrevOffset = r.uN(offsetSize);
        addrSize = r.u8();
      }
      if (version < 2 || version > 5 || (unitType !== 1 && unitType !== 3)) {
        r.pos = end;
        continue;
      }
      const unit: Unit = {
        offset,
        diesAt: r.pos,
        end,
        version,
        addrSize,
        offsetSize,
        abbrevs: this.parseAbbrevs(abbrevOffset),
        ranges: [],
        stmtList: -1,
        compDir: '',
        strOffsetsBase: 8,
        addrBase: 8,
        rnglistsBase: 0,
        lowPc: 0,
      };
      const code = r.uleb();
      const ab = unit.abbrevs.get(code);
      if (ab && (ab.tag === DW_TAG_compile_unit || ab.tag === DW_TAG_partial_unit)) {
        const a = this.readAttrs(r, unit, ab);
        if (a.strOffsetsBase !== undefined) unit.strOffsetsBase = a.strOffsetsBase;
        if (a.addrBase !== undefined) unit.addrBase = a.addrBase;
        if (a.rnglistsBase !== undefined) unit.rnglistsBase = a.rnglistsBase;
        if (a.lowPcIndex !== undefined) a.lowPc = this.addrx(unit, a.lowPcIndex);
        if (a.nameIndex !== undefined) a.name = this.strx(unit, a.nameIndex);
        unit.lowPc = a.lowPc ?? 0;
        unit.stmtList = a.stmtList ?? -1;
        unit.compDir = a.compDir ?? '';
        unit.ranges = this.rangesOf(unit, a, unit.lowPc);
      }
      units.push(unit);
      r.pos = end;
    }
    if (units.length === 0 && this.lineOnly === undefined) {
      // Line tables without `.debug_info`: one pseudo unit per program.
      const section = this.elf.section('.debug_line');
      let o = 0;
      while (section && o + 4 < section.length) {
        try {
          const { table, next } = LineTable.parse(section, o, this.le, '', this.strings());
          const ranges = table.sequences.map((s): [number, number] => [s.low, s.high]);
          units.push({
            offset: o,
            diesAt: 0,
            end: 0,
            version: 0,
            addrSize: 8,
            offsetSize: 4,
            abbrevs: new Map(),
            ranges,
            stmtList: o,
            compDir: '',
            strOffsetsBase: 0,
            addrBase: 0,
            rnglistsBase: 0,
            lowPc: 0,
            lines: table,
            funcs: [],
          });
          o = next;
        } catch (e) {
          if (!(e instanceof DwarfError)) throw e;
          break;
        }
      }
    }
    this.units = units;
    return units;
  }

  private parseAbbrevs(offset: number): Map<number, Abbrev> {
    const map = new Map<number, Abbrev>();
    const r = new DwarfReader(this.abbrev, this.le, offset);
    for (;;) {
      if (r.pos >= this.abbrev.length) break;
      const code = r.uleb();
      if (code === 0) break;
      const tag = r.uleb();
      const hasChildren = r.u8() !== 0;
      const ab: Abbrev = { tag, hasChildren, attrs: [], forms: [], implicit: [] };
      for (;;) {
        const attr = r.uleb();
        const form = r.uleb();
        if (attr === 0 && form === 0) break;
        ab.attrs.push(attr);
        ab.forms.push(form);
        ab.implicit.push(form === DW_FORM.implicit_const ? r.sleb() : 0);
      }
      map.set(code, ab);
    }
    return map;
  }

  private funcsOf(u: Unit): FuncDie[] {
    if (u.funcs) return u.funcs;
    const funcs: FuncDie[] = [];
    const r = new DwarfReader(this.info, this.le, u.diesAt);
    let depth = 0;
    // Function DIE index open at each depth (-1: none).
    const open: number[] = [];
    try {
      while (r.pos < u.end) {
        const dieOffset = r.pos;
        const code = r.uleb();
        if (code === 0) {
          depth--;
          open.length = Math.max(0, depth);
          if (depth <= 0) break;
          continue;
        }
        const ab = u.abbrevs.get(code);
        if (!ab) throw new DwarfError(`unknown abbreviation ${code} at ${dieOffset}`);
        const interesting = ab.tag === DW_TAG_subprogram || ab.tag === DW_TAG_inlined_subroutine;
        let parent = -1;
        for (let d = Math.min(depth, open.length) - 1; d >= 0 && parent < 0; d--) parent = open[d];
        let self = -1;
        if (interesting) {
          const a = this.readAttrs(r, u, ab);
          if (a.lowPcIndex !== undefined) a.lowPc = this.addrx(u, a.lowPcIndex);
          if (a.nameIndex !== undefined) a.name = this.strx(u, a.nameIndex);
          const ranges = this.rangesOf(u, a, u.lowPc);
          if (ranges.length > 0) {
            const ownName = a.linkageName ?? (a.origin === undefined && a.spec === undefined ? (a.name ?? '') : '');
            self = funcs.length;
            funcs.push({
              ranges,
              depth,
              tag: ab.tag,
              nameRef: a.origin ?? a.spec ?? dieOffset,
              ownName,
              callFile: a.callFile ?? 0,
              callLine: a.callLine ?? 0,
              parent,
            });
          }
        } else {
          this.skipAttrs(r, u, ab);
        }
        if (ab.hasChildren) {
          open[depth] = self;
          depth++;
          open.length = depth;
        } else if (depth === 0) break;
      }
    } catch (e) {
      if (!(e instanceof DwarfError)) throw e;
    }
    u.funcs = funcs;
    return funcs;
  }

  private rangesOf(u: Unit, a: DieAttrs, base: number): [number, number][] {
    if (a.lowPc !== undefined && a.highPc !== undefined) {
      const high = a.highPcIsOffset ? a.lowPc + a.highPc : a.highPc;
      return high > a.lowPc ? [[a.lowPc, high]] : [];
    }
    if (a.rangesOffset === undefined) return [];
    const out: [number, number][] = [];
    if (u.version >= 5) {
      const section = this.elf.section('.debug_rnglists');
      if (!section) return out;
      let offset = a.rangesOffset;
      if (a.rangesIsIndex) {
        const ir = new DwarfReader(section, this.le, u.rnglistsBase + offset * u.offsetSize);
        offset = u.rnglistsBase + ir.uN(u.offsetSize);
      }
      const r = new DwarfReader(section, this.le, offset);
      let b = base;
      for (;;) {
        const kind = r.u8();
        if (kind === 0) break;
        switch (kind) {
          case 1:
            b = this.addrx(u, r.uleb());
            break;
          case 2:
            out.push([this.addrx(u, r.uleb()), this.addrx(u, r.uleb())]);
            break;
          case 3: {
            const s = this.addrx(u, r.uleb());
            out.push([s, s + r.uleb()]);
            break;
          }
          case 4: {
            const s = r.uleb();
            out.push([b + s, b + r.uleb()]);
            break;
          }
          case 5:
            b = r.uN(u.addrSize);
            break;
          case 6:
            out.push([r.uN(u.addrSize), r.uN(u.addrSize)]);
            break;
          case 7: {
            const s = r.uN(u.addrSize);
            out.push([s, s + r.uleb()]);
            break;
          }
          default:
            return out;
        }
      }
    } else {
      const section = this.elf.section('.debug_ranges');
      if (!section) return out;
      const r = new DwarfReader(section, this.le, a.rangesOffset);
      // All ones: 2^64 - 1 as a double is 2^64, which is what an 8-byte all-ones read gives too.
      const maxAddr = u.addrSize === 8 ? 2 ** 64 : 0xffffffff;
      let b = base;
      for (;;) {
        const s = r.uN(u.addrSize);
        const e = r.uN(u.addrSize);
        if (s === 0 && e === 0) break;
        if (s === maxAddr) b = e;
        else out.push([b + s, b + e]);
      }
    }
    return out.filter(([s, e]) => e > s && s !== 0);
  }

  private addrx(u: Unit, index: number): number {
    const section = this.elf.section('.debug_addr');
    if (!section) return 0;
    return new DwarfReader(section, this.le, u.addrBase + index * u.addrSize).uN(u.addrSize);
  }

  private strx(u: Unit, index: number): string {
    const offsets = this.elf.section('.debug_str_offsets');
    if (!offsets) return '';
    const o = new DwarfReader(offsets, this.le, u.strOffsetsBase + index * u.offsetSize).uN(u.offsetSize);
    return stringAt(this.elf.section('.debug_str'), o);
  }

  private readAttrs(r: DwarfReader, u: Unit, ab: Abbrev): DieAttrs {
    const a: DieAttrs = {};
    for (let i = 0; i < ab.attrs.length; i++) {
      const attr = ab.attrs[i];
      let form = ab.forms[i];
      if (form === DW_FORM.indirect) form = r.uleb();
      switch (attr) {
        case DW_AT_name:
        case DW_AT_linkage_name:
        case DW_AT_MIPS_linkage_name:
        case DW_AT_comp_dir: {
          const v = this.readString(r, u, form);
          if (typeof v === 'number') {
            if (attr === DW_AT_name) a.nameIndex = v;
          } else if (attr === DW_AT_name) a.name = v;
          else if (attr === DW_AT_comp_dir) a.compDir = v;
          else a.linkageName = v;
          break;
        }
        case DW_AT_low_pc:
          if (isAddrx(form)) a.lowPcIndex = this.readValue(r, u, form, ab.implicit[i]);
          else a.lowPc = this.readValue(r, u, form, ab.implicit[i]);
          break;
        case DW_AT_high_pc:
          a.highPcIsOffset = form !== DW_FORM.addr && !isAddrx(form);
          a.highPc = isAddrx(form)
            ? this.addrx(u, this.readValue(r, u, form, 0))
            : this.readValue(r, u, form, ab.implicit[i]);
          break;
        case DW_AT_ranges:
          a.rangesIsIndex = form === DW_FORM.rnglistx;
          a.rangesOffset = this.readValue(r, u, form, ab.implicit[i]);
          break;
        case DW_AT_abstract_origin:
        case DW_AT_specification: {
          const v = this.readValue(r, u, form, ab.implicit[i]);
          const target = form === DW_FORM.ref_addr ? v : isLocalRef(form) ? u.offset + v : undefined;
          if (attr === DW_AT_abstract_origin) a.origin = target;
          else a.spec = target;
          break;
        }
        case DW_AT_call_file:
          a.callFile = this.readValue(r, u, form, ab.implicit[i]);
          break;
        case DW_AT_call_line:
          a.callLine = this.readValue(r, u, form, ab.implicit[i]);
          break;
        case DW_AT_stmt_list:
          a.stmtList = this.readValue(r, u, form, ab.implicit[i]);
          break;
        case DW_AT_str_offsets_base:
          a.strOffsetsBase = this.readValue(r, u, form, ab.implicit[i]);
          break;
        case DW_AT_addr_base:
        case DW_AT_GNU_addr_base:
          a.addrBase = this.readValue(r, u, form, ab.implicit[i]);
          break;
        case DW_AT_rnglists_base:
        case DW_AT_GNU_ranges_base:
          a.rnglistsBase = this.readValue(r, u, form, ab.implicit[i]);
          break;
        default:
          this.skipForm(r, u, form);
      }
    }
    return a;
  }

  private skipAttrs(r: DwarfReader, u: Unit, ab: Abbrev): void {
    for (let i = 0; i < ab.forms.length; i++) {
      let form = ab.forms[i];
      if (form === DW_FORM.indirect) form = r.uleb();
      this.skipForm(r, u, form);
    }
  }

  /** A string attribute: the text, or the strx index when the unit's string base may not be known yet. */
  private readString(r: DwarfReader, u: Unit, form: number): string | number {
    switch (form) {
      case DW_FORM.string:
        return r.cstr();
      case DW_FORM.strp:
        return stringAt(this.elf.section('.debug_str'), r.uN(u.offsetSize));
      case DW_FORM.line_strp:
        return stringAt(this.elf.section('.debug_line_str'), r.uN(u.offsetSize));
      case DW_FORM.strx:
      case DW_FORM.GNU_str_index:
        return this.strx(u, r.uleb());
      case DW_FORM.strx1:
        return this.strx(u, r.u8());
      case DW_FORM.strx2:
        return this.strx(u, r.u16());
      case DW_FORM.strx3:
        return this.strx(u, r.u24());
      case DW_FORM.strx4:
        return this.strx(u, r.u32());
      default:
        this.skipForm(r, u, form); // strings in a supplementary file (strp_sup, GNU_strp_alt) are not read
        return '';
    }
  }

  private readValue(r: DwarfReader, u: Unit, form: number, implicit: number): number {
    switch (form) {
      case DW_FORM.addr:
        return r.uN(u.addrSize);
      case DW_FORM.data1:
      case DW_FORM.ref1:
      case DW_FORM.flag:
      case DW_FORM.strx1:
      case DW_FORM.addrx1:
        return r.u8();
      case DW_FORM.data2:
      case DW_FORM.ref2:
      case DW_FORM.strx2:
      case DW_FORM.addrx2:
        return r.u16();
      case DW_FORM.strx3:
      case DW_FORM.addrx3:
        return r.u24();
      case DW_FORM.data4:
      case DW_FORM.ref4:
      case DW_FORM.ref_sup4:
      case DW_FORM.strx4:
      case DW_FORM.addrx4:
        return r.u32();
      case DW_FORM.data8:
      case DW_FORM.ref8:
      case DW_FORM.ref_sig8:
      case DW_FORM.ref_sup8:
        return r.u64();
      case DW_FORM.sdata:
        return r.sleb();
      case DW_FORM.udata:
      case DW_FORM.ref_udata:
      case DW_FORM.strx:
      case DW_FORM.addrx:
      case DW_FORM.loclistx:
      case DW_FORM.rnglistx:
      case DW_FORM.GNU_addr_index:
      case DW_FORM.GNU_str_index:
        return r.uleb();
      case DW_FORM.ref_addr:
        return r.uN(u.version <= 2 ? u.addrSize : u.offsetSize);
      case DW_FORM.sec_offset:
      case DW_FORM.strp:
      case DW_FORM.line_strp:
      case DW_FORM.strp_sup:
      case DW_FORM.GNU_ref_alt:
      case DW_FORM.GNU_strp_alt:
        return r.uN(u.offsetSize);
      case DW_FORM.implicit_const:
        return implicit;
      case DW_FORM.flag_present:
        return 1;
      default:
        this.skipForm(r, u, form);
        return 0;
    }
  }

  private skipForm(r: DwarfReader, u: Unit, form: number): void {
    switch (form) {
      case DW_FORM.string:
        r.cstr();
        return;
      case DW_FORM.block1:
        r.skip(r.u8());
        return;
      case DW_FORM.block2:
        r.skip(r.u16());
        return;
      case DW_FORM.block4:
        r.skip(r.u32());
        return;
      case DW_FORM.block:
      case DW_FORM.exprloc:
        r.skip(r.uleb());
        return;
      case DW_FORM.data16:
        r.skip(16);
        return;
      case DW_FORM.indirect:
        this.skipForm(r, u, r.uleb());
        return;
      default:
        if (!KNOWN_FORMS.has(form)) throw new DwarfError(`unknown DWARF form 0x${form.toString(16)}`);
        this.readValue(r, u, form, 0);
    }
  }
}

const KNOWN_FORMS = new Set<number>(Object.values(DW_FORM));

function isAddrx(form: number): boolean {
  return (
    form === DW_FORM.addrx || form === DW_FORM.GNU_addr_index || (form >= DW_FORM.addrx1 && form <= DW_FORM.addrx4)
  );
}

function isLocalRef(form: number): boolean {
  return (
    form === DW_FORM.ref1 ||
    form === DW_FORM.ref2 ||
    form === DW_FORM.ref4 ||
    form === DW_FORM.ref8 ||
    form === DW_FORM.ref_udata
  );
}
