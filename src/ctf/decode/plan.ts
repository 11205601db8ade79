/** Compiled decoders of one trace: packet header, per stream class the headers/contexts, per event class lazily. */
import type { EventClass, FieldLocation, ScopeName, StreamClass, StructClass, TraceSchema } from '../schema';
import { collectLocations, compileField, compileLttngHeader, type CompileEnv, type Dec, locKey } from './compile';
import { compileContextReader, compilePayloadReader, type ColumnTables, type ScopeReader } from './columns';
import { checkSchemaLimits } from './limits';

export interface EventPlan {
  cls: EventClass;
  name: string;
  ctx: Dec | null;
  payload: Dec | null;
}

/** An event class read into columns: the wanted fields written, everything else only skipped. */
export interface ColumnEventPlan {
  nameId: number;
  /** Skips the specific context. */
  ectx: Dec | null;
  /** Reads the wanted payload fields; null when none are wanted (then `skipPayload`). */
  payload: ScopeReader | null;
  skipPayload: Dec | null;
}

export interface StreamPlan {
  sc: StreamClass;
  context: Dec | null;
  eventHeader: Dec | null;
  commonCtx: Dec | null;
  hasClock: boolean;
  /** Event plan by id, compiled on first use. */
  event(id: number): EventPlan | undefined;
  /** The common context read into columns (vtid, vpid, procname); compiled on first use. */
  columnContext(): ScopeReader | null;
  /** The common context only skipped. */
  skipContext(): Dec | null;
  /** Column plan by id for these tables (one set of tables per decoding run), compiled on first use. */
  columnEvent(id: number, tables: ColumnTables): ColumnEventPlan | undefined;
}

export interface TracePlan {
  schema: TraceSchema;
  header: Dec | null;
  slots: Map<string, number>;
  stream(id: number): StreamPlan | undefined;
}

