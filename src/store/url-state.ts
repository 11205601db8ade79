/**
 * The view in the URL, versioned from the start (`v=1`). Times are absolute nanoseconds of the trace clock as
 * decimal strings (bigint: epoch ns need 61 bits), so a link shows the same range whatever the screen width.
 *
 *   ?v=1&trace=https%3A%2F%2Fhost%2Ft.tar.gz&view=1457113582794569892,1457113582894569892
 *       &sel=...,...&slice=1234,1457113582800000000,2&thread=1234&collapsed=12,99&filter=gears&q=draw
 *
 * Parsing never throws: bad or unknown parts are dropped with a warning, the rest is kept.
 */
import type { ItemKind } from '../layout/lanes/index';

export const URL_STATE_VERSION = 1;

export type UrlSource = { kind: 'url'; url: string } | { kind: 'demo' };

export interface NsRange {
  startNs: bigint;
  endNs: bigint;
}

/**
 * A thread is named by its tid, or `cpuN` for a per-CPU row (user-space events with no thread information):
 * stable across reloads, unlike an index into the model's thread list.
 */
export type ThreadKey = string;

/**
 * A selected item is named by its kind, its thread and its start (and depth for call slices): stable across
 * reloads of the same trace.
 */
export interface ItemUrlRef {
  /** The lane kind, also the URL parameter's name (`slice=`, `syscall=`, `state=`). */
  kind: ItemKind;
  thread: ThreadKey;
  startNs: bigint;
  /** Call slices only. */
  depth?: number;
}

export interface UrlState {
  source: UrlSource | null;
  view?: NsRange;
  selection?: NsRange;
  item?: ItemUrlRef;
  /** Selected thread. */
  thread?: ThreadKey;
  /** Collapsed processes (pids). */
  collapsed?: number[];
  filter?: string;
  search?: string;
}

export interface ParsedUrlState {
  state: UrlState;
  /** Version found in the link (1 when absent). */
  version: number;
  warnings: string[];
}

const NS = /^\d{1,25}$/;
const INT = /^-?\d{1,10}$/;
const THREAD = /^(-?\d{1,10}|cpu\d{1,5})$/;

function parseRange(text: string | null, what: string, warnings: string[]): NsRange | undefined {
  if (text === null) return undefined;
  const parts = text.split(',');
  if (parts.length !== 2 || !NS.test(parts[0]) || !NS.test(parts[1])) {
    warnings.push(`ignored ${what}="${text}": expected two absolute nanosecond times "start,end"`);
    return undefined;
  }
  const startNs = BigInt(parts[0]);
  const endNs = BigInt(parts[1]);
  if (endNs <= startNs) {
    warnings.push(`ignored ${what}="${text}": the end is not after the start`);
    return undefined;
  }
  return { startNs, endNs };
}

function parseIntStrict(text: string): number | null {
  return INT.test(text) ? Number(text) : null;
}

