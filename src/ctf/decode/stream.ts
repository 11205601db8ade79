/**
 * One data stream file: packet scanning (or its index) and the event iterator used by the k-way merge.
 * Alignment is relative to each packet's start: every packet gets its own view. The file is read through a
 * ByteSource one packet at a time (headers only while scanning): a stream decoder holds its current packet only.
 */
import { CtfError } from '../errors';
import type { ByteSource } from './byte-source';
import type { LossRecord, TraceEvent } from '../event';
import type { ClockConv } from './clock';
import { REC_EVENT, StagedRecord, type ColumnTables, type ScopeReader } from './columns';
import { DecodeFault, type Dec } from './compile';
import { Cursor } from './cursor';
import type { PacketTable } from './index-file';
import type { StreamPlan, TracePlan } from './plan';

const PACKET_MAGIC = 0xc1fc1fc1;
/** Bit positions within a packet are kept in 32-bit integer arithmetic (alignment masks): packets up to 128 MiB. */
const MAX_PACKET_BYTES = 2 ** 27;

export interface ScannedStream extends PacketTable {
  streamClassId: number;
  cpu: number | null;
}

/** Any failure while decoding a packet as a CtfError naming the file, the packet and the byte of the faulty field. */
function fault(e: unknown, file: string, packetOff: number, startBit: number, what: string): CtfError {
  if (e instanceof CtfError)
    return e.file !== undefined ? e : new CtfError(e.message, { file, byteOffset: packetOff + (startBit >>> 3) });
  if (e instanceof DecodeFault) {
    const bit = e.bitPos ?? startBit;
    return new CtfError(`${e.message} (${what}, packet at byte ${packetOff})`, {
      file,
      byteOffset: packetOff + (bit >>> 3),
    });
  }
  if (e instanceof RangeError)
    return new CtfError(`data ends before the ${what} is complete`, { file, byteOffset: packetOff + (startBit >>> 3) });
  throw e;
}

/** Bytes read to decode a packet's header and context while scanning (retried with the whole packet if short). */
const HEADER_WINDOW_BYTES = 4096;

/**
 * Decode header and context of the packet whose bytes (from file offset `off`) are `packet`, leaving the cursor
 * after them. Returns the stream plan.
 */
function readPacketStart(c: Cursor, plan: TracePlan, packet: Uint8Array, off: number, file: string): StreamPlan {
  c.setPacket(packet.length > MAX_PACKET_BYTES ? packet.subarray(0, MAX_PACKET_BYTES) : packet);
  c.resetPacketFields();
  let sp: StreamPlan | undefined;
  try {
    if (plan.header) plan.header(c);
    if (c.magic !== -1 && c.magic !== PACKET_MAGIC) {
      throw new CtfError(`bad packet magic number 0x${(c.magic >>> 0).toString(16)} (expected 0xc1fc1fc1)`, {
        file,
        byteOffset: off,
      });
    }
    const sid =
      c.streamClassId >= 0 ? c.streamClassId : plan.schema.streams.size === 1 ? [...plan.schema.streams.keys()][0] : 0;
    sp = plan.stream(sid);
    if (!sp)
      throw new CtfError(`packet refers to stream class ${sid}, which the metadata does not declare`, {
        file,
        byteOffset: off,
      });
    if (sp.context) sp.context(c);
  } catch (e) {
    throw fault(e, file, off, 0, 'packet header and context');
  }
  return sp;
}

/** Header and context of the packet at `off`, from a small read (a larger one when they do not fit in it). */
function readPacketStartAt(c: Cursor, plan: TracePlan, source: ByteSource, off: number, file: string): StreamPlan {
  const most = Math.min(source.sizeBytes - off, MAX_PACKET_BYTES);
  const first = Math.min(most, HEADER_WINDOW_BYTES);
  try {
    return readPacketStart(c, plan, source.read(off, first), off, file);
  } catch (e) {
    if (first >= most) throw e;
  }
  return readPacketStart(c, plan, source.read(off, most), off, file);
}

