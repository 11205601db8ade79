/**
 * The events table's worker side (in the model worker, which keeps the files): the experiment is opened again on
 * the first request and indexed per packet (../ctf/event-range.ts); pages of rows, search and filter decode only
 * the packets of the requested range. Times cross the boundary in ns from the model's origin.
 */
import { groupTraceFiles, openExperiment, type Experiment } from '../ctf';
import type { ByteInput } from '../ctf/decode/byte-source';
import { EventRangeReader } from '../ctf/event-range';
import { eventRowFormatter, rowMatcher, type EventRow, type EventSearch } from '../ctf/event-rows';
import { byteInputOf, type UnpackedFiles } from './protocol';
import { SYMBOLS_PREFIX } from './unpack-service';

export type { EventRow, EventSearch };

export interface EventRange {
  /** ns from the model's origin, the end excluded. */
  startNs: number;
  endNs: number;
}

export interface EventRowsPage {
  total: number;
  offset: number;
  rows: EventRow[];
}

/** Rows of a filter: their offsets in the range (at most `FILTER_MAX`), and how many matched in all. */
export interface EventMatches {
  offsets: Float64Array;
  count: number;
  error?: string;
}

export const FILTER_MAX = 1_000_000;

/** The page's handle on the model worker's events table (LoadedTrace.events). */
export interface EventsClient {
  rows(range: EventRange, offset: number, limit: number): Promise<EventRowsPage>;
  rowsAt(range: EventRange, offsets: number[]): Promise<EventRow[]>;
  find(range: EventRange, search: EventSearch, afterOffset: number): Promise<{ offset: number; error?: string }>;
  filter(range: EventRange, search: EventSearch): Promise<EventMatches>;
  offsetAt(range: EventRange, tNs: number): Promise<number>;
}

export class EventTable {
  private readonly exp: Experiment;
  private readonly reader: EventRangeReader;
  private readonly row: (e: Parameters<ReturnType<typeof eventRowFormatter>>[0]) => EventRow;
  /** Model origin minus the experiment's origin (ns): model times = experiment times - this. */
  private readonly shiftNs: number;

  constructor(files: UnpackedFiles, modelOriginNs: bigint) {
    const inputs = new Map<string, ByteInput>();
    files.paths.forEach((p, i) => {
      if (!p.startsWith(SYMBOLS_PREFIX)) inputs.set(p, byteInputOf(files.datas[i]));
    });
    this.exp = openExperiment(groupTraceFiles(inputs));
    this.reader = new EventRangeReader(this.exp);
    this.shiftNs = Number(modelOriginNs - this.exp.originNs);
    this.row = eventRowFormatter(this.exp, -this.shiftNs);
  }

  private expRange(r: EventRange): [number, number] {
    return [r.startNs + this.shiftNs, r.endNs + this.shiftNs];
  }

  page(range: EventRange, offset: number, limit: number): EventRowsPage {
    const [from, to] = this.expRange(range);
    const p = this.reader.page(from, to, offset, limit);
    return { total: p.total, offset, rows: p.rows.map(this.row) };
  }

  /** Offset in `range` of the first event at or after `tNs` (the table scrolls there when the timeline selects). */
  offsetAt(range: EventRange, tNs: number): number {
    const [from] = this.expRange(range);
    return this.reader.count(from, Math.max(from, tNs + this.shiftNs));
  }

  /** Rows at the given offsets (ascending: a filter's visible rows), read in one pass from the first to the last. */
  rowsAt(range: EventRange, offsets: number[]): EventRow[] {
    if (offsets.length === 0) return [];
    const [from, to] = this.expRange(range);
    const out: EventRow[] = [];
    let at = offsets[0];
    let k = 0;
    this.reader.scan(from, to, at, (e) => {
      if (at === offsets[k]) {
        out.push(this.row(e));
        k++;
      }
      at++;
      return k < offsets.length;
    });
    return out;
  }

  /**
   * The first matching row after `afterOffset` (wrapping round to the range's start), or -1; with the error
   * sentence of a bad regular expression.
   */
  find(range: EventRange, search: EventSearch, afterOffset: number): { offset: number; error?: string } {
    const match = rowMatcher(search);
    if (typeof match === 'string') return { offset: -1, error: match };
    const [from, to] = this.expRange(range);
    let found = -1;
    let at = afterOffset + 1;
    this.reader.scan(from, to, at, (e) => {
      if (match(this.row(e))) found = at;
      at++;
      return found < 0;
    });
    if (found >= 0 || afterOffset < 0) return { offset: found };
    at = 0;
    this.reader.scan(from, to, 0, (e) => {
      if (at > afterOffset) return false;
      if (match(this.row(e))) found = at;
      at++;
      return found < 0;
    });
    return { offset: found };
  }

  /** Offsets of the matching rows of the range (the filter), and their count. */
  filter(range: EventRange, search: EventSearch): EventMatches {
    const match = rowMatcher(search);
    if (typeof match === 'string') return { offsets: new Float64Array(0), count: 0, error: match };
    const [from, to] = this.expRange(range);
    const offsets: number[] = [];
    let count = 0;
    let at = 0;
    this.reader.scan(from, to, 0, (e) => {
      if (match(this.row(e))) {
        if (offsets.length < FILTER_MAX) offsets.push(at);
        count++;
      }
      at++;
      return true;
    });
    return { offsets: Float64Array.from(offsets), count };
  }
}
