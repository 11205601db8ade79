/** TSDL tokenizer: C-like tokens, comments skipped, every token carries its metadata line. */
import { CtfError } from '../errors';

export type TokKind = 'id' | 'num' | 'str' | 'punct' | 'eof';

export interface Token {
  kind: TokKind;
  /** Identifier / punctuation text, string literal value (unescaped), or number literal text. */
  text: string;
  line: number;
}

const PUNCT1 = '{}()[];:,=.<>*+-';
/** Single-character punctuation by char code (interned strings). */
const PUNCT_TEXT: Array<string | undefined> = [];
for (const ch of PUNCT1) PUNCT_TEXT[ch.charCodeAt(0)] = ch;

function isIdStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isIdPart(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}

export function tokenize(src: string, fileName = 'metadata'): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  const n = src.length;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 10) {
      line++;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 11 || c === 12) {
      i++;
      continue;
    }
    if (c === 47 && src.charCodeAt(i + 1) === 42) {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new CtfError('unterminated comment', { file: fileName, line });
      for (let k = i; k < end; k++) if (src.charCodeAt(k) === 10) line++;
      i = end + 2;
      continue;
    }
    if (c === 47 && src.charCodeAt(i + 1) === 47) {
      while (i < n && src.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (isIdStart(c)) {
      let j = i + 1;
      while (j < n && isIdPart(src.charCodeAt(j))) j++;
      out.push({ kind: 'id', text: src.slice(i, j), line });
      i = j;
      continue;
    }
    if (c >= 48 && c <= 57) {
      let j = i + 1;
      while (j < n && isIdPart(src.charCodeAt(j))) j++;
      out.push({ kind: 'num', text: src.slice(i, j), line });
      i = j;
      continue;
    }
    if (c === 34 || c === 39) {
      let j = i + 1;
      let s = '';
      const startLine = line;
      const close = src.indexOf(src[i], j);
      if (close > 0) {
        const raw = src.slice(j, close);
        if (!raw.includes('\\')) {
          for (let k = 0; k < raw.length; k++) if (raw.charCodeAt(k) === 10) line++;
          out.push({ kind: 'str', text: raw, line: startLine });
          i = close + 1;
          continue;
        }
      }
      while (j < n && src.charCodeAt(j) !== c) {
        let ch = src[j];
        if (ch === '\n') line++;
        if (ch === '\\' && j + 1 < n) {
          j++;
          const e = src[j];
          ch = e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === '0' ? '\0' : e;
        }
        s += ch;
        j++;
      }
      if (j >= n) throw new CtfError('unterminated string literal', { file: fileName, line: startLine });
      out.push({ kind: 'str', text: s, line: startLine });
      i = j + 1;
      continue;
    }
    if (c === 46 && src.charCodeAt(i + 1) === 46 && src.charCodeAt(i + 2) === 46) {
      out.push({ kind: 'punct', text: '...', line });
      i += 3;
      continue;
    }
    if (c === 58 && src.charCodeAt(i + 1) === 61) {
      out.push({ kind: 'punct', text: ':=', line });
      i += 2;
      continue;
    }
    if (c === 45 && src.charCodeAt(i + 1) === 62) {
      out.push({ kind: 'punct', text: '->', line });
      i += 2;
      continue;
    }
    const p = PUNCT_TEXT[c];
    if (c < 128 && p !== undefined) {
      out.push({ kind: 'punct', text: p, line });
      i++;
      continue;
    }
    throw new CtfError(`unexpected character ${JSON.stringify(src[i])}`, { file: fileName, line });
  }
  out.push({ kind: 'eof', text: '', line });
  return out;
}

/** Parse a C integer literal (decimal, 0x hex, 0 octal, 0b binary; u/l suffixes). Null if malformed. */
export function parseIntLiteral(text: string): bigint | null {
  if (text.length < 16 && text.charCodeAt(0) !== 48) {
    let v = 0;
    for (let i = 0; i < text.length; i++) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) {
        v = -1;
        break;
      }
      v = v * 10 + d;
    }
    if (v >= 0) return BigInt(v);
  }
  const t = text.replace(/[uUlL]+$/, '');
  try {
    if (/^0[xX][0-9a-fA-F]+$/.test(t)) return BigInt(t);
    if (/^0[bB][01]+$/.test(t)) return BigInt(t);
    if (/^0[0-7]+$/.test(t)) return BigInt('0o' + t.slice(1));
    if (/^[0-9]+$/.test(t)) return BigInt(t);
  } catch {
    return null;
  }
  return null;
}
