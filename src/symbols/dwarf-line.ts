/**
 * DWARF `.debug_line` line-number programs, versions 2 to 5 (DWARF 5 §6.2): runs the state machine of one
 * program into columns of rows (address, file, line) grouped in sequences, and answers "which file:line holds
 * this address".
 */
import { DwarfReader, stringAt } from './dwarf-reader';
import { IntervalIndex } from './interval-index';

const DW_LNCT_path = 1;
const DW_LNCT_directory_index = 2;

const DW_FORM_block = 0x09;
const DW_FORM_block1 = 0x0a;
const DW_FORM_block2 = 0x03;
const DW_FORM_block4 = 0x04;
const DW_FORM_data1 = 0x0b;
const DW_FORM_data2 = 0x05;
const DW_FORM_data4 = 0x06;
const DW_FORM_data8 = 0x07;
const DW_FORM_data16 = 0x1e;
const DW_FORM_string = 0x08;
const DW_FORM_strp = 0x0e;
const DW_FORM_line_strp = 0x1f;
const DW_FORM_udata = 0x0f;
const DW_FORM_strx1 = 0x25;

export interface LineStrings {
  debugStr?: Uint8Array;
  debugLineStr?: Uint8Array;
}

/** One line program: its file names (full paths where known) and its rows, sorted within each sequence. */
export class LineTable {
  readonly files: string[] = [];
  private version = 0;
  /** Row columns; sequences are [seqStart[i], seqEnd[i]) in row indices, the last row of each is its end. */
  private addr: number[] = [];
  private file: number[] = [];
  private line: number[] = [];
  private readonly seqStart: number[] = [];
  private readonly seqEnd: number[] = [];
  private seqLow: number[] = [];
  private seqHigh: number[] = [];
  private index: IntervalIndex | undefined;

  /** Address range of every sequence, for callers that index many tables. */
  get sequences(): { low: number; high: number }[] {
    return this.seqLow.map((low, i) => ({ low, high: this.seqHigh[i] }));
  }

  /**
   * Parse the program at `offset` of `.debug_line`; `compDir` is the unit's DW_AT_comp_dir (directory 0 before
   * DWARF 5). Returns the table and the offset just past the program.
   */
  static parse(
    section: Uint8Array,
    offset: number,
    littleEndian: boolean,
    compDir: string,
    strings: LineStrings,
  ): { table: LineTable; next: number } {
    const r = new DwarfReader(section, littleEndian, offset);
    const { length, offsetSize } = r.unitLength();
    const end = r.pos + length;
    const version = r.u16();
    let addrSize = 8;
    if (version >= 5) {
      addrSize = r.u8();
      r.u8(); // segment selector size
    }
    const headerLength = offsetSize === 8 ? r.u64() : r.u32();
    const programStart = r.pos + headerLength;
    const minInstLength = r.u8();
    if (version >= 4) r.u8(); // maximum operations per instruction (VLIW only)
    const defaultIsStmt = r.u8();
    void defaultIsStmt;
    const lineBase = r.s8();
    const lineRange = r.u8();
    const opcodeBase = r.u8();
    const opLengths: number[] = [0];
    for (let i = 1; i < opcodeBase; i++) opLengths.push(r.u8());

    const table = new LineTable();
    table.version = version;
    const dirs: string[] = [];
    const rawFiles: { name: string; dir: number }[] = [];
    if (version >= 5) {
      const readEntries = (): { path: string; dir: number }[] => {
        const formatCount = r.u8();
        const format: [number, number][] = [];
        for (let i = 0; i < formatCount; i++) format.push([r.uleb(), r.uleb()]);
        const count = r.uleb();
        const out: { path: string; dir: number }[] = [];
        for (let i = 0; i < count; i++) {
          let path = '';
          let dir = 0;
          for (const [content, form] of format) {
            const v = readForm(r, form, offsetSize, strings);
            if (content === DW_LNCT_path && typeof v === 'string') path = v;
            else if (content === DW_LNCT_directory_index && typeof v === 'number') dir = v;
          }
          out.push({ path, dir });
        }
        return out;
      };
      for (const d of readEntries()) dirs.push(d.path);
      for (const f of readEntries()) rawFiles.push({ name: f.path, dir: f.dir });
      if (dirs.length > 0 && !dirs[0].startsWith('/') && compDir) dirs[0] = joinPath(compDir, dirs[0]);
    } else {
      dirs.push(compDir);
      for (let d = r.cstr(); d !== ''; d = r.cstr()) dirs.push(d);
      rawFiles.push({ name: '', dir: 0 }); // files are numbered from 1 before DWARF 5
      for (let name = r.cstr(); name !== ''; name = r.cstr()) {
        const dir = r.uleb();
        r.uleb(); // mtime
        r.uleb(); // length
        rawFiles.push({ name, dir });
      }
    }
    const fullPath = (name: string, dir: number): string => {
      if (name.startsWith('/')) return name;
      let d = dirs[dir] ?? '';
      if (d && !d.startsWith('/') && compDir && version < 5) d = joinPath(compDir, d);
      return d ? joinPath(d, name) : name;
    };
    for (const f of rawFiles) table.files.push(fullPath(f.name, f.dir));

    r.pos = programStart;
    let address = 0;
    let file = 1;
    let line = 1;
    let seqFirst = 0;
    const emit = (): void => {
      table.addr.push(address);
      table.file.push(file);
      table.line.push(line);
    };
    const reset = (): void => {
      address = 0;
      file = 1;
      line = 1;
    };
    while (r.pos < end) {
      const op = r.u8();
      if (op >= opcodeBase) {
        const adj = op - opcodeBase;
        address += Math.floor(adj / lineRange) * minInstLength;
        line += lineBase + (adj % lineRange);
        emit();
      } else if (op === 0) {
        const len = r.uleb();
        const subEnd = r.pos + len;
        const sub = len > 0 ? r.u8() : 0;
        if (sub === 1) {
          // end_sequence
          emit();
          table.closeSequence(seqFirst);
          seqFirst = table.addr.length;
          reset();
        } else if (sub === 2) {
          address = r.uN(len - 1 || addrSize);
        } else if (sub === 3) {
          const name = r.cstr();
          const dir = r.uleb();
          table.files.push(fullPath(name, dir));
        }
        r.pos = subEnd;
      } else {
        switch (op) {
          case 1: // copy
            emit();
            break;
          case 2: // advance_pc
            address += r.uleb() * minInstLength;
            break;
          case 3: // advance_line
            line += r.sleb();
            break;
          case 4: // set_file
            file = r.uleb();
            break;
          case 8: // const_add_pc
            address += Math.floor((255 - opcodeBase) / lineRange) * minInstLength;
            break;
          case 9: // fixed_advance_pc
            address += r.u16();
            break;
          default:
            for (let i = 0; i < opLengths[op]; i++) r.uleb();
        }
      }
    }
    // A program without a final end_sequence: drop its unterminated rows.
    table.addr.length = table.file.length = table.line.length = seqFirst;
    return { table, next: end };
  }

