/**
 * Tolerant TSDL parser. Produces an intermediate tree (`TT` types with still-unresolved relative paths) and the
 * top-level blocks; `resolve.ts` turns them into a `TraceSchema`. Type names (typealias/typedef/named
 * struct/variant/enum) are lexically scoped, as in C.
 */
import { CtfError } from '../errors';
import type { TextEncoding } from '../schema';
import { Lexer, parseIntLiteral, type Token } from './lexer';

export type BoSpec = 'le' | 'be' | 'native';

export interface TInt {
  k: 'int';
  size: number;
  align: number;
  signed: boolean;
  bo: BoSpec;
  base: number;
  encoding?: TextEncoding;
  map?: string;
}
export interface TFloat {
  k: 'float';
  exp: number;
  mant: number;
  align: number;
  bo: BoSpec;
}
export interface TString {
  k: 'string';
  encoding: TextEncoding;
}
export interface TEnumEntry {
  label: string;
  lo: bigint;
  hi: bigint;
}
export interface TEnum {
  k: 'enum';
  container: TInt;
  entries: TEnumEntry[];
}
export interface TMember {
  name: string;
  type: TT;
  /** Metadata line of the declarator (duplicate-name errors name both lines). */
  line?: number;
}
export interface TStruct {
  k: 'struct';
  members: TMember[];
  align: number;
  line: number;
}
export interface TVariant {
  k: 'variant';
  tag?: string;
  options: TMember[];
  line: number;
}
export interface TArray {
  k: 'array';
  length: number;
  elem: TT;
}
export interface TSeq {
  k: 'seq';
  length: string;
  elem: TT;
  line: number;
}
export type TT = TInt | TFloat | TString | TEnum | TStruct | TVariant | TArray | TSeq;

export type AttrValue = (
  { kind: 'num'; value: bigint } | { kind: 'str'; value: string } | { kind: 'id'; value: string }
) & {
  /** Metadata line of a block attribute's name (errors about it name the line). */
  line?: number;
};

export interface Block {
  kind: 'trace' | 'env' | 'clock' | 'stream' | 'event' | 'callsite';
  line: number;
  /** Attributes by name, each with its line. */
  attrs: Map<string, AttrValue>;
  types: Map<string, TT>;
}

/** Names declared in one block or struct; maps made on first declaration (most structs declare none). */
interface Scope {
  aliases?: Map<string, TT>;
  structs?: Map<string, TStruct>;
  variants?: Map<string, TVariant>;
  enums?: Map<string, TEnum>;
}
type ScopeValue<K extends keyof Scope> = NonNullable<Scope[K]> extends Map<string, infer V> ? V : never;

const TYPE_KEYWORDS = new Set(['integer', 'floating_point', 'string', 'enum', 'struct', 'variant']);
const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);

export class TsdlParser {
  private readonly lexer: Lexer;
  /** The current token and the one after it, once lexed (the parser looks one token ahead at most). */
  private cur: Token | null = null;
  private ahead: Token | null = null;
  private scopes: Scope[] = [];
  /** Integer types by the text of their `{ }` block: a kernel metadata spells a few dozen over thousands of fields. */
  private intByText = new Map<string, TInt>();
  readonly blocks: Block[] = [];

  constructor(
    text: string,
    private fileName = 'metadata',
  ) {
    this.lexer = new Lexer(text, fileName);
  }

