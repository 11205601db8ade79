/**
 * TSDL tree -> TraceSchema: native byte orders resolved against `trace.byte_order`, relative sequence-length
 * and variant-tag paths turned into absolute FieldLocations, LTTng's well-known names given their Roles.
 */
import { CtfError } from '../errors';
import type {
  ClockClass,
  EnumMapping,
  EventClass,
  FieldClass,
  FieldLocation,
  IntegerClass,
  Role,
  ScopeName,
  StreamClass,
  StructClass,
  TraceSchema,
  ByteOrder,
} from '../schema';
import type { AttrValue, Block, TInt, TMember, TStruct, TT } from './parser';
import { TsdlParser } from './parser';

interface Frame {
  path: string[];
  members: TMember[];
  index: number;
}

interface Ctx {
  scope: ScopeName;
  frames: Frame[];
  /** Root types of scopes already known, for absolute paths. */
  roots: Partial<Record<ScopeName, TT>>;
}

const ABS_PREFIXES: Array<[string, ScopeName]> = [
  ['trace.packet.header.', 'packet.header'],
  ['stream.packet.context.', 'packet.context'],
  ['stream.event.header.', 'event.header'],
  ['stream.event.context.', 'event.common-context'],
  ['event.context.', 'event.specific-context'],
  ['event.fields.', 'event.payload'],
];

const HEADER_ROLES: Record<string, Role> = {
  magic: 'packet-magic-number',
  stream_id: 'data-stream-class-id',
  stream_instance_id: 'data-stream-id',
};
const CONTEXT_ROLES: Record<string, Role> = {
  timestamp_begin: 'default-clock-timestamp',
  timestamp_end: 'packet-end-default-clock-timestamp',
  content_size: 'packet-content-length',
  packet_size: 'packet-total-length',
  packet_seq_num: 'packet-sequence-number',
  events_discarded: 'discarded-event-record-counter-snapshot',
};

export function parseTsdl(text: string, fileName = 'metadata'): TraceSchema {
  const p = new TsdlParser(text, fileName);
  p.parse();
  return new Resolver(p.blocks, fileName).run();
}

class Resolver {
  private bo: ByteOrder = 'le';
  private env: TraceSchema['env'] = {};
  constructor(
    private blocks: Block[],
    private fileName: string,
  ) {}

  private err(msg: string, line?: number): CtfError {
    return new CtfError(msg, { file: this.fileName, line });
  }