  private closeSequence(first: number): void {
    const last = this.addr.length - 1;
    if (last <= first) return;
    const low = this.addr[first];
    // Address 0 sequences come from functions the linker discarded (COMDAT, --gc-sections): never real code.
    if (low === 0) return;
    this.seqStart.push(first);
    this.seqEnd.push(last + 1);
    this.seqLow.push(low);
    this.seqHigh.push(this.addr[last]);
  }

  /** File and line of the row covering vaddr: the last row at or below it within a sequence that holds it. */
  lookup(vaddr: number): { file: string; line: number } | undefined {
    this.index ??= new IntervalIndex(this.seqLow.map((lo, id) => ({ lo, hi: this.seqHigh[id], id })));
    // The sequence listed first in the program wins where two overlap.
    const found = this.index.query(vaddr);
    if (found.length === 0) return undefined;
    const s = Math.min(...found);
    let lo = this.seqStart[s];
    let hi = this.seqEnd[s] - 2; // the end row covers nothing
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.addr[mid] <= vaddr) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.files[this.file[lo]] ?? '??', line: this.line[lo] };
  }

  fileName(index: number): string {
    // Before DWARF 5, file 0 means "no file".
    return (this.version < 5 && index === 0 ? undefined : this.files[index]) || '??';
  }
}

export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** One attribute value of a DWARF 5 directory/file entry: strings and numbers; other forms are skipped. */
function readForm(r: DwarfReader, form: number, offsetSize: number, strings: LineStrings): string | number | undefined {
  switch (form) {
    case DW_FORM_string:
      return r.cstr();
    case DW_FORM_line_strp:
      return stringAt(strings.debugLineStr, r.uN(offsetSize));
    case DW_FORM_strp:
      return stringAt(strings.debugStr, r.uN(offsetSize));
    case DW_FORM_udata:
      return r.uleb();
    case DW_FORM_data1:
      return r.u8();
    case DW_FORM_data2:
      return r.u16();
    case DW_FORM_data4:
      return r.u32();
    case DW_FORM_data8:
      return r.u64();
    case DW_FORM_data16:
      r.skip(16);
      return undefined;
    case DW_FORM_block:
      r.skip(r.uleb());
      return undefined;
    case DW_FORM_block1:
      r.skip(r.u8());
      return undefined;
    case DW_FORM_block2:
      r.skip(r.u16());
      return undefined;
    case DW_FORM_block4:
      r.skip(r.u32());
      return undefined;
    case DW_FORM_strx1:
      r.u8();
      return undefined;
    default:
      throw new Error(`unsupported form 0x${form.toString(16)} in a line table header`);
  }
}