export function parseUrlState(search: string): ParsedUrlState {
  const params = new URLSearchParams(search);
  const warnings: string[] = [];
  const state: UrlState = { source: null };

  const trace = params.get('trace');
  if (trace !== null && trace !== '') {
    let ok = false;
    try {
      const u = new URL(trace, 'http://relative.invalid/'); // relative links are relative to the viewer page
      ok = u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      ok = false;
    }
    // Invalid URLs are kept: the loader reports them to the user with what is wrong.
    if (!ok) warnings.push(`trace="${trace}" is not an http(s) URL`);
    state.source = { kind: 'url', url: trace };
  } else if (params.has('demo')) {
    state.source = { kind: 'demo' };
  }

  const rawVersion = params.get('v');
  let version = URL_STATE_VERSION;
  if (rawVersion !== null) {
    version = /^\d+$/.test(rawVersion) ? Number(rawVersion) : NaN;
  }
  if (version !== URL_STATE_VERSION) {
    // A link from another version: open the trace, skip view parts whose meaning we cannot know.
    warnings.push(
      `link version v=${rawVersion} is not supported (this viewer reads v=${URL_STATE_VERSION}): view state ignored`,
    );
    return { state, version: Number.isFinite(version) ? version : 0, warnings };
  }

  state.view = parseRange(params.get('view'), 'view', warnings);
  state.selection = parseRange(params.get('sel'), 'sel', warnings);

  // One item per link: the first valid one in this order wins (the others are reported).
  for (const kind of ['slice', 'syscall', 'state'] as const satisfies readonly ItemKind[]) {
    const text = params.get(kind);
    if (text === null) continue;
    const parts = text.split(',');
    const depth = kind === 'slice' && parts[2] !== undefined ? parseIntStrict(parts[2]) : null;
    const okShape = kind === 'slice' ? parts.length === 3 && depth !== null && depth >= 0 : parts.length === 2;
    if (!okShape || !THREAD.test(parts[0]) || !NS.test(parts[1]) || state.item) {
      const shape = kind === 'slice' ? 'thread,startNs,depth' : 'thread,startNs';
      warnings.push(
        state.item
          ? `ignored ${kind}="${text}": only one item can be selected`
          : `ignored ${kind}="${text}": expected "${shape}"`,
      );
      continue;
    }
    state.item = { kind, thread: parts[0], startNs: BigInt(parts[1]) };
    if (kind === 'slice') state.item.depth = depth!;
  }

  const thread = params.get('thread');
  if (thread !== null) {
    if (!THREAD.test(thread)) warnings.push(`ignored thread="${thread}": expected a thread id or cpuN`);
    else state.thread = thread;
  }

  const collapsed = params.get('collapsed');
  if (collapsed !== null && collapsed !== '') {
    const pids = collapsed.split(',').map(parseIntStrict);
    if (pids.some((p) => p === null)) warnings.push(`ignored collapsed="${collapsed}": expected process ids "pid,pid"`);
    else state.collapsed = pids as number[];
  }

  const filter = params.get('filter');
  if (filter) state.filter = filter;
  const q = params.get('q');
  if (q) state.search = q;
  return { state, version, warnings };
}

/** Encode for a query string, keeping ',' and ':' '/' readable where they are safe. */
function enc(text: string): string {
  return encodeURIComponent(text).replace(/%2C/gi, ',');
}

/** The query string (with '?') of a state. Field order is fixed so equal states give equal links. */
export function formatUrlState(state: UrlState): string {
  const parts: string[] = [`v=${URL_STATE_VERSION}`];
  if (state.source?.kind === 'url') parts.push(`trace=${encodeURIComponent(state.source.url)}`);
  else if (state.source?.kind === 'demo') parts.push('demo');
  if (state.view) parts.push(`view=${state.view.startNs},${state.view.endNs}`);
  if (state.selection) parts.push(`sel=${state.selection.startNs},${state.selection.endNs}`);
  if (state.item) {
    const it = state.item;
    parts.push(`${it.kind}=${it.thread},${it.startNs}${it.kind === 'slice' ? `,${it.depth ?? 0}` : ''}`);
  }
  if (state.thread !== undefined) parts.push(`thread=${state.thread}`);
  if (state.collapsed && state.collapsed.length > 0)
    parts.push(`collapsed=${[...state.collapsed].sort((a, b) => a - b).join(',')}`);
  if (state.filter) parts.push(`filter=${enc(state.filter)}`);
  if (state.search) parts.push(`q=${enc(state.search)}`);
  return `?${parts.join('&')}`;
}

/** Absolute ns (bigint) from model-relative ns (float) and the model origin. */
export function toAbsoluteNs(originNs: bigint, relNs: number): bigint {
  return originNs + BigInt(Math.round(relNs));
}

/** Model-relative ns (float) from absolute ns. */
export function toRelativeNs(originNs: bigint, absNs: bigint): number {
  return Number(absNs - originNs);
}