  run(): TraceSchema {
    const traces = this.blocks.filter((b) => b.kind === 'trace');
    if (traces.length === 0) throw this.err('metadata has no trace { } block');
    if (traces.length > 1) throw this.err('metadata has more than one trace { } block', traces[1].line);
    const trace = traces[0];
    const bo = trace.attrs.get('byte_order');
    if (!bo) throw this.err('trace block has no byte_order', trace.line);
    const bos = bo.value.toString();
    if (bos === 'le' || bos === 'little_endian') this.bo = 'le';
    else if (bos === 'be' || bos === 'network' || bos === 'big_endian') this.bo = 'be';
    else throw this.err(`trace byte_order '${bos}' must be le or be`, trace.attrs.get('byte_order')?.line);
    for (const k of ['major', 'minor']) {
      const v = trace.attrs.get(k);
      if (v && v.kind !== 'num') throw this.err(`trace ${k} must be a number`, trace.attrs.get(k)?.line);
    }
    const major = trace.attrs.get('major');
    if (major && major.kind === 'num' && major.value !== 1n) {
      throw this.err(`unsupported CTF major version ${major.value} (expected 1)`, trace.attrs.get('major')?.line);
    }

    const warnings: string[] = [];
    const schema: TraceSchema = {
      version: '1.8',
      byteOrder: this.bo,
      env: {},
      clocks: new Map(),
      streams: new Map(),
      warnings,
    };
    const uuid = trace.attrs.get('uuid');
    if (uuid)
      schema.uuid = parseUuid(uuid.value.toString(), () =>
        this.err('malformed trace uuid', trace.attrs.get('uuid')?.line),
      );

    for (const b of this.blocks) {
      if (b.kind === 'env') {
        for (const [k, v] of b.attrs) schema.env[k] = attrToEnv(v);
      } else if (b.kind === 'clock') {
        const c = this.clock(b);
        schema.clocks.set(c.name, c);
      }
    }
    this.env = schema.env;
    const roots: Ctx['roots'] = {};
    const ph = trace.types.get('packet.header');
    if (ph) {
      roots['packet.header'] = ph;
      schema.packetHeader = this.rootStruct(ph, 'packet.header', roots, trace.line);
    }

    const streamBlocks = this.blocks.filter((b) => b.kind === 'stream');
    const streamLines = new Map<number, number>();
    // Per stream class: event id -> line, and event name -> [id, line] (a repeated name is legal but suspect).
    const eventLines = new Map<number, Map<number, number>>();
    const eventNames = new Map<number, Map<string, [number, number]>>();
    for (const sb of streamBlocks) {
      const idv = sb.attrs.get('id');
      if (idv && idv.kind !== 'num') throw this.err('stream id must be a number', sb.attrs.get('id')?.line);
      const id = idv ? Number(idv.value) : 0;
      const firstStream = streamLines.get(id);
      if (firstStream !== undefined)
        throw this.err(`duplicate stream id ${id} (stream blocks at lines ${firstStream} and ${sb.line})`, sb.line);
      streamLines.set(id, sb.line);
      const sroots = { ...roots };
      const sc: StreamClass = { id, events: new Map() };
      const pc = sb.types.get('packet.context');
      if (pc) {
        sroots['packet.context'] = pc;
        sc.packetContext = this.rootStruct(pc, 'packet.context', sroots, sb.line);
      }
      const eh = sb.types.get('event.header');
      if (eh) {
        sroots['event.header'] = eh;
        sc.eventHeader = this.rootStruct(eh, 'event.header', sroots, sb.line);
      }
      const ec = sb.types.get('event.context');
      if (ec) {
        sroots['event.common-context'] = ec;
        sc.eventCommonContext = this.rootStruct(ec, 'event.common-context', sroots, sb.line);
      }
      sc.clock = findClock([sc.packetContext, sc.eventHeader, sc.eventCommonContext]);
      if (sc.clock !== undefined && !schema.clocks.has(sc.clock)) {
        throw this.err(`stream ${id} maps a value to undeclared clock '${sc.clock}'`, sb.line);
      }
      (sc as StreamClass & { _roots?: Ctx['roots'] })._roots = sroots;
      schema.streams.set(id, sc);
    }

    for (const eb of this.blocks.filter((b) => b.kind === 'event')) {
      const sidv = eb.attrs.get('stream_id');
      let sid: number;
      if (sidv) {
        if (sidv.kind !== 'num') throw this.err('event stream_id must be a number', eb.attrs.get('stream_id')?.line);
        sid = Number(sidv.value);
      } else if (schema.streams.size <= 1) {
        sid = schema.streams.size === 1 ? [...schema.streams.keys()][0] : 0;
      } else {
        throw this.err('event without stream_id in a trace with several streams', eb.line);
      }
      let sc = schema.streams.get(sid);
      if (!sc) {
        if (streamBlocks.length > 0 || sidv) throw this.err(`event refers to unknown stream ${sid}`, eb.line);
        sc = { id: sid, events: new Map() };
        (sc as StreamClass & { _roots?: Ctx['roots'] })._roots = { ...roots };
        schema.streams.set(sid, sc);
      }
      const idv = eb.attrs.get('id');
      if (idv && idv.kind !== 'num') throw this.err('event id must be a number', eb.attrs.get('id')?.line);
      const id = idv ? Number(idv.value) : 0;
      if (!eventLines.has(sid)) eventLines.set(sid, new Map());
      const firstEvent = eventLines.get(sid)!.get(id);
      if (firstEvent !== undefined) {
        const implicit = idv ? '' : '; an event block without an id has id 0';
        throw this.err(
          `duplicate event id ${id} in stream ${sid} (event blocks at lines ${firstEvent} and ${eb.line}${implicit})`,
          eb.line,
        );
      }
      eventLines.get(sid)!.set(id, eb.line);
      const namev = eb.attrs.get('name');
      if (!namev) throw this.err('event without a name', eb.line);
      if (!eventNames.has(sid)) eventNames.set(sid, new Map());
      const sameName = eventNames.get(sid)!.get(namev.value.toString());
      if (sameName) {
        // babeltrace2 accepts this; events of both classes then show under one name.
        warnings.push(
          `${this.fileName}, metadata line ${eb.line}: event name '${namev.value}' is used twice in stream ${sid} (id ${sameName[0]} at line ${sameName[1]} and id ${id} at line ${eb.line})`,
        );
      } else eventNames.get(sid)!.set(namev.value.toString(), [id, eb.line]);
      const ev: EventClass = { id, streamClassId: sid, name: namev.value.toString() };
      const ll = eb.attrs.get('loglevel');
      if (ll) ev.logLevel = ll.kind === 'num' ? Number(ll.value) : ll.value;
      const ctx = eb.types.get('context');
      const f = eb.types.get('fields');
      if (ctx) this.checkRoot(ctx, 'event.specific-context', eb.line);
      if (f) this.checkRoot(f, 'event.payload', eb.line);
      if ((ctx && !deferrable(ctx)) || (f && !deferrable(f))) {
        const eroots = { ...(sc as StreamClass & { _roots?: Ctx['roots'] })._roots };
        if (ctx) eroots['event.specific-context'] = ctx;
        if (f) eroots['event.payload'] = f;
        if (ctx) ev.specificContext = this.rootStruct(ctx, 'event.specific-context', eroots, eb.line);
        if (f) ev.payload = this.rootStruct(f, 'event.payload', eroots, eb.line);
      } else {
        // Resolved on first read, when the class's first event is decoded (see EventClass.deferred); without
        // paths to resolve, no scope's root is looked at.
        ev.deferred = true;
        if (ctx) this.resolveOnRead(ev, 'specificContext', ctx, 'event.specific-context', eb.line);
        if (f) this.resolveOnRead(ev, 'payload', f, 'event.payload', eb.line);
      }
      sc.events.set(id, ev);
    }
    for (const sc of schema.streams.values()) delete (sc as StreamClass & { _roots?: unknown })._roots;
    return schema;
  }

