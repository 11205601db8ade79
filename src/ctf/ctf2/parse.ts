/**
 * CTF 2 metadata front end: the JSON text sequence (RFC 7464: 0x1E + JSON + newline per fragment) of a
 * de-packetized CTF 2 metadata stream, turned into the syntax-free `TraceSchema` the binary decoder reads.
 *
 * Follows CTF2-SPEC-2.0 and also reads the pre-release layout (the one of Trace Compass's `CTF2-7.0-*` test
 * traces): `fixed-length-*-enumeration` types, field locations as `[scope, name...]` arrays, clock classes
 * keyed by `name` with a `uuid`, `default-clock-class-name`, a trace-class `uuid`, `user-attributes`.
 *
 * Relative field locations are resolved here to absolute `FieldLocation`s; every location is checked to name
 * an earlier field of a suitable type. Errors name the fragment (index from 0 and type), the JSON property
 * path inside it and the metadata line where the fragment starts.
 */
import type {
  BitOrder,
  ByteOrder,
  ClockClass,
  EnumMapping,
  EventClass,
  FieldClass,
  FieldLocation,
  Role,
  ScopeName,
  StreamClass,
  StructClass,
  StructMember,
  TextEncoding,
  TraceSchema,
  VariantOption,
} from '../schema';
import { CtfError } from '../errors';
import { JsonSyntaxError, parseJson, type JsonObject, type JsonValue } from './json';

type Range = [number | bigint, number | bigint];

const ORIGIN_TO_SCOPE: Record<string, ScopeName> = {
  'packet-header': 'packet.header',
  'packet-context': 'packet.context',
  'event-record-header': 'event.header',
  'event-record-common-context': 'event.common-context',
  'event-record-specific-context': 'event.specific-context',
  'event-record-payload': 'event.payload',
};

/** Decoding order of the scopes: a location may only point to its own scope or an earlier one. */
const SCOPE_ORDER: ScopeName[] = [
  'packet.header',
  'packet.context',
  'event.header',
  'event.common-context',
  'event.specific-context',
  'event.payload',
];

/** Which roles each scope may carry (CTF2-SPEC-2.0 §6.3, "roles"). */
const SCOPE_ROLES: Record<ScopeName, Role[]> = {
  'packet.header': ['packet-magic-number', 'metadata-stream-uuid', 'data-stream-class-id', 'data-stream-id'],
  'packet.context': [
    'default-clock-timestamp',
    'packet-end-default-clock-timestamp',
    'packet-content-length',
    'packet-total-length',
    'packet-sequence-number',
    'discarded-event-record-counter-snapshot',
  ],
  'event.header': ['event-record-class-id', 'default-clock-timestamp'],
  'event.common-context': [],
  'event.specific-context': [],
  'event.payload': [],
};

const UINT_ROLES = new Set<Role>([
  'packet-magic-number',
  'data-stream-class-id',
  'data-stream-id',
  'default-clock-timestamp',
  'packet-end-default-clock-timestamp',
  'packet-content-length',
  'packet-total-length',
  'packet-sequence-number',
  'discarded-event-record-counter-snapshot',
  'event-record-class-id',
]);

const ENCODINGS = new Set<TextEncoding>(['utf-8', 'utf-16be', 'utf-16le', 'utf-32be', 'utf-32le']);

/** babeltrace2's log level names (CTF 2 `log-level` attribute) to LTTng's numeric `loglevel` (CTF 1.8). */
const LOG_LEVELS: Record<string, number> = {
  emergency: 0,
  alert: 1,
  critical: 2,
  error: 3,
  warning: 4,
  notice: 5,
  info: 6,
  'debug:system': 7,
  'debug:program': 8,
  'debug:process': 9,
  'debug:module': 10,
  'debug:unit': 11,
  'debug:function': 12,
  'debug:line': 13,
  debug: 14,
};

/** Where an error happened inside a fragment: the JSON property path, built only when reporting. */
interface Where {
  parent: Where | null;
  key: string | number;
}

function pathOf(w: Where): string {
  let out = '';
  for (let x: Where | null = w; x && x.parent; x = x.parent) {
    out = (typeof x.key === 'number' ? `[${x.key}]` : x.parent.parent ? `.${x.key}` : x.key) + out;
  }
  return out;
}

class Fail extends Error {
  constructor(
    readonly where: Where,
    readonly what: string,
  ) {
    super(what);
  }
}

const at = (w: Where, key: string | number): Where => ({ parent: w, key });

function fail(w: Where, what: string): never {
  throw new Fail(w, what);
}

// ---------------------------------------------------------------------------------------------------------
// JSON accessors with errors that say where

const isObj = (v: JsonValue | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(v: JsonValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'bigint') return `${v}`;
  return JSON.stringify(v);
}

function obj(v: JsonValue | undefined, w: Where): JsonObject {
  if (!isObj(v)) fail(w, `expected an object, found ${describe(v)}`);
  return v;
}

function str(v: JsonValue | undefined, w: Where): string {
  if (typeof v !== 'string') fail(w, `expected a string, found ${describe(v)}`);
  return v;
}

function int(v: JsonValue | undefined, w: Where): number | bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(w, `expected an integer, found ${describe(v)}`);
  return v;
}