/** `left`: bytes of the file from `off` to its end. */
function packetSizes(c: Cursor, left: number, off: number, file: string): { packetBytes: number; contentBits: number } {
  let packetBits = c.packetBits;
  if (packetBits < 0) packetBits = left * 8;
  if (packetBits % 8 !== 0 || packetBits <= 0) {
    throw new CtfError(`invalid packet size ${packetBits} bits (expected a positive multiple of 8)`, {
      file,
      byteOffset: off,
    });
  }
  const packetBytes = packetBits / 8;
  if (packetBytes > left) {
    throw new CtfError(`packet size ${packetBytes} bytes goes beyond the end of the file (${left} bytes left)`, {
      file,
      byteOffset: off,
    });
  }
  if (packetBytes > MAX_PACKET_BYTES)
    throw new CtfError(`packet of ${packetBytes} bytes is too large to decode`, { file, byteOffset: off });
  const contentBits = c.contentBits >= 0 ? c.contentBits : packetBits;
  if (contentBits > packetBits) {
    throw new CtfError(`packet content size ${contentBits} bits exceeds its packet size ${packetBits} bits`, {
      file,
      byteOffset: off,
    });
  }
  if (contentBits < c.pos) {
    throw new CtfError(
      `packet content size ${contentBits} bits is smaller than its header and context (${c.pos} bits)`,
      {
        file,
        byteOffset: off,
      },
    );
  }
  return { packetBytes, contentBits };
}

/** Find the packets of a stream file by walking the packet headers (or trusting a valid index). */
export function scanStream(
  plan: TracePlan,
  source: ByteSource,
  file: string,
  index: PacketTable | null,
): ScannedStream {
  const c = new Cursor();
  const offsets: number[] = [];
  const sizes: number[] = [];
  let streamClassId = -1;
  let cpu: number | null = null;
  const fileBytes = source.sizeBytes;
  if (fileBytes === 0) return { offsets, sizes, streamClassId: -1, cpu: null };
  if (index && index.offsets.length > 0) {
    const sp = readPacketStartAt(c, plan, source, 0, file);
    return { ...index, streamClassId: sp.sc.id, cpu: c.cpu };
  }
  let off = 0;
  while (off < fileBytes) {
    let sp: StreamPlan;
    let packetBytes: number;
    try {
      sp = readPacketStartAt(c, plan, source, off, file);
      packetBytes = packetSizes(c, fileBytes - off, off, file).packetBytes;
    } catch (e) {
      // A stream damaged from its first packet is refused (wrong from the start); after valid packets, those
      // are kept and the damage is reported when the decoder reaches it.
      if (offsets.length === 0 || !(e instanceof CtfError)) throw e;
      return { offsets, sizes, streamClassId, cpu, damage: e };
    }
    if (streamClassId < 0) {
      streamClassId = sp.sc.id;
      cpu = c.cpu;
    } else if (sp.sc.id !== streamClassId) {
      throw new CtfError(`packet of stream class ${sp.sc.id} in a stream of class ${streamClassId}`, {
        file,
        byteOffset: off,
      });
    }
    offsets.push(off);
    sizes.push(packetBytes);
    off += packetBytes;
  }
  return { offsets, sizes, streamClassId, cpu };
}

/** Event iterator of one stream file. `advance()` loads the next item (event or loss) into `event`/`loss`. */
export class StreamDecoder {
  private readonly c = new Cursor();
  private packetIdx = -1;
  private packetOff = 0;
  private limitBits = 0;
  private sp: StreamPlan | null = null;
  private prevDiscarded = -1;
  private prevSeq = -1;
  private prevHasEnd = false;
  private prevEndHi = 0;
  private prevEndLo = 0;
  private pending: LossRecord[] = [];
  private curCpu: number | null = null;
  /** Current item: an event, or a loss record when `event` is null; in column mode, `staged` when `isStaged`. */
  event: TraceEvent | null = null;
  loss: LossRecord | null = null;
  /** Column mode (readColumns): events are read into `staged` through the tables' column readers. */
  private tables: ColumnTables | null = null;
  /** The common context's column reader (or skipper) of the current packet's stream class. */
  private colCtx: ScopeReader | null = null;
  private skipCtx: Dec | null = null;
  readonly staged = new StagedRecord();
  isStaged = false;
  /** Merge key of the current item (ns from origin; -Infinity when unknown). */
  key = 0;
  /** Damage met that does not stop decoding (packets overlapping, loss counters going backwards), by kind. */
  private readonly damage = new Map<string, { count: number; firstByte: number; first: string }>();
  /** Tie-break between streams: the stream's index in the experiment. */
  readonly order: number;