  private clock(b: Block): ClockClass {
    const name = b.attrs.get('name');
    if (!name) throw this.err('clock without a name', b.line);
    const num = (k: string, d: bigint): bigint => {
      const v = b.attrs.get(k);
      if (!v) return d;
      if (v.kind !== 'num') throw this.err(`clock ${k} must be an integer`, b.attrs.get(k)?.line);
      return v.value;
    };
    const freq = num('freq', 1000000000n);
    if (freq <= 0n) throw this.err('clock freq must be positive', b.attrs.get('freq')?.line);
    const abs = b.attrs.get('absolute');
    const absolute = abs ? ['true', 'TRUE', '1'].includes(abs.value.toString()) : false;
    const c: ClockClass = {
      name: name.value.toString(),
      freq: Number(freq),
      offsetSeconds: num('offset_s', 0n),
      offsetCycles: num('offset', 0n),
      originIsUnixEpoch: absolute || name.value.toString() === 'monotonic',
    };
    const u = b.attrs.get('uuid');
    if (u) c.uuid = u.value.toString();
    const d = b.attrs.get('description');
    if (d) c.description = d.value.toString();
    return c;
  }

  private checkRoot(tt: TT, scope: ScopeName, line: number): asserts tt is TStruct {
    if (tt.k !== 'struct') throw this.err(`${scope} must be a struct`, line);
  }

  private rootStruct(tt: TT, scope: ScopeName, roots: Ctx['roots'], line: number): StructClass {
    this.checkRoot(tt, scope, line);
    const ctx: Ctx = { scope, frames: [], roots };
    return this.struct(tt, ctx, []);
  }

  /** Defines `ev[key]` as a getter that resolves `tt` once, then holds the result as a plain value. */
  private resolveOnRead(
    ev: EventClass,
    key: 'specificContext' | 'payload',
    tt: TT,
    scope: ScopeName,
    line: number,
  ): void {
    Object.defineProperty(ev, key, {
      configurable: true,
      enumerable: true,
      get: () => {
        const value = this.rootStruct(tt, scope, {}, line);
        Object.defineProperty(ev, key, { value, configurable: true, enumerable: true, writable: true });
        return value;
      },
    });
  }