export function compileTrace(schema: TraceSchema): TracePlan {
  checkSchemaLimits(schema);
  const locs: FieldLocation[] = [];
  collectLocations(schema.packetHeader, locs);
  for (const sc of schema.streams.values()) {
    collectLocations(sc.packetContext, locs);
    collectLocations(sc.eventHeader, locs);
    collectLocations(sc.eventCommonContext, locs);
    for (const ev of sc.events.values()) {
      if (ev.deferred) continue; // no locations (EventClass.deferred)
      collectLocations(ev.specificContext, locs);
      collectLocations(ev.payload, locs);
    }
  }
  const slots = new Map<string, number>();
  for (const l of locs) {
    const k = locKey(l.scope, l.path);
    if (!slots.has(k)) slots.set(k, slots.size);
  }
  const baseRoots: Partial<Record<ScopeName, StructClass>> = {};
  if (schema.packetHeader) baseRoots['packet.header'] = schema.packetHeader;
  const mk = (
    cls: StructClass | undefined,
    scope: ScopeName,
    roots: Partial<Record<ScopeName, StructClass>>,
    out: boolean,
    clock: boolean,
  ): Dec | null => {
    if (!cls) return null;
    const env: CompileEnv = { slots, roots, scope, out, clock };
    return compileField(cls, [], env);
  };
  const header = mk(schema.packetHeader, 'packet.header', baseRoots, false, false);
  const streams = new Map<number, StreamPlan>();
  const streamPlan = (sc: StreamClass): StreamPlan => {
    const roots = { ...baseRoots };
    if (sc.packetContext) roots['packet.context'] = sc.packetContext;
    if (sc.eventHeader) roots['event.header'] = sc.eventHeader;
    if (sc.eventCommonContext) roots['event.common-context'] = sc.eventCommonContext;
    const hasClock = sc.clock !== undefined;
    const events = new Map<number, EventPlan>();
    // Plans by id in dense arrays (an empty array written at index 1180 turns into a slow dictionary).
    let maxId = -1;
    for (const id of sc.events.keys()) if (id > maxId) maxId = id;
    const denseIds = Math.min(maxId + 1, 65536);
    const byId: Array<EventPlan | undefined> = new Array<EventPlan | undefined>(denseIds).fill(undefined);
    const singleId = sc.events.size === 1 ? [...sc.events.keys()][0] : undefined;
    let colCtx: ScopeReader | null | undefined;
    let skipCtx: Dec | null | undefined;
    let colTables: ColumnTables | null = null;
    let colById: Array<ColumnEventPlan | undefined> = [];
    const colByBigId = new Map<number, ColumnEventPlan>();
    const env = (scope: ScopeName, r: Partial<Record<ScopeName, StructClass>>, out: boolean): CompileEnv => ({
      slots,
      roots: r,
      scope,
      out,
      clock: hasClock,
    });
    return {
      sc,
      hasClock,
      context: mk(sc.packetContext, 'packet.context', roots, false, hasClock),
      eventHeader:
        (sc.eventHeader &&
          compileLttngHeader(sc.eventHeader, { slots, roots, scope: 'event.header', out: false, clock: hasClock })) ??
        mk(sc.eventHeader, 'event.header', roots, false, hasClock),
      commonCtx: mk(sc.eventCommonContext, 'event.common-context', roots, true, hasClock),
      event(id: number): EventPlan | undefined {
        const key = id < 0 ? (singleId ?? 0) : id;
        const fast = byId[key];
        if (fast !== undefined) return fast;
        let p = events.get(key);
        if (p) return p;
        const cls = sc.events.get(key);
        if (!cls) return undefined;
        const eroots = { ...roots };
        if (cls.specificContext) eroots['event.specific-context'] = cls.specificContext;
        if (cls.payload) eroots['event.payload'] = cls.payload;
        p = {
          cls,
          name: cls.name,
          ctx: mk(cls.specificContext, 'event.specific-context', eroots, true, hasClock),
          payload: mk(cls.payload, 'event.payload', eroots, true, hasClock),
        };
        events.set(key, p);
        if (key < denseIds) byId[key] = p;
        return p;
      },
      columnContext(): ScopeReader | null {
        if (colCtx === undefined) {
          const cc = sc.eventCommonContext;
          colCtx = cc
            ? compileContextReader(
                cc,
                env('event.common-context', roots, true),
                env('event.common-context', roots, false),
              )
            : null;
        }
        return colCtx;
      },
      skipContext(): Dec | null {
        if (skipCtx === undefined) skipCtx = mk(sc.eventCommonContext, 'event.common-context', roots, false, hasClock);
        return skipCtx;
      },
      columnEvent(id: number, tables: ColumnTables): ColumnEventPlan | undefined {
        if (colTables !== tables) {
          colTables = tables;
          colById = new Array<ColumnEventPlan | undefined>(denseIds).fill(undefined);
          colByBigId.clear();
        }
        const key = id < 0 ? (singleId ?? 0) : id;
        let p = key < denseIds ? colById[key] : colByBigId.get(key);
        if (p) return p;
        const cls = sc.events.get(key);
        if (!cls) return undefined;
        const eroots = { ...roots };
        if (cls.specificContext) eroots['event.specific-context'] = cls.specificContext;
        if (cls.payload) eroots['event.payload'] = cls.payload;
        const nameId = tables.nameId(cls.name);
        const spec = tables.specs[nameId];
        p = {
          nameId,
          ectx: mk(cls.specificContext, 'event.specific-context', eroots, false, hasClock),
          payload:
            spec && cls.payload
              ? compilePayloadReader(
                  cls.payload,
                  spec,
                  env('event.payload', eroots, true),
                  env('event.payload', eroots, false),
                )
              : null,
          skipPayload: spec ? null : mk(cls.payload, 'event.payload', eroots, false, hasClock),
        };
        if (key < denseIds) colById[key] = p;
        else colByBigId.set(key, p);
        return p;
      },
    };
  };
  return {
    schema,
    header,
    slots,
    stream(id: number): StreamPlan | undefined {
      let p = streams.get(id);
      if (p) return p;
      const sc = schema.streams.get(id);
      if (!sc) return undefined;
      p = streamPlan(sc);
      streams.set(id, p);
      return p;
    },
  };
}