  private err(msg: string, tok: Token = this.peek()): CtfError {
    return new CtfError(`metadata syntax error: ${msg}`, { file: this.fileName, line: tok.line });
  }
  /** The current token (o = 0) or the one after it (o = 1). */
  private peek(o: 0 | 1 = 0): Token {
    if (this.cur === null) this.cur = this.lexer.next();
    if (o === 0 || this.cur.kind === 'eof') return this.cur;
    if (this.ahead === null) this.ahead = this.lexer.next();
    return this.ahead;
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') {
      this.cur = this.ahead;
      this.ahead = null;
    }
    return t;
  }
  private isP(text: string, o: 0 | 1 = 0): boolean {
    const t = this.peek(o);
    return t.kind === 'punct' && t.text === text;
  }
  private isId(text: string, o: 0 | 1 = 0): boolean {
    const t = this.peek(o);
    return t.kind === 'id' && t.text === text;
  }
  private expectP(text: string): Token {
    const t = this.peek();
    if (t.kind !== 'punct' || t.text !== text) {
      throw this.err(`expected '${text}' but found ${t.kind === 'eof' ? 'end of metadata' : `'${t.text}'`}`);
    }
    return this.next();
  }
  private expectId(): Token {
    const t = this.peek();
    if (t.kind !== 'id')
      throw this.err(`expected an identifier but found ${t.kind === 'eof' ? 'end of metadata' : `'${t.text}'`}`);
    return this.next();
  }
  /** `;` that tolerates being absent before `}`. */
  private endStatement(): void {
    if (this.isP(';')) this.next();
    else if (!this.isP('}')) this.expectP(';');
  }

  private pushScope(): void {
    this.scopes.push({});
  }
  private popScope(): void {
    this.scopes.pop();
  }
  private define<K extends keyof Scope>(kind: K, name: string, value: ScopeValue<K>): void {
    const scope = this.scopes[this.scopes.length - 1];
    let m = scope[kind] as Map<string, ScopeValue<K>> | undefined;
    if (m === undefined) scope[kind] = m = new Map() as Scope[K] & Map<string, ScopeValue<K>>;
    m.set(name, value);
  }
  private lookup<K extends keyof Scope>(kind: K, name: string): ScopeValue<K> | undefined {
    for (let s = this.scopes.length - 1; s >= 0; s--) {
      const v = (this.scopes[s][kind] as Map<string, ScopeValue<K>> | undefined)?.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  parse(): void {
    this.pushScope();
    while (this.peek().kind !== 'eof') {
      if (this.isP(';')) {
        this.next();
        continue;
      }
      const t = this.peek();
      if (
        t.kind === 'id' &&
        ['trace', 'env', 'clock', 'stream', 'event', 'callsite'].includes(t.text) &&
        this.isP('{', 1)
      ) {
        this.parseBlock();
        continue;
      }
      this.parseDeclarationStatement(null);
    }
  }

  private parseBlock(): void {
    const kw = this.next();
    this.expectP('{');
    const block: Block = {
      kind: kw.text as Block['kind'],
      line: kw.line,
      attrs: new Map(),
      types: new Map(),
    };
    this.pushScope();
    while (!this.isP('}')) {
      if (this.peek().kind === 'eof') throw this.err(`unterminated ${kw.text} block (opened at line ${kw.line})`);
      if (this.isP(';')) {
        this.next();
        continue;
      }
      const t = this.peek();
      if (t.kind === 'id' && (t.text === 'typealias' || t.text === 'typedef')) {
        this.parseDeclarationStatement(null);
        continue;
      }
      if (
        t.kind === 'id' &&
        TYPE_KEYWORDS.has(t.text) &&
        !this.isP('=', 1) &&
        !this.isP(':=', 1) &&
        !this.isP('.', 1)
      ) {
        this.parseDeclarationStatement(null);
        continue;
      }
      // key(.key)* = value | key(.key)* := type
      const keyTok = this.peek();
      let key = this.expectKeyWord().text;
      while (this.isP('.')) {
        this.next();
        key += '.' + this.expectKeyWord().text;
      }
      if (this.isP(':=')) {
        this.next();
        const type = this.parseTypeSpec();
        block.types.set(key, type);
        this.endStatement();
      } else if (this.isP('=')) {
        this.next();
        const first = block.attrs.get(key)?.line;
        if (first !== undefined)
          throw this.err(`duplicate attribute '${key}' in ${kw.text} block${linesText(first, keyTok.line)}`, keyTok);
        const value = this.parseAttrValue();
        value.line = keyTok.line;
        block.attrs.set(key, value);
        this.endStatement();
      } else {
        throw this.err(`expected '=' or ':=' after '${key}'`);
      }
    }
    this.next();
    this.popScope();
    if (this.isP(';')) this.next();
    this.blocks.push(block);
  }

  private expectKeyWord(): Token {
    const t = this.peek();
    if (t.kind !== 'id') throw this.err(`expected a name but found '${t.text || 'end of metadata'}'`);
    return this.next();
  }

  private checkRange(v: bigint, tok: Token): bigint {
    if (v > U64_MAX || v < I64_MIN) throw this.err(`integer literal ${tok.text} is out of the 64-bit range`, tok);
    return v;
  }

  private parseAttrValue(): AttrValue {
    const t = this.peek();
    if (t.kind === 'punct' && (t.text === '-' || t.text === '+')) {
      this.next();
      const n = this.next();
      const v = n.kind === 'num' ? parseIntLiteral(n.text) : null;
      if (v === null) throw this.err(`expected a number after '${t.text}'`, n);
      return { kind: 'num', value: this.checkRange(t.text === '-' ? -v : v, n) };
    }
    if (t.kind === 'num') {
      this.next();
      const v = parseIntLiteral(t.text);
      if (v === null) throw this.err(`malformed number '${t.text}'`, t);
      return { kind: 'num', value: this.checkRange(v, t) };
    }
    if (t.kind === 'str') {
      this.next();
      return { kind: 'str', value: t.text };
    }
    if (t.kind === 'id') {
      this.next();
      let v = t.text;
      while (this.isP('.') && this.peek(1).kind === 'id') {
        this.next();
        v += '.' + this.next().text;
      }
      return { kind: 'id', value: v };
    }
    throw this.err(`expected a value but found '${t.text || 'end of metadata'}'`);
  }

  /** typealias / typedef / named type declaration / field declaration(s), ended by `;`. Members go to `into`. */
  private parseDeclarationStatement(into: TMember[] | null): void {
    const t = this.peek();
    if (t.kind === 'id' && t.text === 'typealias') {
      this.next();
      const type = this.parseTypeSpec();
      this.expectP(':=');
      const words: string[] = [];
      while (this.peek().kind === 'id' || this.isP('*')) words.push(this.next().text);
      if (words.length === 0) throw this.err('expected the alias name after :=');
      this.define('aliases', normaliseAlias(words), type);
      this.endStatement();
      return;
    }
    if (t.kind === 'id' && t.text === 'typedef') {
      this.next();
      const { type, words } = this.parseTypeSpecWithWords();
      let base = type;
      if (base === null) {
        // `typedef some alias words name`
        if (words.length < 2) throw this.err('typedef needs a type and a name');
        base = this.resolveAlias(words.slice(0, -1), t);
        this.declarators(base, into, words[words.length - 1], true);
      } else {
        this.declarators(base, into, null, true);
      }
      return;
    }
    const { type, words } = this.parseTypeSpecWithWords();
    if (type === null) {
      if (words.length < 2) throw this.err(`unknown type or missing field name near '${words.join(' ')}'`, t);
      const base = this.resolveAlias(words.slice(0, -1), t);
      this.declarators(base, into, words[words.length - 1], false);
      return;
    }
    if (this.isP(';') || this.isP('}')) {
      // a named struct/variant/enum declaration alone
      this.endStatement();
      return;
    }
    this.declarators(type, into, null, false);
  }

  private resolveAlias(words: string[], tok: Token): TT {
    const name = normaliseAlias(words);
    const t = this.lookup('aliases', name);
    if (!t) throw this.err(`unknown type '${name}'`, tok);
    return t;
  }

  /** Declarators after a type: `name`, `name[3]`, `name[len]`, comma separated, then `;`. */
  private declarators(base: TT, into: TMember[] | null, firstName: string | null, isTypedef: boolean): void {
    let name = firstName;
    for (;;) {
      let nameLine = this.peek().line;
      if (name === null) {
        while (this.isP('*')) this.next();
        const nt = this.expectId();
        name = nt.text;
        nameLine = nt.line;
      }
      let type = base;
      const dims: Array<{ len: number } | { path: string; line: number }> = [];
      while (this.isP('[')) {
        const open = this.next();
        if (this.peek().kind === 'num') {
          const n = parseIntLiteral(this.next().text);
          if (n === null || n > BigInt(Number.MAX_SAFE_INTEGER)) throw this.err('malformed array length', open);
          dims.push({ len: Number(n) });
        } else {
          let path = '';
          while (!this.isP(']')) {
            const p = this.next();
            if (p.kind === 'eof') throw this.err('unterminated [ ] in declarator', open);
            path += p.text;
          }
          if (path === '') throw this.err('empty array length', open);
          dims.push({ path, line: open.line });
        }
        this.expectP(']');
      }
      if (this.isP(':')) {
        // GNU bitfield width: TSDL allows it; treat the declared type as is.
        this.next();
        this.next();
      }
      for (let d = dims.length - 1; d >= 0; d--) {
        const dim = dims[d];
        type =
          'len' in dim
            ? { k: 'array', length: dim.len, elem: type }
            : { k: 'seq', length: dim.path, elem: type, line: dim.line };
      }
      if (isTypedef) this.define('aliases', name, type);
      else if (into) into.push({ name, type, line: nameLine });
      else throw this.err(`field '${name}' declared outside a struct or variant`);
      name = null;
      if (this.isP(',')) {
        this.next();
        continue;
      }
      this.endStatement();
      return;
    }
  }

  /** A type spec, or (for alias references) null plus the words read, the last of which may be the field name. */
  private parseTypeSpecWithWords(): { type: TT | null; words: string[] } {
    const t = this.peek();
    if (t.kind === 'id' && TYPE_KEYWORDS.has(t.text)) return { type: this.parseTypeSpec(), words: [] };
    const words: string[] = [];
    while (this.peek().kind === 'id' || this.isP('*')) words.push(this.next().text);
    if (words.length === 0) throw this.err(`expected a type but found '${t.text || 'end of metadata'}'`);
    // All words form a known alias and what follows is not a name: a bare alias (typedef target or similar).
    return { type: null, words };
  }

  parseTypeSpec(): TT {
    const t = this.peek();
    if (t.kind !== 'id') throw this.err(`expected a type but found '${t.text || 'end of metadata'}'`);
    switch (t.text) {
      case 'integer':
        this.next();
        return this.parseInteger(t);
      case 'floating_point':
        this.next();
        return this.parseFloat(t);
      case 'string': {
        this.next();
        let encoding: TextEncoding = 'utf-8';
        if (this.isP('{')) {
          const attrs = this.parseAttrBlock('string');
          const e = attrs.get('encoding');
          if (e) encoding = parseEncoding(e.value.toString()) ?? 'utf-8';
        }
        return { k: 'string', encoding };
      }
      case 'enum':
        this.next();
        return this.parseEnum(t);
      case 'struct':
        this.next();
        return this.parseStruct(t);
      case 'variant':
        this.next();
        return this.parseVariant(t);
      default: {
        const words: string[] = [];
        while (this.peek().kind === 'id' || this.isP('*')) words.push(this.next().text);
        return this.resolveAlias(words, t);
      }
    }
  }

  private parseAttrBlock(what: string): Map<string, AttrValue> {
    this.expectP('{');
    const attrs = new Map<string, AttrValue>();
    const lines = new Map<string, number>();
    while (!this.isP('}')) {
      if (this.peek().kind === 'eof') throw this.err('unterminated { }');
      if (this.isP(';')) {
        this.next();
        continue;
      }
      const keyTok = this.expectId();
      const key = keyTok.text;
      const first = lines.get(key);
      if (first !== undefined)
        throw this.err(`duplicate attribute '${key}' in ${what}${linesText(first, keyTok.line)}`, keyTok);
      lines.set(key, keyTok.line);
      this.expectP('=');
      attrs.set(key, this.parseAttrValue());
      this.endStatement();
    }
    this.next();
    return attrs;
  }

  private parseInteger(kw: Token): TInt {
    // The same block text always gives the same integer (no scope lookups inside): parse it once.
    const open = this.peek();
    const text =
      open.kind === 'punct' && open.text === '{' && this.ahead === null ? this.lexer.simpleBlock(open.end) : null;
    if (text !== null) {
      const known = this.intByText.get(text);
      if (known) {
        this.next();
        this.lexer.skipBlock(text);
        return known;
      }
    }
    const t = this.parseIntegerBlock(kw);
    if (text !== null) this.intByText.set(text, t);
    return t;
  }

  private parseIntegerBlock(kw: Token): TInt {
    const attrs = this.parseAttrBlock('integer');
    const num = (k: string): number | undefined => {
      const v = attrs.get(k);
      if (!v) return undefined;
      if (v.kind !== 'num') throw this.err(`integer attribute '${k}' must be a number`, kw);
      return Number(v.value);
    };
    const size = num('size');
    if (size === undefined) throw this.err('integer without a size', kw);
    if (!(size >= 1 && size <= 64)) throw this.err(`integer size ${size} is outside 1..64`, kw);
    let align = num('align') ?? (size % 8 === 0 ? 8 : 1);
    checkAlign(align, () => this.err(`integer alignment ${align} is not a power of two from 1 to 64 bits`, kw));
    const sgn = attrs.get('signed');
    const signed = sgn ? parseBool(sgn, () => this.err(`bad 'signed' value`, kw)) : false;
    const bo = parseByteOrder(attrs.get('byte_order'), () => this.err(`bad byte_order`, kw));
    const b = attrs.get('base');
    const base = b ? parseBase(b, () => this.err(`bad integer base '${b.value}'`, kw)) : 10;
    const e = attrs.get('encoding');
    const encoding = e ? parseEncoding(e.value.toString()) : undefined;
    const m = attrs.get('map');
    let map: string | undefined;
    if (m) {
      const mm = /^clock\.(.+)\.value$/.exec(m.value.toString());
      if (mm) map = mm[1];
    }
    align = Math.max(1, align);
    return { k: 'int', size, align, signed, bo, base, encoding, map };
  }

  private parseFloat(kw: Token): TFloat {
    const attrs = this.parseAttrBlock('floating_point');
    const get = (k: string) => {
      const v = attrs.get(k);
      if (!v || v.kind !== 'num') throw this.err(`floating_point without '${k}'`, kw);
      return Number(v.value);
    };
    const exp = get('exp_dig');
    const mant = get('mant_dig');
    const total = exp + mant;
    if (total !== 32 && total !== 64)
      throw this.err(`unsupported floating point size ${total} (exp_dig ${exp}, mant_dig ${mant})`, kw);
    const a = attrs.get('align');
    const align = a && a.kind === 'num' ? Number(a.value) : 8;
    checkAlign(align, () => this.err(`floating point alignment ${align} is not a power of two from 1 to 64 bits`, kw));
    const bo = parseByteOrder(attrs.get('byte_order'), () => this.err('bad byte_order', kw));
    return { k: 'float', exp, mant, align, bo };
  }

  private parseEnum(kw: Token): TEnum {
    let name: string | undefined;
    if (this.peek().kind === 'id' && !this.isP(':', 0)) name = this.next().text;
    let container: TT | undefined;
    if (this.isP(':')) {
      this.next();
      container = this.parseTypeSpec();
    }
    if (!this.isP('{')) {
      if (name === undefined) throw this.err('enum without a body', kw);
      const e = this.lookup('enums', name);
      if (!e) throw this.err(`unknown enum '${name}'`, kw);
      return e;
    }
    if (!container) {
      container = this.lookup('aliases', 'int');
      if (!container) throw this.err("enum without a container type and no 'int' alias", kw);
    }
    if (container.k !== 'int') throw this.err('enum container must be an integer', kw);
    this.next();
    const entries: TEnumEntry[] = [];
    let nextVal = 0n;
    while (!this.isP('}')) {
      const lt = this.next();
      if (lt.kind !== 'id' && lt.kind !== 'str')
        throw this.err(`expected an enum label but found '${lt.text || 'end of metadata'}'`, lt);
      let lo = nextVal;
      let hi = nextVal;
      if (this.isP('=')) {
        this.next();
        lo = this.enumValue();
        hi = lo;
        if (this.isP('...')) {
          this.next();
          hi = this.enumValue();
        }
      }
      if (hi < lo) [lo, hi] = [hi, lo];
      entries.push({ label: lt.text, lo, hi });
      nextVal = hi + 1n;
      if (this.isP(',')) this.next();
      else if (!this.isP('}')) throw this.err(`expected ',' or '}' in enum`);
    }
    this.next();
    const e: TEnum = { k: 'enum', container, entries };
    if (name !== undefined) this.define('enums', name, e);
    return e;
  }

  private enumValue(): bigint {
    const v = this.parseAttrValue();
    if (v.kind !== 'num') throw this.err('enum value must be an integer');
    return v.value;
  }

  private parseStruct(kw: Token): TStruct {
    let name: string | undefined;
    if (this.peek().kind === 'id' && !this.isId('align')) name = this.next().text;
    let s: TStruct;
    if (this.isP('{')) {
      this.next();
      const members: TMember[] = [];
      this.pushScope();
      while (!this.isP('}')) {
        if (this.peek().kind === 'eof') throw this.err(`unterminated struct (opened at line ${kw.line})`);
        if (this.isP(';')) {
          this.next();
          continue;
        }
        this.parseDeclarationStatement(members);
      }
      this.next();
      this.popScope();
      // Checked here, not only when resolved: babeltrace2 refuses a duplicate even in a struct nothing uses.
      const seen = new Map<string, number>();
      for (const m of members) {
        const first = seen.get(m.name);
        const line = m.line ?? kw.line;
        if (first !== undefined) {
          throw new CtfError(`duplicate field name '${m.name}' in struct${linesText(first, line)}`, {
            file: this.fileName,
            line,
          });
        }
        seen.set(m.name, line);
      }
      s = { k: 'struct', members, align: 1, line: kw.line };
      if (name !== undefined) this.define('structs', name, s);
    } else {
      if (name === undefined) throw this.err('struct without a body', kw);
      const found = this.lookup('structs', name);
      if (!found) throw this.err(`unknown struct '${name}'`, kw);
      s = found;
    }
    if (this.isId('align')) {
      this.next();
      this.expectP('(');
      const at = this.next();
      const n = parseIntLiteral(at.text);
      if (n === null) throw this.err('bad align()');
      this.expectP(')');
      // babeltrace2 accepts any struct align(): only values that would make the decoder skip absurd distances fail.
      checkAlign(Number(n), () => this.err(`struct alignment ${n} is outside 1..2^30 bits`, at), true);
      s.align = Number(n);
    }
    return s;
  }

  private parseVariant(kw: Token): TVariant {
    let name: string | undefined;
    if (this.peek().kind === 'id') name = this.next().text;
    let tag: string | undefined;
    if (this.isP('<')) {
      this.next();
      tag = '';
      while (!this.isP('>')) {
        const p = this.next();
        if (p.kind === 'eof') throw this.err('unterminated variant tag', kw);
        tag += p.text;
      }
      this.next();
    }
    if (this.isP('{')) {
      this.next();
      const options: TMember[] = [];
      this.pushScope();
      while (!this.isP('}')) {
        if (this.peek().kind === 'eof') throw this.err(`unterminated variant (opened at line ${kw.line})`);
        if (this.isP(';')) {
          this.next();
          continue;
        }
        this.parseDeclarationStatement(options);
      }
      this.next();
      this.popScope();
      const v: TVariant = { k: 'variant', tag, options, line: kw.line };
      if (name !== undefined) this.define('variants', name, v);
      return v;
    }
    if (name === undefined) throw this.err('variant without a body', kw);
    const found = this.lookup('variants', name);
    if (!found) throw this.err(`unknown variant '${name}'`, kw);
    return tag !== undefined ? { ...found, tag, line: kw.line } : found;
  }
}

/**
 * CTF 1.8: alignments are powers of two. More than 64 bits is refused too: `align = 4294967296` passes a 32-bit
 * power-of-two test and would make the decoder skip gigabits between phantom events. A struct's `align()` is only
 * bounded to what 32-bit masks handle (`loose`): babeltrace2 accepts any value there, and a trace it reads must
 * stay readable.
 */
function checkAlign(align: number, fail: () => Error, loose = false): void {
  if (!Number.isSafeInteger(align) || align < 1 || align > (loose ? 2 ** 30 : 64)) throw fail();
  if (!loose && (align & (align - 1)) !== 0) throw fail();
}

/** ' (lines 3 and 7)', or ' (twice on line 3)': where both copies of a duplicate are. */
export function linesText(first: number, second: number): string {
  return first === second ? ` (twice on line ${first})` : ` (lines ${first} and ${second})`;
}

function normaliseAlias(words: string[]): string {
  return words.filter((w) => w !== 'const').join(' ');
}

function parseBool(v: AttrValue, fail: () => Error): boolean {
  const s = v.value.toString();
  if (s === 'true' || s === 'TRUE' || s === '1') return true;
  if (s === 'false' || s === 'FALSE' || s === '0') return false;
  throw fail();
}

function parseByteOrder(v: AttrValue | undefined, fail: () => Error): BoSpec {
  if (!v) return 'native';
  switch (v.value.toString()) {
    case 'native':
      return 'native';
    case 'network':
    case 'be':
    case 'big_endian':
      return 'be';
    case 'le':
    case 'little_endian':
      return 'le';
    default:
      throw fail();
  }
}

function parseBase(v: AttrValue, fail: () => Error): number {
  switch (v.value.toString()) {
    case 'decimal':
    case 'dec':
    case 'd':
    case 'i':
    case 'u':
    case '10':
      return 10;
    case 'hexadecimal':
    case 'hex':
    case 'x':
    case 'X':
    case 'p':
    case '16':
      return 16;
    case 'octal':
    case 'oct':
    case 'o':
    case '8':
      return 8;
    case 'binary':
    case 'b':
    case '2':
      return 2;
    default:
      throw fail();
  }
}

export function parseEncoding(s: string): TextEncoding | undefined {
  switch (s) {
    case 'UTF8':
    case 'utf8':
    case 'UTF-8':
      return 'utf-8';
    case 'ASCII':
    case 'ascii':
      return 'ascii';
    default:
      return undefined;
  }
}