  private struct(tt: TStruct, ctx: Ctx, path: string[]): StructClass {
    const frame: Frame = { path, members: tt.members, index: 0 };
    ctx.frames.push(frame);
    const members = [];
    for (let i = 0; i < tt.members.length; i++) {
      frame.index = i;
      const m = tt.members[i];
      members.push({ name: m.name, type: this.convert(m.type, ctx, [...path, m.name]) });
    }
    ctx.frames.pop();
    return { kind: 'struct', minAlign: tt.align, members };
  }

  private int(tt: TInt, ctx: Ctx, path: string[], mappings?: EnumMapping[]): IntegerClass {
    const c: IntegerClass = {
      kind: 'int',
      size: tt.size,
      align: tt.align,
      signed: tt.signed,
      byteOrder: tt.bo === 'native' ? this.bo : tt.bo,
      base: tt.base,
    };
    if (tt.encoding && tt.encoding !== undefined) c.encoding = tt.encoding;
    if (tt.map) c.mappedClock = tt.map;
    const name = path[path.length - 1];
    let role: Role | undefined;
    if (ctx.scope === 'packet.header' && path.length === 1) role = HEADER_ROLES[name];
    else if (ctx.scope === 'packet.context' && path.length === 1) role = CONTEXT_ROLES[name];
    else if (ctx.scope === 'event.header') {
      if (name === 'id') role = 'event-record-class-id';
      else if (name === 'timestamp') role = 'default-clock-timestamp';
    }
    if (role) c.roles = [role];
    if (mappings) c.mappings = mappings;
    return c;
  }

  private convert(tt: TT, ctx: Ctx, path: string[]): FieldClass {
    switch (tt.k) {
      case 'int':
        return this.int(tt, ctx, path);
      case 'enum': {
        const byLabel = new Map<string, EnumMapping>();
        for (const e of tt.entries) {
          let m = byLabel.get(e.label);
          if (!m) byLabel.set(e.label, (m = { label: e.label, ranges: [] }));
          m.ranges.push([num(e.lo), num(e.hi)]);
        }
        return this.int(tt.container, ctx, path, [...byLabel.values()]);
      }
      case 'float':
        return {
          kind: 'float',
          size: (tt.exp + tt.mant) as 32 | 64,
          align: tt.align,
          byteOrder: tt.bo === 'native' ? this.bo : tt.bo,
        };
      case 'string':
        return { kind: 'string', encoding: tt.encoding };
      case 'struct':
        return this.struct(tt, ctx, path);
      case 'array': {
        const element = this.convert(tt.elem, ctx, path);
        return { kind: 'array', length: tt.length, element, minAlign: 1 };
      }
      case 'seq': {
        if (tt.length.startsWith('env.')) {
          // A length from the environment is a constant: the sequence is a static array.
          const v = this.env[tt.length.slice(4)];
          if (typeof v !== 'number' || v < 0 || !Number.isInteger(v)) {
            throw this.err(`sequence length '${tt.length}' must name an integer env entry`, tt.line);
          }
          return { kind: 'array', length: v, element: this.convert(tt.elem, ctx, path), minAlign: 1 };
        }
        const { loc, target } = this.resolvePath(tt.length, ctx, tt.line);
        if (target.k !== 'int' || target.signed) {
          throw this.err(
            `sequence length '${tt.length}' must be an unsigned integer field (found ${describe(target)})`,
            tt.line,
          );
        }
        const element = this.convert(tt.elem, ctx, path);
        return { kind: 'sequence', length: loc, element, minAlign: 1 };
      }
      case 'variant': {
        if (tt.tag === undefined) throw this.err('variant without a tag', tt.line);
        const { loc, target } = this.resolvePath(tt.tag, ctx, tt.line);
        if (target.k !== 'enum')
          throw this.err(`variant tag '${tt.tag}' must be an enumeration field (found ${describe(target)})`, tt.line);
        // Locations cross variants without naming the option (schema.ts FieldLocation).
        const options = tt.options.map((o) => ({ name: o.name, type: this.convert(o.type, ctx, path) }));
        return { kind: 'variant', selector: loc, options };
      }
    }
  }

