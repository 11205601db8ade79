/** A cursor over one DWARF section: fixed-size integers in the file's byte order, LEB128, C strings. */
import { cString } from './elf';

export class DwarfError extends Error {}

export class DwarfReader {
  pos: number;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
    pos = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length)
      throw new DwarfError(`read of ${n} bytes at ${this.pos} past the section end (${this.bytes.length})`);
  }
  u8(): number {
    this.need(1);
    return this.bytes[this.pos++];
  }
  s8(): number {
    this.need(1);
    return this.view.getInt8(this.pos++);
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, this.littleEndian);
    this.pos += 2;
    return v;
  }
  u24(): number {
    const a = this.u8();
    const b = this.u8();
    const c = this.u8();
    return this.littleEndian ? a | (b << 8) | (c << 16) : (a << 16) | (b << 8) | c;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, this.littleEndian);
    this.pos += 4;
    return v;
  }
  u64(): number {
    const a = this.u32();
    const b = this.u32();
    return this.littleEndian ? b * 0x100000000 + a : a * 0x100000000 + b;
  }
  /** Unsigned integer of `size` bytes (1, 2, 4 or 8). */
  uN(size: number): number {
    switch (size) {
      case 1:
        return this.u8();
      case 2:
        return this.u16();
      case 4:
        return this.u32();
      case 8:
        return this.u64();
      default:
        throw new DwarfError(`unsupported integer size ${size}`);
    }
  }
  uleb(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = this.u8();
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
  }
  sleb(): number {
    let result = 0;
    let mul = 1;
    let b: number;
    do {
      b = this.u8();
      result += (b & 0x7f) * mul;
      mul *= 128;
    } while (b & 0x80);
    return b & 0x40 ? result - mul : result;
  }
  cstr(): string {
    const s = cString(this.bytes, this.pos);
    let end = this.pos;
    while (end < this.bytes.length && this.bytes[end] !== 0) end++;
    this.pos = end + 1;
    return s;
  }
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
  /** Initial length: 32-bit, or 0xffffffff then 64-bit (64-bit DWARF). */
  unitLength(): { length: number; offsetSize: number } {
    const l = this.u32();
    if (l === 0xffffffff) return { length: this.u64(), offsetSize: 8 };
    return { length: l, offsetSize: 4 };
  }
}

/** String from a string section at an offset ('' when out of range). */
export function stringAt(section: Uint8Array | undefined, offset: number): string {
  return section && offset < section.length ? cString(section, offset) : '';
}