  constructor(
    private readonly plan: TracePlan,
    private readonly source: ByteSource,
    private readonly table: PacketTable,
    private readonly file: string,
    private readonly conv: ClockConv,
    readonly traceIdx: number,
    private readonly streamIdx: number,
  ) {
    this.order = streamIdx;
  }

  /** Read events as columns (the fields the tables want) instead of TraceEvents. */
  readColumns(tables: ColumnTables | null): void {
    this.tables = tables;
    if (this.sp !== null) this.contextReaders(this.sp);
  }

  /** The common context's reader for column mode, looked up once per packet rather than per event. */
  private contextReaders(sp: StreamPlan): void {
    const read = this.tables !== null && this.tables.readContext;
    this.colCtx = read ? sp.columnContext() : null;
    this.skipCtx = this.tables !== null && !read ? sp.skipContext() : null;
  }

  /** Index of the packet being read (-1 before the first). */
  get packet(): number {
    return this.packetIdx;
  }

  /**
   * Continue from the start of packet `i` (the events table's range reads: only the packets overlapping a time
   * range are decoded). Loss tracking restarts there: range reads use events only.
   */
  seekPacket(i: number): void {
    this.packetIdx = i - 1;
    this.sp = null;
    this.pending = [];
    this.prevDiscarded = -1;
    this.prevSeq = -1;
    this.prevHasEnd = false;
  }

  /** cpu of the current packet. */
  get cpu(): number | null {
    return this.curCpu;
  }

  /** Raw clock value [hi, lo] of the first packet's beginning, or of the first event: for choosing the origin. */
  firstClock(): [number, number] | null {
    if (this.table.offsets.length === 0) return null;
    const c = this.c;
    const off = this.table.offsets[0];
    const sp = readPacketStart(c, this.plan, this.source.read(off, this.table.sizes[0]), off, this.file);
    if (!sp.hasClock) return null;
    if (c.hasBegin) return [c.clockHi, c.clockLo];
    if (sp.eventHeader && c.pos < (c.contentBits >= 0 ? c.contentBits : this.table.sizes[0] * 8)) {
      sp.eventHeader(c);
      return [c.clockHi, c.clockLo];
    }
    return null;
  }

  private openPacket(): boolean {
    const c = this.c;
    if (this.sp) {
      // Remember the end of the packet just finished, for the time range of the next losses.
      this.prevHasEnd = c.hasEnd && this.sp.hasClock;
      if (c.clockHi > c.endHi || (c.clockHi === c.endHi && c.clockLo > c.endLo)) {
        // LTTng quirks, fixed as babeltrace2 does: lttng-crash leaves timestamp_end = 0, and old tracers wrote
        // events after timestamp_end; the packet really ends at its last event.
        this.prevEndHi = c.clockHi;
        this.prevEndLo = c.clockLo;
      } else {
        this.prevEndHi = c.endHi;
        this.prevEndLo = c.endLo;
      }
      this.prevDiscarded = c.discarded;
      this.prevSeq = c.seqNum;
    }
    this.packetIdx++;
    if (this.packetIdx >= this.table.offsets.length) {
      if (this.table.damage) throw this.table.damage;
      return false;
    }
    const off = this.table.offsets[this.packetIdx];
    this.packetOff = off;
    // The previous packet's bytes are dropped here: one packet per stream is held while decoding.
    const sp = readPacketStart(c, this.plan, this.source.read(off, this.table.sizes[this.packetIdx]), off, this.file);
    this.sp = sp;
    const { packetBytes, contentBits } = packetSizes(c, this.source.sizeBytes - off, off, this.file);
    if (packetBytes !== this.table.sizes[this.packetIdx]) {
      throw new CtfError(
        `packet size ${packetBytes} bytes differs from the index (${this.table.sizes[this.packetIdx]} bytes)`,
        {
          file: this.file,
          byteOffset: off,
        },
      );
    }
    c.u8 = c.u8.subarray(0, packetBytes);
    c.dv = new DataView(c.u8.buffer, c.u8.byteOffset, packetBytes);
    this.limitBits = contentBits;
    c.endBits = contentBits;
    this.curCpu = c.cpu;
    this.contextReaders(sp);
    this.checkLosses();
    return true;
  }