  private resolvePath(ref: string, ctx: Ctx, line: number): { loc: FieldLocation; target: TT } {
    for (const [prefix, scope] of ABS_PREFIXES) {
      if (ref.startsWith(prefix)) {
        const names = ref.slice(prefix.length).split('.');
        if (scope === ctx.scope) {
          // Absolute path into the scope being built: only earlier fields count.
          const rootFrame = ctx.frames[0];
          const found = lookupIn(rootFrame.members.slice(0, rootFrame.index), names);
          if (!found) throw this.err(`cannot find field '${ref}' (it must be declared before its use)`, line);
          return { loc: { scope, path: found.path }, target: found.target };
        }
        const root = ctx.roots[scope];
        if (!root || root.k !== 'struct')
          throw this.err(`cannot find field '${ref}': scope ${scope} is not declared`, line);
        const found = lookupIn(root.members, names);
        if (!found) throw this.err(`cannot find field '${ref}'`, line);
        return { loc: { scope, path: found.path }, target: found.target };
      }
    }
    const names = ref.split('.');
    for (let f = ctx.frames.length - 1; f >= 0; f--) {
      const fr = ctx.frames[f];
      const found = lookupIn(fr.members.slice(0, fr.index), names);
      if (found) return { loc: { scope: ctx.scope, path: [...fr.path, ...found.path] }, target: found.target };
    }
    throw this.err(`cannot find field '${ref}' (relative paths must name an earlier field of ${ctx.scope})`, line);
  }
}

/**
 * Whether resolving `tt` can wait for its first use: true when it cannot fail and holds nothing that
 * `checkSchemaLimits` refuses or `compileTrace` must see up front: no sequence or variant (paths to resolve,
 * field locations) and only power-of-two struct alignments (the parser checks every other size and alignment).
 * babeltrace2 resolves every class when it reads the metadata, so a class that could fail is resolved now.
 */
function deferrable(tt: TT): boolean {
  switch (tt.k) {
    case 'seq':
    case 'variant':
      return false;
    case 'array':
      return deferrable(tt.elem);
    case 'struct':
      // A tree: a struct's name is declared after its body, so it cannot contain itself.
      if ((tt.align & (tt.align - 1)) !== 0) return false;
      for (const m of tt.members) if (!deferrable(m.type)) return false;
      return true;
    default:
      return true;
  }
}

/** Find a field by names under `members`; the location path drops variant option names. */
function lookupIn(members: TMember[], names: string[]): { target: TT; path: string[] } | undefined {
  let ms = members;
  let t: TT | undefined;
  const path: string[] = [];
  let skipOption = false;
  for (let i = 0; i < names.length; i++) {
    t = undefined;
    for (let j = ms.length - 1; j >= 0; j--) if (ms[j].name === names[i]) t = ms[j].type;
    if (!t) return undefined;
    if (!skipOption) path.push(names[i]);
    skipOption = false;
    while (t.k === 'array' || t.k === 'seq') t = t.elem;
    if (i < names.length - 1) {
      if (t.k === 'struct') ms = t.members;
      else if (t.k === 'variant') {
        ms = t.options;
        skipOption = true;
      } else return undefined;
    }
  }
  return t ? { target: t, path } : undefined;
}

function describe(t: TT): string {
  switch (t.k) {
    case 'int':
      return `${t.signed ? 'signed' : 'unsigned'} integer`;
    case 'enum':
      return 'enumeration';
    case 'seq':
      return 'sequence';
    default:
      return t.k;
  }
}

function num(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function attrToEnv(v: AttrValue): string | number | bigint {
  if (v.kind === 'num') return num(v.value);
  return v.value;
}

function parseUuid(s: string, fail: () => Error): Uint8Array {
  const hex = s.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw fail();
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function findClock(structs: Array<StructClass | undefined>): string | undefined {
  const visit = (c: FieldClass): string | undefined => {
    switch (c.kind) {
      case 'int':
        return c.mappedClock;
      case 'struct':
        for (const m of c.members) {
          const r = visit(m.type);
          if (r) return r;
        }
        return undefined;
      case 'variant':
        for (const o of c.options) {
          const r = visit(o.type);
          if (r) return r;
        }
        return undefined;
      case 'array':
      case 'sequence':
        return visit(c.element);
      default:
        return undefined;
    }
  };
  for (const s of structs) {
    if (!s) continue;
    const r = visit(s);
    if (r) return r;
  }
  return undefined;
}
