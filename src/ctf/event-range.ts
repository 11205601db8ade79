/**
 * The events of a time range, decoded on demand (the events table): a per-packet index (first and last event
 * time, event count; built once by skipping through every stream, no event kept) tells which packets of each
 * stream overlap a range and how many of their events it holds, so counting reads at most the two boundary
 * packets per stream, and a page of rows (offset, limit) decodes only from the packets where that offset falls,
 * merged in time order (ties by stream, as `Experiment.decode`) with the generic TraceEvent decoder.
 */
import type { TraceEvent } from './event';
import { heapPush, siftDown, type Experiment } from './experiment';
import { ColumnTables } from './decode/columns';
import type { StreamDecoder } from './decode/stream';

/** Per stream: its packets' first and last event times (ns from the origin) and event counts. */
interface PacketIndex {
  firstNs: Float64Array;
  lastNs: Float64Array;
  count: Float64Array;
}

export interface EventPage {
  /** Events in the range, whatever the page. */
  total: number;
  /** Rows [offset, offset + limit) of the range, in time order. */
  rows: TraceEvent[];
}

/** Boundary packets whose event times are kept (a few MB at most). */
const TIMES_CACHE_PACKETS = 256;

export class EventRangeReader {
  private readonly index: PacketIndex[];
  private readonly skipTables = new ColumnTables(() => null, false);
  private readonly timesCache = new Map<string, Float64Array>();

  constructor(private readonly exp: Experiment) {
    this.index = exp.streams.map((_, si) => this.indexStream(si));
  }

  /** Events in the whole trace (every packet's count). */
  get totalEvents(): number {
    let n = 0;
    for (const ix of this.index) for (const c of ix.count) n += c;
    return n;
  }

  private indexStream(si: number): PacketIndex {
    const packets = this.exp.streams[si].packetCount;
    const ix: PacketIndex = {
      firstNs: new Float64Array(packets).fill(Infinity),
      lastNs: new Float64Array(packets).fill(-Infinity),
      count: new Float64Array(packets),
    };
    const d = this.exp.streamDecoder(si);
    d.readColumns(this.skipTables);
    try {
      while (d.advance()) {
        if (!d.isStaged || !Number.isFinite(d.key)) continue;
        const p = d.packet;
        ix.count[p]++;
        if (d.key < ix.firstNs[p]) ix.firstNs[p] = d.key;
        if (d.key > ix.lastNs[p]) ix.lastNs[p] = d.key;
      }
    } catch {
      // A damaged stream: its valid packets stay listed (the load already said where the damage is).
    }
    return ix;
  }

  /**
   * Sorted event times of packet `p` of stream `si` (boundary packets of a range: counted by binary search; the
   * last few hundred are kept, so paging and searching one range decodes each boundary packet once).
   */
  private packetTimes(si: number, p: number): Float64Array {
    const key = `${si}:${p}`;
    const hit = this.timesCache.get(key);
    if (hit) return hit;
    const times = new Float64Array(this.index[si].count[p]);
    let k = 0;
    const d = this.exp.streamDecoder(si);
    d.readColumns(this.skipTables);
    d.seekPacket(p);
    try {
      while (k < times.length && d.advance() && d.packet === p)
        if (d.isStaged && Number.isFinite(d.key)) times[k++] = d.key;
    } catch {
      // counted up to the damage
    }
    const sorted = times.subarray(0, k).sort();
    if (this.timesCache.size >= TIMES_CACHE_PACKETS) this.timesCache.clear();
    this.timesCache.set(key, sorted);
    return sorted;
  }

  /** Events of stream `si` at times in [fromNs, toNs), counting whole packets and reading boundary ones. */
  private countStream(si: number, fromNs: number, toNs: number): number {
    const ix = this.index[si];
    let n = 0;
    for (let p = 0; p < ix.count.length; p++) {
      if (ix.count[p] === 0 || ix.lastNs[p] < fromNs || ix.firstNs[p] >= toNs) continue;
      if (ix.firstNs[p] >= fromNs && ix.lastNs[p] < toNs) {
        n += ix.count[p];
        continue;
      }
      const times = this.packetTimes(si, p);
      n += lowerBound(times, toNs) - lowerBound(times, fromNs);
    }
    return n;
  }

  /** Events at times in [fromNs, toNs). */
  count(fromNs: number, toNs: number): number {
    let n = 0;
    for (let si = 0; si < this.index.length; si++) n += this.countStream(si, fromNs, toNs);
    return n;
  }

  /**
   * Rows [offset, offset + limit) of the events at times in [fromNs, toNs), in time order, with the range's
   * total. The merge starts at the latest packet beginning whose earlier events number at most `offset`, so a
   * page deep in millions of rows decodes about one packet per stream before it, not the rows above it.
   */
  page(fromNs: number, toNs: number, offset: number, limit: number): EventPage {
    const total = this.count(fromNs, toNs);
    const rows: TraceEvent[] = [];
    if (offset < total && limit > 0)
      this.scan(fromNs, toNs, offset, (e) => {
        rows.push(e);
        return rows.length < limit;
      });
    return { total, rows };
  }

  /**
   * Calls `onEvent` with the events at times in [fromNs, toNs) from row `offset` on, in time order, until it
   * returns false (search and filter read the range this way, keeping nothing).
   */
  scan(fromNs: number, toNs: number, offset: number, onEvent: (e: TraceEvent) => boolean): void {
    // Candidate start times: packet beginnings inside the range, sorted; binary search on the count before each.
    const starts: number[] = [fromNs];
    for (const ix of this.index)
      for (let p = 0; p < ix.count.length; p++)
        if (ix.count[p] > 0 && ix.firstNs[p] > fromNs && ix.firstNs[p] < toNs) starts.push(ix.firstNs[p]);
    starts.sort((a, b) => a - b);
    let lo = 0;
    let hi = starts.length - 1;
    let before = 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const n = this.count(fromNs, starts[mid]);
      if (n <= offset) {
        lo = mid;
        before = n;
      } else hi = mid - 1;
    }
    if (lo === 0) before = 0;
    this.merge(starts[lo], toNs, offset - before, onEvent);
  }

  /**
   * Events from `startNs` (skipping `skip` of them) up to `toNs`, merged by time then stream, while `onEvent`
   * returns true. The skipped ones (about a packet per stream) are decoded too: simple, and bounded by the packet
   * sizes.
   */
  private merge(startNs: number, toNs: number, skip: number, onEvent: (e: TraceEvent) => boolean): void {
    const heap: StreamDecoder[] = [];
    const next = (d: StreamDecoder): boolean => {
      try {
        while (d.advance()) {
          if (!d.event || !Number.isFinite(d.key)) continue;
          if (d.key >= toNs) return false;
          if (d.key >= startNs) return true;
        }
      } catch {
        // a damaged stream ends at its last valid event
      }
      return false;
    };
    this.index.forEach((ix, si) => {
      let p = 0;
      while (p < ix.count.length && (ix.count[p] === 0 || ix.lastNs[p] < startNs)) p++;
      if (p >= ix.count.length || ix.firstNs[p] >= toNs) return;
      const d = this.exp.streamDecoder(si);
      d.seekPacket(p);
      if (next(d)) heapPush(heap, d);
    });
    while (heap.length > 0) {
      const d = heap[0];
      if (skip > 0) skip--;
      else if (!onEvent(d.event!)) return;
      if (next(d)) siftDown(heap, 0);
      else {
        const last = heap.pop()!;
        if (heap.length > 0) {
          heap[0] = last;
          siftDown(heap, 0);
        }
      }
    }
  }
}

/** First index of a sorted array whose value is >= x. */
function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