  private checkLosses(): void {
    const c = this.c;
    const hasClock = this.sp!.hasClock;
    if (
      hasClock &&
      c.hasBegin &&
      this.prevHasEnd &&
      (c.clockHi < this.prevEndHi || (c.clockHi === this.prevEndHi && c.clockLo < this.prevEndLo))
    ) {
      // Packets of one stream follow each other in time: an overlap means a damaged packet context.
      const ns = this.conv.tsNs(this.prevEndHi, this.prevEndLo) - this.conv.tsNs(c.clockHi, c.clockLo);
      this.noteDamage('packets begin before the previous one ends', `by ${ns} ns`);
    }
    if (c.discarded >= 0) {
      let count = 0;
      let begin = NaN;
      if (this.prevDiscarded < 0) {
        count = c.discarded;
        if (c.hasBegin && hasClock) begin = this.conv.tsNs(c.clockHi, c.clockLo);
      } else if (c.discarded !== this.prevDiscarded) {
        const diff = c.discarded - this.prevDiscarded;
        count = diff >= 0 ? diff : diff + 2 ** c.discardedSize;
        // A narrow counter wraps; a 64-bit one never does in practice: it went backwards in a damaged context.
        if (diff < 0 && c.discardedSize >= 64) {
          this.noteDamage(
            'events_discarded goes down (no loss recorded there)',
            `from ${this.prevDiscarded} to ${c.discarded}`,
          );
          count = 0;
        }
        if (this.prevHasEnd) begin = this.conv.tsNs(this.prevEndHi, this.prevEndLo);
      }
      if (count > 0) {
        // timestamp_end = 0 (lttng-crash): the end is unknown until the packet is decoded.
        const endKnown = c.hasEnd && hasClock && (c.endHi !== 0 || c.endLo !== 0);
        const end = endKnown ? this.conv.tsNs(c.endHi, c.endLo) : NaN;
        this.pending.push(this.lossRecord('discarded-events', count, begin, end));
      }
    }
    if (c.seqNum >= 0 && this.prevSeq >= 0 && c.seqNum < this.prevSeq) {
      this.noteDamage(
        'packet_seq_num goes down (lost packets cannot be counted there)',
        `from ${this.prevSeq} to ${c.seqNum}`,
      );
    }
    if (c.seqNum >= 0 && this.prevSeq >= 0 && c.seqNum > this.prevSeq + 1) {
      const begin = this.prevHasEnd ? this.conv.tsNs(this.prevEndHi, this.prevEndLo) : NaN;
      const end = c.hasBegin && hasClock ? this.conv.tsNs(c.clockHi, c.clockLo) : NaN;
      this.pending.push(this.lossRecord('discarded-packets', c.seqNum - this.prevSeq - 1, begin, end));
    }
  }

  private noteDamage(kind: string, detail: string): void {
    const d = this.damage.get(kind);
    if (d) d.count++;
    else this.damage.set(kind, { count: 1, firstByte: this.packetOff, first: detail });
  }

  /** One sentence per kind of damage met so far (a damaged or spliced stream decodes on, but says so). */
  warnings(): string[] {
    return [...this.damage].map(
      ([kind, d]) =>
        `${this.file}: ${kind}: ${d.count} packet${d.count > 1 ? 's' : ''}, first at byte ${d.firstByte} (${d.first}); damaged packet context, times and losses there are doubtful`,
    );
  }

  private lossRecord(kind: LossRecord['kind'], count: number, beginNs: number, endNs: number): LossRecord {
    return { kind, count, beginNs, endNs, trace: this.traceIdx, stream: this.streamIdx, cpu: this.c.cpu };
  }

