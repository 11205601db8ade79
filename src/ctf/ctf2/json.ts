/**
 * A small strict JSON parser for CTF 2 metadata fragments.
 *
 * `JSON.parse` rounds integers beyond 2^53 (64-bit enum ranges, clock offsets, environment values), so this
 * parser keeps integer literals exact: a `number` when it is a safe integer, else a `bigint`. Numbers with a
 * fraction or exponent stay `number`. Objects have no prototype, so keys such as `__proto__` are plain keys.
 */

export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    /** Offset in the parsed text. */
    readonly offset: number,
  ) {
    super(message);
  }
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Parse `text.slice(start, end)` as exactly one JSON value (surrounding whitespace allowed). */
export function parseJson(text: string, start = 0, end = text.length): JsonValue {
  let i = start;

  const fail = (what: string, at = i): never => {
    throw new JsonSyntaxError(what, at);
  };
  const skipWs = (): void => {
    while (i < end && WS.has(text.charCodeAt(i))) i++;
  };
  const describe = (at: number): string => (at >= end ? 'end of fragment' : JSON.stringify(text[at]));

  const parseString = (): string => {
    // i is on the opening quote
    i++;
    let out = '';
    let runStart = i;
    for (;;) {
      if (i >= end) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(runStart, i);
        i++;
        return out;
      }
      if (c < 0x20) fail('control character in string');
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(runStart, i);
      i++;
      const e = text[i];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = text.slice(i + 1, i + 5);
          if (i + 5 > end || !/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
          break;
        }
        default:
          fail(`bad escape \\${e ?? ''}`);
      }
      i++;
      runStart = i;
    }
  };

  const parseNumber = (): number | bigint => {
    const s = i;
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (text[i] >= '1' && text[i] <= '9') while (i < end && text[i] >= '0' && text[i] <= '9') i++;
    else fail('bad number', s);
    let integer = true;
    if (text[i] === '.') {
      integer = false;
      i++;
      if (!(text[i] >= '0' && text[i] <= '9')) fail('bad number', s);
      while (i < end && text[i] >= '0' && text[i] <= '9') i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      integer = false;
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!(text[i] >= '0' && text[i] <= '9')) fail('bad number', s);
      while (i < end && text[i] >= '0' && text[i] <= '9') i++;
    }
    const lit = text.slice(s, i);
    if (!integer) return Number(lit);
    const n = Number(lit);
    return Number.isSafeInteger(n) ? n : BigInt(lit);
  };

  const parseValue = (depth: number): JsonValue => {
    if (depth > 512) fail('nesting too deep');
    skipWs();
    if (i >= end) fail('unexpected end of fragment');
    const c = text[i];
    if (c === '{') {
      i++;
      const obj = Object.create(null) as JsonObject;
      skipWs();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        skipWs();
        if (text[i] !== '"') fail(`expected a property name, found ${describe(i)}`);
        const keyAt = i;
        const key = parseString();
        if (Object.prototype.hasOwnProperty.call(obj, key)) fail(`duplicate property "${key}"`, keyAt);
        skipWs();
        if (text[i] !== ':') fail(`expected ':' after property name, found ${describe(i)}`);
        i++;
        obj[key] = parseValue(depth + 1);
        skipWs();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail(`expected ',' or '}' in object, found ${describe(i)}`);
      }
    }
    if (c === '[') {
      i++;
      const arr: JsonValue[] = [];
      skipWs();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue(depth + 1));
        skipWs();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail(`expected ',' or ']' in array, found ${describe(i)}`);
      }
    }
    if (c === '"') return parseString();
    if (c === '-' || (c >= '0' && c <= '9')) return parseNumber();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i) && i + word.length <= end) {
        i += word.length;
        return value;
      }
    }
    return fail(`unexpected ${describe(i)}`);
  };

  const value = parseValue(0);
  skipWs();
  if (i < end) fail(`unexpected ${describe(i)} after the JSON value`);
  return value;
}
