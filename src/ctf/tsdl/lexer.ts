/** TSDL tokenizer: C-like tokens, comments skipped, every token carries its metadata line. */
import { CtfError } from '../errors';

export type TokKind = 'id' | 'num' | 'str' | 'punct' | 'eof';

export interface Token {
  kind: TokKind;
  /** Identifier / punctuation text, string literal value (unescaped), or number literal text. */
  text: string;
  line: number;
  /** Offset in the text just after the token. */
  end: number;
}

const PUNCT1 = '{}()[];:,=.<>*+-';
/** Single-character punctuation by char code (interned strings). */
const PUNCT_TEXT: Array<string | undefined> = [];
for (const ch of PUNCT1) PUNCT_TEXT[ch.charCodeAt(0)] = ch;

/** 1 for the characters of identifiers and number literals (ASCII letters, digits, `_`), by char code. */
const WORD_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || (c >= 48 && c <= 57)) WORD_CHAR[c] = 1;
}
/** A block text the parser may not take from its memo: strings, comments, nested blocks, line breaks. */
const NOT_SIMPLE = /["'/{\n]/;

/**
 * Pull tokenizer: the parser asks for one token at a time, so it can step over a span it has already parsed
 * (`simpleBlock`) without lexing it again.
 */
export class Lexer {
  private i = 0;
  private line = 1;
  private readonly n: number;

  constructor(
    private readonly src: string,
    private readonly fileName = 'metadata',
  ) {
    this.n = src.length;
  }

  next(): Token {
    const src = this.src;
    const n = this.n;
    let i = this.i;
    let line = this.line;
    for (;;) {
      if (i >= n) {
        this.i = i;
        this.line = line;
        return { kind: 'eof', text: '', line, end: i };
      }
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
        if (end < 0) throw new CtfError('unterminated comment', { file: this.fileName, line });
        for (let k = i; k < end; k++) if (src.charCodeAt(k) === 10) line++;
        i = end + 2;
        continue;
      }
      if (c === 47 && src.charCodeAt(i + 1) === 47) {
        while (i < n && src.charCodeAt(i) !== 10) i++;
        continue;
      }
      break;
    }
    this.line = line;
    const c = src.charCodeAt(i);
    if (WORD_CHAR[c] === 1) {
      let j = i + 1;
      while (WORD_CHAR[src.charCodeAt(j)] === 1) j++; // NaN past the end: undefined
      this.i = j;
      return { kind: c <= 57 ? 'num' : 'id', text: src.slice(i, j), line, end: j };
    }
    if (c === 34 || c === 39) return this.stringLiteral(i, c);
    let text: string | undefined;
    if (c === 46 && src.charCodeAt(i + 1) === 46 && src.charCodeAt(i + 2) === 46) text = '...';
    else if (c === 58 && src.charCodeAt(i + 1) === 61) text = ':=';
    else if (c === 45 && src.charCodeAt(i + 1) === 62) text = '->';
    else if (c < 128) text = PUNCT_TEXT[c];
    if (text === undefined)
      throw new CtfError(`unexpected character ${JSON.stringify(src[i])}`, { file: this.fileName, line });
    this.i = i + text.length;
    return { kind: 'punct', text, line, end: this.i };
  }

  private stringLiteral(i: number, quote: number): Token {
    const src = this.src;
    const n = this.n;
    let line = this.line;
    const startLine = line;
    let j = i + 1;
    const close = src.indexOf(src[i], j);
    if (close > 0) {
      const raw = src.slice(j, close);
      if (!raw.includes('\\')) {
        for (let k = 0; k < raw.length; k++) if (raw.charCodeAt(k) === 10) line++;
        this.i = close + 1;
        this.line = line;
        return { kind: 'str', text: raw, line: startLine, end: this.i };
      }
    }
    let s = '';
    while (j < n && src.charCodeAt(j) !== quote) {
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
    if (j >= n) throw new CtfError('unterminated string literal', { file: this.fileName, line: startLine });
    this.i = j + 1;
    this.line = line;
    return { kind: 'str', text: s, line: startLine, end: this.i };
  }

  /**
   * The text from `from` (just after a `{` token, nothing lexed past it) to the next `}`, when it holds no
   * string, comment, nested block or line break: the same text always parses to the same attributes, so a parser may take
   * an earlier result and `skipBlock` over it.
   */
  simpleBlock(from: number): string | null {
    if (from !== this.i) return null;
    const close = this.src.indexOf('}', from);
    if (close < 0) return null;
    const text = this.src.slice(from, close);
    return NOT_SIMPLE.test(text) ? null : text;
  }

  /** Steps over a `simpleBlock` of `text` and its closing `}`. */
  skipBlock(text: string): void {
    this.i += text.length + 1;
  }
}

/** Every token of `src` (tests and tools; the parser pulls tokens from a `Lexer`). */
export function tokenize(src: string, fileName = 'metadata'): Token[] {
  const lx = new Lexer(src, fileName);
  const out: Token[] = [];
  for (;;) {
    const t = lx.next();
    out.push(t);
    if (t.kind === 'eof') return out;
  }
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