  advance(): boolean {
    const c = this.c;
    for (;;) {
      if (this.pending.length > 0) {
        const l = this.pending.shift()!;
        this.loss = l;
        this.event = null;
        this.isStaged = false;
        this.key = Number.isNaN(l.beginNs) ? -Infinity : l.beginNs;
        return true;
      }
      if (this.sp !== null && c.pos < this.limitBits) {
        if (this.tables !== null) this.decodeColumns(this.tables);
        else this.decodeEvent();
        return true;
      }
      if (!this.openPacket()) {
        this.event = null;
        this.loss = null;
        this.isStaged = false;
        return false;
      }
    }
  }

  /** decodeEvent's twin for column mode: same checks, the values go to `staged`. */
  private decodeColumns(tables: ColumnTables): void {
    const c = this.c;
    const sp = this.sp!;
    const start = c.pos;
    const rec = this.staged;
    try {
      c.eventId = -1;
      if (sp.eventHeader) sp.eventHeader(c);
      const ep = sp.columnEvent(c.eventId, tables);
      if (!ep) throw new DecodeFault(`unknown event id ${c.eventId} in stream class ${sp.sc.id}`);
      rec.nameId = ep.nameId;
      rec.flags = REC_EVENT;
      rec.count = 0;
      if (this.colCtx !== null) this.colCtx(c, rec, tables);
      else if (this.skipCtx !== null) this.skipCtx(c);
      if (ep.ectx) ep.ectx(c);
      if (ep.payload) ep.payload(c, rec, tables);
      else if (ep.skipPayload) ep.skipPayload(c);
      rec.tsNs = sp.hasClock ? this.conv.tsNs(c.clockHi, c.clockLo) : NaN;
    } catch (e) {
      throw fault(e, this.file, this.packetOff, start, `event at bit ${start} of the packet`);
    }
    if (c.pos === start || c.pos > this.limitBits) this.checkEnd(start, tables.names[rec.nameId]);
    this.event = null;
    this.loss = null;
    this.isStaged = true;
    this.key = Number.isNaN(rec.tsNs) ? -Infinity : rec.tsNs;
  }

  private checkEnd(start: number, name: string): void {
    const c = this.c;
    if (c.pos === start) {
      throw new CtfError(`event '${name}' takes no space: the stream cannot advance`, {
        file: this.file,
        byteOffset: this.packetOff + (start >>> 3),
      });
    }
    if (c.pos > this.limitBits) {
      throw new CtfError(
        `event '${name}' ends at bit ${c.pos} of its packet, beyond the packet content (${this.limitBits} bits)`,
        {
          file: this.file,
          byteOffset: this.packetOff + (start >>> 3),
        },
      );
    }
  }

  private decodeEvent(): void {
    const c = this.c;
    const sp = this.sp!;
    const start = c.pos;
    let ev: TraceEvent;
    try {
      c.eventId = -1;
      if (sp.eventHeader) sp.eventHeader(c);
      const ep = sp.event(c.eventId);
      if (!ep) throw new DecodeFault(`unknown event id ${c.eventId} in stream class ${sp.sc.id}`);
      const ctx = sp.commonCtx ? (sp.commonCtx(c) as TraceEvent['ctx']) : null;
      const ectx = ep.ctx ? (ep.ctx(c) as TraceEvent['ectx']) : null;
      const fields = ep.payload ? (ep.payload(c) as TraceEvent['fields']) : null;
      ev = {
        name: ep.name,
        tsNs: sp.hasClock ? this.conv.tsNs(c.clockHi, c.clockLo) : NaN,
        cpu: this.curCpu,
        ctx,
        ectx,
        fields,
        trace: this.traceIdx,
        stream: this.streamIdx,
      };
    } catch (e) {
      throw fault(e, this.file, this.packetOff, start, `event at bit ${start} of the packet`);
    }
    this.checkEnd(start, ev.name);
    this.event = ev;
    this.loss = null;
    this.key = Number.isNaN(ev.tsNs) ? -Infinity : ev.tsNs;
  }
}