/** A non-negative integer that fits a double exactly (ids, lengths, alignments). */
function count(v: JsonValue | undefined, w: Where, min = 0): number {
  const n = int(v, w);
  if (typeof n === 'bigint' || n < min) fail(w, `expected an integer >= ${min}, found ${describe(v)}`);
  return n;
}

function arr(v: JsonValue | undefined, w: Where): JsonValue[] {
  if (!Array.isArray(v)) fail(w, `expected an array, found ${describe(v)}`);
  return v;
}

function uuidBytes(v: JsonValue | undefined, w: Where): Uint8Array {
  const a = arr(v, w);
  if (a.length !== 16) fail(w, `a UUID is 16 bytes, found ${a.length}`);
  return Uint8Array.from(
    a.map((b, i) => {
      const n = count(b, at(w, i));
      if (n > 255) fail(at(w, i), `a UUID byte is 0..255, found ${n}`);
      return n;
    }),
  );
}

function uuidString(b: Uint8Array): string {
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function align(v: JsonValue | undefined, w: Where, dflt: number): number {
  if (v === undefined) return dflt;
  const n = count(v, w, 1);
  if ((n & (n - 1)) !== 0) fail(w, `alignment must be a power of two, found ${n}`);
  return n;
}

const lessThan = (a: number | bigint, b: number | bigint): boolean => (a as bigint) < (b as bigint);

/** An integer range set: [[lo, hi], ...] with lo <= hi. */
function ranges(v: JsonValue | undefined, w: Where, signed: boolean | null): Range[] {
  const a = arr(v, w);
  if (a.length === 0) fail(w, 'expected at least one range');
  return a.map((r, i) => {
    const rw = at(w, i);
    const pair = arr(r, rw);
    if (pair.length !== 2) fail(rw, `a range is [lower, upper], found ${pair.length} elements`);
    const lo = int(pair[0], at(rw, 0));
    const hi = int(pair[1], at(rw, 1));
    if (lessThan(hi, lo)) fail(rw, `range lower bound ${lo} is greater than its upper bound ${hi}`);
    if (signed === false && lessThan(lo, 0)) fail(rw, `negative bound ${lo} for an unsigned selector or mapping`);
    return [lo, hi] as Range;
  });
}

function mappings(v: JsonValue | undefined, w: Where, signed: boolean | null): EnumMapping[] | undefined {
  if (v === undefined) return undefined;
  const o = obj(v, w);
  return Object.keys(o).map((label) => ({ label, ranges: ranges(o[label], at(w, label), signed) }));
}

function byteOrder(v: JsonValue | undefined, w: Where): ByteOrder {
  if (v === 'little-endian') return 'le';
  if (v === 'big-endian') return 'be';
  // CTF 2 has no default byte order: every fixed-length class states it.
  return fail(w, `expected "little-endian" or "big-endian", found ${describe(v)}`);
}

function bitOrder(v: JsonValue | undefined, w: Where, bo: ByteOrder): BitOrder | undefined {
  if (v === undefined) return undefined;
  if (v !== 'first-to-last' && v !== 'last-to-first') {
    fail(w, `expected "first-to-last" or "last-to-first", found ${describe(v)}`);
  }
  const dflt: BitOrder = bo === 'le' ? 'first-to-last' : 'last-to-first';
  return v === dflt ? undefined : v;
}

function encoding(v: JsonValue | undefined, w: Where): TextEncoding {
  if (v === undefined) return 'utf-8';
  if (typeof v !== 'string' || !ENCODINGS.has(v as TextEncoding)) {
    fail(w, `unknown string encoding ${describe(v)} (expected utf-8, utf-16be, utf-16le, utf-32be or utf-32le)`);
  }
  return v as TextEncoding;
}

function noExtensions(o: JsonObject, w: Where): void {
  const ext = o.extensions;
  if (ext === undefined) return;
  const e = obj(ext, at(w, 'extensions'));
  const names = Object.keys(e).flatMap((ns) => (isObj(e[ns]) ? Object.keys(e[ns]).map((n) => `${ns}/${n}`) : [ns]));
  if (names.length > 0) {
    fail(at(w, 'extensions'), `unsupported CTF 2 extension(s) ${names.join(', ')}: this reader supports none`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Field classes

interface Alias {
  json: JsonValue;
  /** Order of definition: an alias may only use aliases defined before it. */
  index: number;
}

/** What a location must point to: a length, a variant selector, an optional's boolean or integer selector. */
type Want = 'length' | 'selector' | 'optional-bool' | 'optional-int';

interface ScopeCtx {
  scope: ScopeName;
  /** Default clock class of the data stream class, for `mappedClock` and timestamp roles. */
  clock?: string;
  /** Root structs of the scopes already converted (the locations' targets). */
  roots: Partial<Record<ScopeName, StructClass>>;
  /** Locations of this scope, checked once its root struct is complete. */
  pending: Array<{ loc: FieldLocation; w: Where; want: Want }>;
}

interface FcCtx {
  /** null while checking an alias definition: there is no scope to resolve locations against. */
  scope: ScopeCtx | null;
  /** Names from the scope root to the innermost enclosing struct: relative locations start there. */
  prefix: string[];
  /**
   * Name of the member of that struct whose class is being read (null for the scope root). A struct met
   * inside it (directly or through arrays, optionals, variants) has `prefix + memberName` as its own prefix.
   */
  memberName: string | null;
  aliasLimit: number;
}

class FieldClassReader {
  readonly aliases = new Map<string, Alias>();

  /** Converts a field class, expanding aliases and resolving locations. */
  read(v: JsonValue | undefined, w: Where, ctx: FcCtx): FieldClass {
    if (typeof v === 'string') {
      const alias = this.aliases.get(v);
      if (!alias || alias.index >= ctx.aliasLimit) {
        fail(w, `unknown field class alias "${v}" (an alias must be defined by an earlier fragment)`);
      }
      return this.read(alias.json, at(w, `<alias ${v}>`), { ...ctx, aliasLimit: alias.index });
    }
    const o = obj(v, w);
    const type = str(o.type, at(w, 'type'));
    noExtensions(o, w);
    const fixed = (): { size: number; align: number; byteOrder: ByteOrder; bitOrder?: BitOrder } => {
      const size = count(o.length, at(w, 'length'), 1);
      const bo = byteOrder(o['byte-order'], at(w, 'byte-order'));
      const bio = bitOrder(o['bit-order'], at(w, 'bit-order'), bo);
      return {
        size,
        align: align(o.alignment, at(w, 'alignment'), 1),
        byteOrder: bo,
        ...(bio ? { bitOrder: bio } : {}),
      };
    };
    const base = (): number => {
      const b = o['preferred-display-base'] ?? 10;
      if (b !== 2 && b !== 8 && b !== 10 && b !== 16) {
        fail(at(w, 'preferred-display-base'), `expected 2, 8, 10 or 16, found ${describe(b)}`);
      }
      return b;
    };

    switch (type) {
      case 'fixed-length-bit-array': {
        const f = fixed();
        if (f.size > 64) fail(at(w, 'length'), `fixed-length bit arrays longer than 64 bits are not supported`);
        return { kind: 'bitarray', ...f };
      }
      case 'fixed-length-bit-map': {
        const f = fixed();
        if (f.size > 64) fail(at(w, 'length'), `fixed-length bit maps longer than 64 bits are not supported`);
        const flags = mappings(o.flags, at(w, 'flags'), false);
        if (!flags || flags.length === 0) fail(at(w, 'flags'), 'a bit map needs at least one flag');
        for (const fl of flags) {
          for (const [, hi] of fl.ranges) {
            if (!lessThan(hi, f.size))
              fail(at(at(w, 'flags'), fl.label), `bit index ${hi} is beyond the ${f.size}-bit map`);
          }
        }
        return { kind: 'bitarray', ...f, flags };
      }
      case 'fixed-length-boolean': {
        const f = fixed();
        if (f.size > 64) fail(at(w, 'length'), `fixed-length booleans longer than 64 bits are not supported`);
        return { kind: 'bool', ...f };
      }
      case 'fixed-length-unsigned-integer':
      case 'fixed-length-signed-integer':
      case 'fixed-length-unsigned-enumeration': // pre-release name
      case 'fixed-length-signed-enumeration': {
        const f = fixed();
        if (f.size > 64) fail(at(w, 'length'), `integers longer than 64 bits are not supported (found ${f.size})`);
        const signed = type.startsWith('fixed-length-signed');
        const roles = this.roles(o, w, ctx, signed, 'int');
        const maps = mappings(o.mappings, at(w, 'mappings'), signed);
        const clock =
          ctx.scope?.clock !== undefined &&
          roles?.some((r) => r === 'default-clock-timestamp' || r === 'packet-end-default-clock-timestamp')
            ? ctx.scope.clock
            : undefined;
        return {
          kind: 'int',
          ...f,
          signed,
          base: base(),
          ...(clock !== undefined ? { mappedClock: clock } : {}),
          ...(roles ? { roles } : {}),
          ...(maps ? { mappings: maps } : {}),
        };
      }
      case 'fixed-length-floating-point-number': {
        const f = fixed();
        if (f.size !== 16 && f.size !== 32 && f.size !== 64 && f.size !== 128) {
          fail(at(w, 'length'), `floating-point numbers are 16, 32, 64 or 128 bits long, found ${f.size}`);
        }
        return { kind: 'float', ...f, size: f.size };
      }
      case 'variable-length-unsigned-integer':
      case 'variable-length-signed-integer':
      case 'variable-length-unsigned-enumeration': // pre-release name
      case 'variable-length-signed-enumeration': {
        const signed = type.startsWith('variable-length-signed');
        const roles = this.roles(o, w, ctx, signed, 'varint');
        const maps = mappings(o.mappings, at(w, 'mappings'), signed);
        return {
          kind: 'varint',
          signed,
          base: base(),
          ...(roles ? { roles } : {}),
          ...(maps ? { mappings: maps } : {}),
        };
      }
      case 'null-terminated-string':
        return { kind: 'string', encoding: encoding(o.encoding, at(w, 'encoding')) };
      case 'static-length-string':
        return {
          kind: 'static-string',
          length: count(o.length, at(w, 'length')),
          encoding: encoding(o.encoding, at(w, 'encoding')),
        };
      case 'dynamic-length-string':
        return {
          kind: 'dynamic-string',
          length: this.location(o['length-field-location'], at(w, 'length-field-location'), ctx, 'length'),
          encoding: encoding(o.encoding, at(w, 'encoding')),
        };
      case 'static-length-blob': {
        const length = count(o.length, at(w, 'length'));
        const roles = this.roles(o, w, ctx, false, 'blob');
        if (roles && length !== 16) fail(at(w, 'length'), `a metadata-stream-uuid BLOB is 16 bytes, found ${length}`);
        return { kind: 'blob', length, ...(roles ? { roles } : {}) };
      }
      case 'dynamic-length-blob':
        return {
          kind: 'blob',
          length: this.location(o['length-field-location'], at(w, 'length-field-location'), ctx, 'length'),
        };
      case 'structure':
        return this.struct(o, w, ctx);
      case 'static-length-array':
        return {
          kind: 'array',
          length: count(o.length, at(w, 'length')),
          element: this.read(o['element-field-class'], at(w, 'element-field-class'), ctx),
          minAlign: align(o['minimum-alignment'], at(w, 'minimum-alignment'), 1),
        };
      case 'dynamic-length-array': {
        const length = this.location(o['length-field-location'], at(w, 'length-field-location'), ctx, 'length');
        return {
          kind: 'sequence',
          length,
          element: this.read(o['element-field-class'], at(w, 'element-field-class'), ctx),
          minAlign: align(o['minimum-alignment'], at(w, 'minimum-alignment'), 1),
        };
      }
      case 'optional': {
        const r = o['selector-field-ranges'];
        // With ranges the selector is an integer, without it a boolean (CTF2-SPEC-2.0 optional field class).
        const want = r === undefined ? 'optional-bool' : 'optional-int';
        const selector = this.location(o['selector-field-location'], at(w, 'selector-field-location'), ctx, want);
        return {
          kind: 'optional',
          selector,
          ...(r !== undefined ? { ranges: ranges(r, at(w, 'selector-field-ranges'), null) } : {}),
          type: this.read(o['field-class'], at(w, 'field-class'), ctx),
        };
      }
      case 'variant': {
        const selector = this.location(o['selector-field-location'], at(w, 'selector-field-location'), ctx, 'selector');
        const ow = at(w, 'options');
        const opts = arr(o.options, ow);
        if (opts.length === 0) fail(ow, 'a variant needs at least one option');
        const seen = new Set<string>();
        const options: VariantOption[] = opts.map((op, i) => {
          const w2 = at(ow, i);
          const oo = obj(op, w2);
          const name = oo.name === undefined ? '' : str(oo.name, at(w2, 'name'));
          if (name !== '' && seen.has(name)) fail(at(w2, 'name'), `duplicate variant option name "${name}"`);
          seen.add(name);
          return {
            name,
            ranges: ranges(oo['selector-field-ranges'], at(w2, 'selector-field-ranges'), null),
            type: this.read(oo['field-class'], at(w2, 'field-class'), ctx),
          };
        });
        checkDisjoint(options, ow);
        return { kind: 'variant', selector, options };
      }
      default:
        return fail(at(w, 'type'), `unknown field class type "${type}"`);
    }
  }

  struct(o: JsonObject, w: Where, ctx: FcCtx): StructClass {
    const prefix = ctx.memberName === null ? ctx.prefix : [...ctx.prefix, ctx.memberName];
    const mw = at(w, 'member-classes');
    const list = o['member-classes'] === undefined ? [] : arr(o['member-classes'], mw);
    const members: StructMember[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < list.length; i++) {
      const w2 = at(mw, i);
      const m = obj(list[i], w2);
      const name = str(m.name, at(w2, 'name'));
      if (seen.has(name)) fail(at(w2, 'name'), `duplicate structure member name "${name}"`);
      seen.add(name);
      noExtensions(m, w2);
      members.push({
        name,
        type: this.read(m['field-class'], at(w2, 'field-class'), { ...ctx, prefix, memberName: name }),
      });
    }
    return { kind: 'struct', minAlign: align(o['minimum-alignment'], at(w, 'minimum-alignment'), 1), members };
  }

  roles(o: JsonObject, w: Where, ctx: FcCtx, signed: boolean, kind: 'int' | 'varint' | 'blob'): Role[] | undefined {
    if (o.roles === undefined) return undefined;
    const rw = at(w, 'roles');
    const list = arr(o.roles, rw).map((r, i) => str(r, at(rw, i)) as Role);
    if (list.length === 0) return undefined;
    for (let i = 0; i < list.length; i++) {
      const r = list[i];
      if (kind === 'blob' ? r !== 'metadata-stream-uuid' : !UINT_ROLES.has(r)) {
        fail(at(rw, i), `role "${r}" is not valid on a ${kind === 'blob' ? 'BLOB' : 'integer'} field class`);
      }
      if (signed) fail(at(rw, i), `role "${r}" needs an unsigned integer`);
      const scope = ctx.scope?.scope;
      if (scope && !SCOPE_ROLES[scope].includes(r)) fail(at(rw, i), `role "${r}" is not allowed in the ${scope} scope`);
      if (
        ctx.scope &&
        ctx.scope.clock === undefined &&
        (r === 'default-clock-timestamp' || r === 'packet-end-default-clock-timestamp')
      ) {
        fail(at(rw, i), `role "${r}" but the data stream class has no default clock class`);
      }
    }
    return list;
  }

  /** Resolves a field location to an absolute one; the target is checked once the scope is complete. */
  location(v: JsonValue | undefined, w: Where, ctx: FcCtx, want: Want): FieldLocation {
    let origin: string | undefined;
    let path: JsonValue[];
    let pw = at(w, 'path');
    if (Array.isArray(v)) {
      pw = w;
      // Pre-release layout: [scope, name, ...], always absolute.
      if (v.length < 2 || typeof v[0] !== 'string' || !Object.hasOwn(ORIGIN_TO_SCOPE, v[0])) {
        fail(w, 'expected {"origin"?, "path"} or [scope name, member name, ...]');
      }
      origin = v[0];
      path = v.slice(1);
    } else {
      const o = obj(v, w);
      if (o.origin !== undefined) {
        origin = str(o.origin, at(w, 'origin'));
        if (!Object.hasOwn(ORIGIN_TO_SCOPE, origin)) {
          fail(at(w, 'origin'), `unknown origin "${origin}" (expected ${Object.keys(ORIGIN_TO_SCOPE).join(', ')})`);
        }
      }
      path = arr(o.path, at(w, 'path'));
    }
    if (path.length === 0) fail(w, 'empty field location path');
    if (path[path.length - 1] === null) fail(w, 'a field location path cannot end with null');
    if (!ctx.scope) {
      // Alias definition check: only the syntax can be checked without a scope.
      path.forEach((p, i) => p === null || str(p, at(pw, i)));
      return {
        scope: origin ? ORIGIN_TO_SCOPE[origin] : 'event.payload',
        path: path.filter((p): p is string => p !== null),
      };
    }
    const scope = origin ? ORIGIN_TO_SCOPE[origin] : ctx.scope.scope;
    if (SCOPE_ORDER.indexOf(scope) > SCOPE_ORDER.indexOf(ctx.scope.scope)) {
      fail(w, `location in ${scope}, which is decoded after this field's scope (${ctx.scope.scope})`);
    }
    const names = origin ? [] : [...ctx.prefix];
    path.forEach((p, i) => {
      if (p === null) {
        if (names.length === 0) fail(at(pw, i), 'null goes above the root of the scope');
        names.pop();
      } else {
        names.push(str(p, at(pw, i)));
      }
    });
    const loc: FieldLocation = { scope, path: names };
    ctx.scope.pending.push({ loc, w, want });
    return loc;
  }
}

/** Variant options must not share a selector value. */
function checkDisjoint(options: VariantOption[], w: Where): void {
  const all: Array<[number | bigint, number | bigint, string]> = [];
  for (const o of options) for (const [lo, hi] of o.ranges ?? []) all.push([lo, hi, o.name]);
  all.sort((a, b) => (lessThan(a[0], b[0]) ? -1 : lessThan(b[0], a[0]) ? 1 : 0));
  for (let i = 1; i < all.length; i++) {
    if (!lessThan(all[i - 1][1], all[i][0])) {
      fail(w, `variant options "${all[i - 1][2]}" and "${all[i][2]}" overlap at selector value ${all[i][0]}`);
    }
  }
}

/** Classes a location may reach by following `path` from `fc` (several when it crosses variant options). */
function lookup(fc: FieldClass, path: string[]): FieldClass[] {
  if (path.length === 0) return [fc];
  switch (fc.kind) {
    case 'struct': {
      const m = fc.members.find((x) => x.name === path[0]);
      return m ? lookupInside(m.type, path.slice(1)) : [];
    }
    case 'array':
    case 'sequence':
      return lookup(fc.element, path);
    case 'optional':
      return lookup(fc.type, path);
    case 'variant':
      return fc.options.flatMap((o) => lookup(o.type, path));
    default:
      return [];
  }
}

/** After a member name: the member itself if the path ends, else descend through it. */
function lookupInside(fc: FieldClass, rest: string[]): FieldClass[] {
  return rest.length === 0 ? [fc] : lookup(fc, rest);
}

function checkLocations(sc: ScopeCtx): void {
  for (const { loc, w, want } of sc.pending) {
    const root = sc.roots[loc.scope];
    const shown = `${loc.scope}/${loc.path.join('/')}`;
    if (!root) fail(w, `location ${shown}: that scope has no field class`);
    const found = lookup(root, loc.path);
    if (found.length === 0) fail(w, `location ${shown}: no such field`);
    const ok = found.some((fc) => {
      if (want === 'length') return (fc.kind === 'int' || fc.kind === 'varint') && !fc.signed;
      if (want === 'optional-bool') return fc.kind === 'bool';
      return fc.kind === 'int' || fc.kind === 'varint';
    });
    if (!ok) {
      const need = {
        length: 'an unsigned integer (length)',
        selector: 'an integer (variant selector)',
        'optional-bool': 'a boolean (optional selector without selector-field-ranges)',
        'optional-int': 'an integer (optional selector with selector-field-ranges)',
      }[want];
      fail(w, `location ${shown}: the field's class is ${found[0].kind}, expected ${need}`);
    }
  }
  sc.pending.length = 0;
}

// ---------------------------------------------------------------------------------------------------------
// Fragments

interface Fragment {
  index: number;
  line: number;
  start: number;
  end: number;
}

/** Split the RFC 7464 sequence. Text before the first record separator must be blank. */
function splitFragments(text: string, file: string | undefined): Fragment[] {
  const out: Fragment[] = [];
  let pos = 0;
  let lineAtPos = 1;
  const lineOf = (offset: number): number => {
    for (; pos < offset; pos++) if (text.charCodeAt(pos) === 0x0a) lineAtPos++;
    return lineAtPos;
  };
  let rs = text.indexOf('\x1e');
  if (rs < 0) throw new CtfError('CTF 2 metadata: no fragment (no 0x1E record separator)', { file });
  if (text.slice(0, rs).trim() !== '') {
    throw new CtfError('CTF 2 metadata: text before the first 0x1E record separator', { file, line: 1 });
  }
  while (rs >= 0) {
    const next = text.indexOf('\x1e', rs + 1);
    const end = next < 0 ? text.length : next;
    const line = lineOf(rs);
    // RFC 7464 allows empty records (a bare RS); skip them.
    if (text.slice(rs + 1, end).trim() !== '') out.push({ index: out.length, line, start: rs + 1, end });
    rs = next;
  }
  return out;
}

/**
 * JSON.parse is several times faster, and exact when no integer literal has 16 digits or more (2^53 has 16);
 * otherwise, or to locate a syntax error, the exact parser.
 */
function parseFragmentJson(text: string, start: number, end: number): JsonValue {
  const s = text.slice(start, end);
  if (!/\d{16}/.test(s)) {
    try {
      return JSON.parse(s) as JsonValue;
    } catch {
      // fall through for a located error message
    }
  }
  return parseJson(text, start, end);
}

function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 0x0a) n++;
  return n;
}

/** The log level of an event record class: CTF 2 `attributes` (LTTng) or pre-release `user-attributes`. */
function logLevelOf(o: JsonObject): number | string | undefined {
  for (const key of ['attributes', 'user-attributes']) {
    const a = o[key];
    if (!isObj(a)) continue;
    for (const ns of ['lttng.org,2009', 'babeltrace.org,2020']) {
      const b = a[ns];
      if (!isObj(b)) continue;
      const ll = b['log-level'];
      if (typeof ll === 'string') return Object.hasOwn(LOG_LEVELS, ll) ? LOG_LEVELS[ll] : ll;
      if (typeof ll === 'number' && Number.isInteger(ll)) return ll;
    }
  }
  return undefined;
}

/**
 * Parse a de-packetized CTF 2 metadata stream. Throws `CtfError` with `line` = the metadata line where the
 * faulty fragment starts (or of a JSON syntax error) and a message naming the fragment index (from 0), its type
 * and the JSON property path. `file` (the metadata's path, for messages) is optional.
 */
export function parseCtf2Metadata(text: string, file?: string): TraceSchema {
  const frags = splitFragments(text, file);
  const reader = new FieldClassReader();
  const schema: TraceSchema = {
    version: '2',
    byteOrder: 'le',
    env: {},
    clocks: new Map(),
    streams: new Map(),
  };
  let traceClassSeen = false;
  let traceUuid: Uint8Array | undefined;

  for (const f of frags) {
    let type = '?';
    let label = '';
    try {
      const base: Where = { parent: null, key: '' };
      let json: JsonValue;
      try {
        json = parseFragmentJson(text, f.start, f.end);
      } catch (e) {
        if (e instanceof JsonSyntaxError) {
          throw new CtfError(`CTF 2 metadata fragment #${f.index}: JSON syntax error: ${e.message}`, {
            file,
            line: lineAt(text, e.offset),
          });
        }
        throw e;
      }
      const o = obj(json, base);
      type = str(o.type, at(base, 'type'));
      if (f.index === 0 && type !== 'preamble')
        fail(at(base, 'type'), `the first fragment must be the preamble, found "${type}"`);
      if (f.index > 0 && type === 'preamble') fail(at(base, 'type'), 'a second preamble');
      noExtensions(o, base);

      switch (type) {
        case 'preamble': {
          if (o.version !== 2) fail(at(base, 'version'), `unsupported CTF version ${describe(o.version)} (expected 2)`);
          if (o.uuid !== undefined) traceUuid = uuidBytes(o.uuid, at(base, 'uuid'));
          break;
        }
        case 'field-class-alias': {
          const name = str(o.name, at(base, 'name'));
          label = ` "${name}"`;
          if (reader.aliases.has(name)) fail(at(base, 'name'), `field class alias "${name}" is already defined`);
          const index = reader.aliases.size;
          // Check the alias now (syntax, nested aliases); locations are resolved where it is used.
          reader.read(o['field-class'], at(base, 'field-class'), {
            scope: null,
            prefix: [],
            memberName: null,
            aliasLimit: index,
          });
          reader.aliases.set(name, { json: o['field-class'], index });
          break;
        }
        case 'trace-class': {
          if (traceClassSeen) fail(base, 'a second trace-class fragment');
          if (schema.streams.size > 0) fail(base, 'the trace-class fragment must come before any data-stream-class');
          traceClassSeen = true;
          if (o.uuid !== undefined) {
            // Pre-release: the trace class carried the UUID the packet headers repeat.
            const u = uuidBytes(o.uuid, at(base, 'uuid'));
            if (traceUuid && uuidString(traceUuid) !== uuidString(u)) {
              fail(
                at(base, 'uuid'),
                `trace-class uuid ${uuidString(u)} differs from the preamble's ${uuidString(traceUuid)}`,
              );
            }
            traceUuid = u;
          }
          if (o.environment !== undefined) {
            const ew = at(base, 'environment');
            const env = obj(o.environment, ew);
            for (const k of Object.keys(env)) {
              const v = env[k];
              if (typeof v === 'string' || typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) {
                schema.env[k] = v;
              } else {
                fail(at(ew, k), `environment entries are integers or strings, found ${describe(v)}`);
              }
            }
          }
          const ph = o['packet-header-field-class'];
          if (ph !== undefined) {
            schema.packetHeader = readScope(
              reader,
              ph,
              at(base, 'packet-header-field-class'),
              'packet.header',
              {},
              undefined,
            );
          }
          break;
        }
        case 'clock-class': {
          const key = o.id !== undefined ? str(o.id, at(base, 'id')) : str(o.name, at(base, 'name'));
          label = ` "${key}"`;
          if (schema.clocks.has(key)) fail(base, `clock class "${key}" is already defined`);
          const freqN = int(o.frequency, at(base, 'frequency'));
          if (lessThan(freqN, 1)) fail(at(base, 'frequency'), `frequency must be >= 1 Hz, found ${freqN}`);
          const ofs = o['offset-from-origin'] ?? o.offset; // `offset` in early drafts
          let offsetSeconds = 0n;
          let offsetCycles = 0n;
          if (ofs !== undefined) {
            const ow = at(base, o['offset-from-origin'] !== undefined ? 'offset-from-origin' : 'offset');
            const oo = obj(ofs, ow);
            if (oo.seconds !== undefined) offsetSeconds = BigInt(int(oo.seconds, at(ow, 'seconds')));
            // lttng-tools may write a negative `cycles` (C remainder of a negative offset): keep it as is.
            if (oo.cycles !== undefined) offsetCycles = BigInt(int(oo.cycles, at(ow, 'cycles')));
          }
          let originIsUnixEpoch: boolean;
          if (o.origin === undefined) {
            // No origin: unknown. LTTng's `monotonic` is still Unix-epoch based (same rule as the TSDL side).
            const tracer = schema.env.tracer_name;
            originIsUnixEpoch = typeof tracer === 'string' && tracer.startsWith('lttng') && key === 'monotonic';
          } else if (o.origin === 'unix-epoch') {
            originIsUnixEpoch = true;
          } else {
            const ow = at(base, 'origin');
            const oo = obj(o.origin, ow);
            str(oo.name, at(ow, 'name'));
            str(oo.uid, at(ow, 'uid'));
            originIsUnixEpoch = false;
          }
          const clock: ClockClass = {
            name: key,
            freq: Number(freqN),
            offsetSeconds,
            offsetCycles,
            originIsUnixEpoch,
          };
          if (o.uuid !== undefined) clock.uuid = uuidString(uuidBytes(o.uuid, at(base, 'uuid')));
          else if (typeof o.uid === 'string') clock.uuid = o.uid;
          if (o.description !== undefined) clock.description = str(o.description, at(base, 'description'));
          schema.clocks.set(key, clock);
          break;
        }
        case 'data-stream-class': {
          const id = o.id === undefined ? 0 : count(o.id, at(base, 'id'));
          label = ` ${id}`;
          if (schema.streams.has(id)) fail(at(base, 'id'), `data stream class ${id} is already defined`);
          const ck = o['default-clock-class-id'] !== undefined ? 'default-clock-class-id' : 'default-clock-class-name';
          let clock: string | undefined;
          if (o[ck] !== undefined) {
            clock = str(o[ck], at(base, ck));
            if (!schema.clocks.has(clock))
              fail(at(base, ck), `unknown clock class "${clock}" (it must be defined by an earlier fragment)`);
          }
          const roots: Partial<Record<ScopeName, StructClass>> = {};
          if (schema.packetHeader) roots['packet.header'] = schema.packetHeader;
          const sc: StreamClass = { id, events: new Map() };
          if (clock !== undefined) sc.clock = clock;
          const scopes: Array<[string, ScopeName, 'packetContext' | 'eventHeader' | 'eventCommonContext']> = [
            ['packet-context-field-class', 'packet.context', 'packetContext'],
            ['event-record-header-field-class', 'event.header', 'eventHeader'],
            ['event-record-common-context-field-class', 'event.common-context', 'eventCommonContext'],
          ];
          for (const [prop, scope, field] of scopes) {
            if (o[prop] === undefined) continue;
            const s = readScope(reader, o[prop], at(base, prop), scope, roots, clock);
            roots[scope] = s;
            sc[field] = s;
          }
          schema.streams.set(id, sc);
          break;
        }
        case 'event-record-class': {
          const id = o.id === undefined ? 0 : count(o.id, at(base, 'id'));
          const dscId =
            o['data-stream-class-id'] === undefined
              ? 0
              : count(o['data-stream-class-id'], at(base, 'data-stream-class-id'));
          const name = o.name === undefined ? '' : str(o.name, at(base, 'name'));
          label = ` "${name}" (id ${id})`;
          const sc = schema.streams.get(dscId);
          if (!sc)
            fail(
              at(base, 'data-stream-class-id'),
              `unknown data stream class ${dscId} (it must be defined by an earlier fragment)`,
            );
          if (sc.events.has(id))
            fail(at(base, 'id'), `data stream class ${dscId} already has an event record class ${id}`);
          const roots: Partial<Record<ScopeName, StructClass>> = {};
          if (schema.packetHeader) roots['packet.header'] = schema.packetHeader;
          if (sc.packetContext) roots['packet.context'] = sc.packetContext;
          if (sc.eventHeader) roots['event.header'] = sc.eventHeader;
          if (sc.eventCommonContext) roots['event.common-context'] = sc.eventCommonContext;
          const ev: EventClass = { id, streamClassId: dscId, name };
          if (o['specific-context-field-class'] !== undefined) {
            ev.specificContext = readScope(
              reader,
              o['specific-context-field-class'],
              at(base, 'specific-context-field-class'),
              'event.specific-context',
              roots,
              sc.clock,
            );
            roots['event.specific-context'] = ev.specificContext;
          }
          if (o['payload-field-class'] !== undefined) {
            ev.payload = readScope(
              reader,
              o['payload-field-class'],
              at(base, 'payload-field-class'),
              'event.payload',
              roots,
              sc.clock,
            );
          }
          const ll = logLevelOf(o);
          if (ll !== undefined) ev.logLevel = ll;
          sc.events.set(id, ev);
          break;
        }
        default:
          fail(at(base, 'type'), `unknown fragment type "${type}"`);
      }
    } catch (e) {
      if (e instanceof Fail) {
        const path = pathOf(e.where);
        const where = path ? ` at ${path}` : '';
        throw new CtfError(`CTF 2 metadata fragment #${f.index} (${type}${label})${where}: ${e.what}`, {
          file,
          line: f.line,
        });
      }
      throw e;
    }
  }
  if (frags.length === 0) throw new CtfError('CTF 2 metadata: no fragment', { file });
  if (traceUuid) schema.uuid = traceUuid;
  schema.byteOrder = traceByteOrder(schema) ?? 'le';
  return schema;
}

/** Reads a scope's root field class, which must be a structure, and checks its locations. */
function readScope(
  reader: FieldClassReader,
  v: JsonValue,
  w: Where,
  scope: ScopeName,
  roots: Partial<Record<ScopeName, StructClass>>,
  clock: string | undefined,
): StructClass {
  const sc: ScopeCtx = { scope, roots: { ...roots }, pending: [], ...(clock !== undefined ? { clock } : {}) };
  const fc = reader.read(v, w, { scope: sc, prefix: [], memberName: null, aliasLimit: Infinity });
  if (fc.kind !== 'struct') fail(w, `a scope field class must be a structure, found ${fc.kind}`);
  sc.roots[scope] = fc;
  checkLocations(sc);
  return fc;
}

/**
 * CTF 2 has no trace byte order; the schema's is the packet magic's (what a reader checks first), else the
 * first fixed-length field's, else little-endian.
 */
function traceByteOrder(schema: TraceSchema): ByteOrder | undefined {
  const first = (fc: FieldClass | undefined, pred: (x: FieldClass) => boolean): ByteOrder | undefined => {
    if (!fc) return undefined;
    if (pred(fc) && 'byteOrder' in fc) return fc.byteOrder;
    switch (fc.kind) {
      case 'struct':
        for (const m of fc.members) {
          const b = first(m.type, pred);
          if (b) return b;
        }
        return undefined;
      case 'array':
      case 'sequence':
        return first(fc.element, pred);
      case 'optional':
        return first(fc.type, pred);
      case 'variant':
        for (const o of fc.options) {
          const b = first(o.type, pred);
          if (b) return b;
        }
        return undefined;
      default:
        return undefined;
    }
  };
  const magic = first(schema.packetHeader, (x) => x.kind === 'int' && !!x.roles?.includes('packet-magic-number'));
  if (magic) return magic;
  const any = (x: FieldClass): boolean => 'byteOrder' in x;
  const scopes: Array<StructClass | undefined> = [schema.packetHeader];
  for (const s of schema.streams.values()) {
    scopes.push(s.packetContext, s.eventHeader, s.eventCommonContext);
    for (const e of s.events.values()) scopes.push(e.specificContext, e.payload);
  }
  for (const s of scopes) {
    const b = first(s, any);
    if (b) return b;
  }
  return undefined;
}
