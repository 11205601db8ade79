/**
 * The column readers' string table: a text seen before is found by its bytes, and ids are the ones interning by
 * text gives (the packed chunks, and so the model, do not depend on which way a string was met).
 */
import { describe, expect, it } from 'vitest';
import { ColumnTables } from './columns';

const enc = new TextEncoder();

/** Bytes with some padding around, as a field inside a packet. */
function field(text: string | number[]): { u8: Uint8Array; start: number; end: number } {
  const body = typeof text === 'string' ? enc.encode(text) : Uint8Array.from(text);
  const u8 = new Uint8Array(body.length + 7);
  u8.set(body, 3);
  return { u8, start: 3, end: 3 + body.length };
}

function strOfBytes(t: ColumnTables, text: string | number[]): number {
  const f = field(text);
  return t.strOfBytes(f.u8, f.start, f.end);
}

describe('ColumnTables.strOfBytes', () => {
  it('gives the ids of str(), in first-seen order, whichever way a text came first', () => {
    const t = new ColumnTables(() => null);
    expect(t.str('python3')).toBe(0);
    expect(strOfBytes(t, 'python3')).toBe(0);
    expect(strOfBytes(t, 'bash')).toBe(1);
    expect(t.str('bash')).toBe(1);
    expect(strOfBytes(t, '')).toBe(2);
    expect(t.str(undefined)).toBe(2);
    expect(strOfBytes(t, 'bash')).toBe(1);
    expect(t.strings).toEqual(['python3', 'bash', '']);
  });

  it('gives one id to byte strings that decode to one text (bad UTF-8)', () => {
    const t = new ColumnTables(() => null);
    const a = strOfBytes(t, [0x61, 0xff]);
    const b = strOfBytes(t, [0x61, 0xfe]);
    expect(b).toBe(a);
    expect(t.strings).toEqual(['a\ufffd']);
    expect(strOfBytes(t, [0x61, 0xff])).toBe(a);
  });

  it('keeps every text apart through table growth, long texts included', () => {
    const t = new ColumnTables(() => null);
    const texts = Array.from({ length: 5000 }, (_, i) => `comm-${i}`);
    texts.push('x'.repeat(300), 'y'.repeat(300), 'é'.repeat(20));
    texts.forEach((s, i) => expect(strOfBytes(t, s)).toBe(i));
    texts.forEach((s, i) => expect(strOfBytes(t, s)).toBe(i));
    expect(t.strings).toEqual(texts);
  });
});
