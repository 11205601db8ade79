/**
 * Binary side of the synthesizer: per-stream packet writer (packet header and context, compact or large event
 * headers, padding, `.idx` entries) and the packetized metadata file. Little-endian, x86-64 layout: every field is
 * byte-aligned, so no alignment padding is ever written inside a packet.
 *
 * Packets are handed to a `FileSink` as soon as they are closed, so a writer holds one packet per stream in memory
 * whatever the trace size.
 */
import type { EventClassDef, FieldDef } from './layouts';

export interface FileSink {
  write(chunk: Uint8Array): void;
  close(): void;
}

export interface OutputDir {
  /** Opens `relPath` (slash-separated, relative to the session folder) for writing, creating parent folders. */
  open(relPath: string): FileSink;
}

export type FieldInput = number | string | number[];

const CTF_MAGIC = 0xc1fc1fc1;
const METADATA_MAGIC = 0x75d11d57;
const INDEX_MAGIC = 0xc1f1dcc1;
/** v1.1 index entry: 9 u64. */
const INDEX_ENTRY_BYTES = 72;
const METADATA_PACKET_BYTES = 4096;
const METADATA_HEADER_BYTES = 37;
/** Packet header (magic, uuid, stream_id, stream_instance_id) + LTTng packet context (7 fields). */
export const PACKET_PREAMBLE_BYTES = 4 + 16 + 4 + 8 + 8 * 6 + 4;
/** Consumer daemons pad the last, partial sub-buffer to a page. */
const PAGE_BYTES = 4096;
const TWO_32 = 4294967296;

const utf8 = new TextEncoder();
/** Encoded strings: traces repeat the same few comms, paths and function names. */
const encodedCache = new Map<string, Uint8Array>();
function encoded(text: string): Uint8Array {
  let bytes = encodedCache.get(text);
  if (bytes === undefined) {
    bytes = utf8.encode(text);
    if (encodedCache.size > 10_000) encodedCache.clear();
    encodedCache.set(text, bytes);
  }
  return bytes;
}

export function uuidBytes(uuid: string): Uint8Array {
  const hex = uuid.replace(/-/g, '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Writes a 64-bit two's complement value given as a JS number (exact up to 2^53 in magnitude). */
function setU64(view: DataView, offset: number, value: number): void {
  const hi = Math.floor(value / TWO_32);
  view.setUint32(offset, value - hi * TWO_32, true);
  view.setInt32(offset + 4, hi | 0, true);
}

function setU64Be(view: DataView, offset: number, value: number): void {
  const hi = Math.floor(value / TWO_32);
  view.setUint32(offset + 4, value - hi * TWO_32, false);
  view.setInt32(offset, hi | 0, false);
}

/** The metadata file LTTng writes: 4 KiB packets with the 37-byte header, text split at packet boundaries. */
export function packetizeMetadata(text: string, uuid: string): Uint8Array {
  const bytes = utf8.encode(text);
  const perPacket = METADATA_PACKET_BYTES - METADATA_HEADER_BYTES;
  const count = Math.max(1, Math.ceil(bytes.length / perPacket));
  const out = new Uint8Array(count * METADATA_PACKET_BYTES);
  const view = new DataView(out.buffer);
  const id = uuidBytes(uuid);
  for (let p = 0; p < count; p++) {
    const base = p * METADATA_PACKET_BYTES;
    const chunk = bytes.subarray(p * perPacket, (p + 1) * perPacket);
    view.setUint32(base, METADATA_MAGIC, true);
    out.set(id, base + 4);
    view.setUint32(base + 20, 0, true); // checksum: none
    view.setUint32(base + 24, (METADATA_HEADER_BYTES + chunk.length) * 8, true);
    view.setUint32(base + 28, METADATA_PACKET_BYTES * 8, true);
    out[base + 32] = 0; // compression
    out[base + 33] = 0; // encryption
    out[base + 34] = 0; // checksum scheme
    out[base + 35] = 1; // major
    out[base + 36] = 8; // minor
    out.set(chunk, base + METADATA_HEADER_BYTES);
  }
  return out;
}

export type EventHeaderKind = 'compact' | 'large';

export interface StreamWriterOptions {
  uuid: string;
  header: EventHeaderKind;
  /** Sub-buffer size: the capacity of a packet. */
  packetBytes: number;
  cpu: number;
  /** Stream event context fields (UST), written before the payload. */
  context: FieldDef[];
  classes: EventClassDef[];
  /** Time of `lttng start`: `timestamp_begin` of the first packet. */
  startTs: number;
  data: FileSink;
  index: FileSink;
}

/** Largest event the writer accepts (header and context included). */
const MAX_EVENT_BYTES = 64 * 1024;
const OP_STRING = 16;
const OP_TEXT = 17;
const OP_SEQ = 18;

export class StreamWriter {
  private readonly opts: StreamWriterOptions;
  private readonly uuid: Uint8Array;
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;
  private readonly plans: Int32Array[];
  private readonly contextPlan: Int32Array;
  private packetBegin = 0;
  private lastTs = 0;
  private inPacket = false;
  private seq = 0;
  private fileOffset = 0;
  private readonly indexBuf = new Uint8Array(INDEX_ENTRY_BYTES);
  private readonly indexView = new DataView(this.indexBuf.buffer);
  events = 0;
  bytes = 0;

  constructor(opts: StreamWriterOptions) {
    if (opts.packetBytes % PAGE_BYTES !== 0 || opts.packetBytes < PAGE_BYTES) {
      throw new Error(`packet size ${opts.packetBytes} must be a multiple of ${PAGE_BYTES}`);
    }
    this.opts = opts;
    this.uuid = uuidBytes(opts.uuid);
    // Slack past the packet end: an event is encoded in place, then moved to the next packet if it overflowed.
    this.buf = new Uint8Array(opts.packetBytes + MAX_EVENT_BYTES);
    this.view = new DataView(this.buf.buffer);
    this.plans = opts.classes.map((c) => this.compile(c.fields));
    this.contextPlan = this.compile(opts.context);
    this.packetBegin = opts.startTs;
    this.lastTs = opts.startTs;
    const header = new Uint8Array(16);
    const hv = new DataView(header.buffer);
    hv.setUint32(0, INDEX_MAGIC, false);
    hv.setUint32(4, 1, false);
    hv.setUint32(8, 1, false);
    hv.setUint32(12, INDEX_ENTRY_BYTES, false);
    opts.index.write(header);
  }

  private openPacket(beginTs: number): void {
    this.buf.fill(0, 0, PACKET_PREAMBLE_BYTES);
    this.packetBegin = beginTs;
    this.lastTs = beginTs;
    this.pos = PACKET_PREAMBLE_BYTES;
    this.inPacket = true;
  }

  /** Fills in header and context, pads, writes the packet and its index entry. */
  private closePacket(endTs: number, padToCapacity: boolean): void {
    const contentBytes = this.pos;
    const packetBytes = padToCapacity ? this.opts.packetBytes : Math.ceil(contentBytes / PAGE_BYTES) * PAGE_BYTES;
    this.buf.fill(0, contentBytes, packetBytes); // zero padding (the buffer is reused between packets)
    const v = this.view;
    v.setUint32(0, CTF_MAGIC, true);
    this.buf.set(this.uuid, 4);
    v.setUint32(20, 0, true); // stream_id
    setU64(v, 24, this.opts.cpu); // stream_instance_id
    setU64(v, 32, this.packetBegin);
    setU64(v, 40, endTs);
    setU64(v, 48, contentBytes * 8);
    setU64(v, 56, packetBytes * 8);
    setU64(v, 64, this.seq);
    setU64(v, 72, 0); // events_discarded
    v.setUint32(80, this.opts.cpu, true);
    this.opts.data.write(this.buf.slice(0, packetBytes));

    const iv = this.indexView;
    setU64Be(iv, 0, this.fileOffset);
    setU64Be(iv, 8, packetBytes * 8);
    setU64Be(iv, 16, contentBytes * 8);
    setU64Be(iv, 24, this.packetBegin);
    setU64Be(iv, 32, endTs);
    setU64Be(iv, 40, 0);
    setU64Be(iv, 48, 0);
    setU64Be(iv, 56, this.opts.cpu);
    setU64Be(iv, 64, this.seq);
    this.opts.index.write(this.indexBuf.slice());

    this.fileOffset += packetBytes;
    this.bytes += packetBytes;
    this.seq++;
    this.inPacket = false;
  }

  /** Field list compiled to (op, argument) pairs: byte size for integers, or a string kind. */
  private compile(fields: FieldDef[]): Int32Array {
    const plan = new Int32Array(fields.length * 2);
    fields.forEach((field, i) => {
      const t = field.type;
      plan[i * 2] = t.k === 'int' ? t.bits >> 3 : t.k === 'string' ? OP_STRING : t.k === 'text' ? OP_TEXT : OP_SEQ;
      plan[i * 2 + 1] = t.k === 'text' ? t.len : t.k === 'seq' ? t.elem.bits >> 3 : 0;
    });
    return plan;
  }

  /** Encodes `values` at byte `at` of the packet buffer (which has slack past the packet end); returns the end. */
  private encodeFields(plan: Int32Array, values: readonly FieldInput[], at: number): number {
    const out = this.buf;
    const v = this.view;
    let p = at;
    for (let i = 0, f = 0; i < plan.length; i += 2, f++) {
      const op = plan[i];
      const value = values[f];
      switch (op) {
        case 4:
          v.setUint32(p, (value as number) >>> 0, true);
          p += 4;
          break;
        case 8:
          setU64(v, p, value as number);
          p += 8;
          break;
        case 1:
          out[p++] = (value as number) & 0xff;
          break;
        case 2:
          v.setUint16(p, (value as number) & 0xffff, true);
          p += 2;
          break;
        case OP_STRING: {
          const bytes = encoded(value as string);
          if (p + bytes.length >= out.length) return out.length; // cannot fit: the caller refuses the event
          out.set(bytes, p);
          p += bytes.length;
          out[p++] = 0;
          break;
        }
        case OP_TEXT: {
          // NUL-padded char array; the text is cut to leave room for one NUL, like strncpy into comm.
          const len = plan[i + 1];
          const bytes = encoded(value as string);
          const n = Math.min(bytes.length, len - 1);
          out.set(n === bytes.length ? bytes : bytes.subarray(0, n), p);
          out.fill(0, p + n, p + len);
          p += len;
          break;
        }
        default: {
          const step = plan[i + 1];
          const items = value as number[];
          if (p + items.length * step >= out.length) return out.length;
          for (const n of items) {
            if (step === 4) v.setUint32(p, n >>> 0, true);
            else if (step === 8) setU64(v, p, n);
            else if (step === 1) out[p] = n & 0xff;
            else v.setUint16(p, n & 0xffff, true);
            p += step;
          }
        }
      }
    }
    return p;
  }

  /** Event header at `p`; returns its end. */
  private writeHeader(p: number, ts: number, classId: number): number {
    const first = p === PACKET_PREAMBLE_BYTES;
    const delta = ts - this.lastTs;
    const v = this.view;
    if (this.opts.header === 'large') {
      if (first || classId >= 65535 || delta >= TWO_32) {
        v.setUint16(p, 65535, true);
        v.setUint32(p + 2, classId, true);
        setU64(v, p + 6, ts);
        return p + 14;
      }
      v.setUint16(p, classId, true);
      v.setUint32(p + 2, ts % TWO_32, true);
      return p + 6;
    }
    if (first || classId >= 31 || delta >= 0x8000000) {
      this.buf[p] = 31;
      v.setUint32(p + 1, classId, true);
      setU64(v, p + 5, ts);
      return p + 13;
    }
    // 5-bit id in the low bits, then the low 27 bits of the timestamp.
    v.setUint32(p, (classId + (ts % 0x8000000) * 32) >>> 0, true);
    return p + 4;
  }

  private encodeEvent(
    ts: number,
    classId: number,
    values: readonly FieldInput[],
    context?: readonly FieldInput[],
  ): number {
    let p = this.writeHeader(this.pos, ts, classId);
    if (this.contextPlan.length > 0) p = this.encodeFields(this.contextPlan, context!, p);
    return this.encodeFields(this.plans[classId], values, p);
  }

  /**
   * Appends one event. `ts` must not decrease within the stream. The first event of a packet, an id that does not
   * fit the compact selector, or a time delta wider than the compact timestamp take the extended header, as the
   * LTTng ring buffer does.
   */
  write(ts: number, classId: number, values: readonly FieldInput[], context?: readonly FieldInput[]): void {
    if (ts < this.lastTs) throw new Error(`stream cpu ${this.opts.cpu}: time goes back (${ts} < ${this.lastTs})`);
    if (!this.inPacket) this.openPacket(this.packetBegin);
    let end = this.encodeEvent(ts, classId, values, context);
    if (end > this.opts.packetBytes) {
      // Sub-buffer switch: the old packet ends and the new one begins at the switch time; the event is written
      // again at the start of the new packet (with a full timestamp).
      this.closePacket(ts, true);
      this.openPacket(ts);
      end = this.encodeEvent(ts, classId, values, context);
      if (end > this.opts.packetBytes) {
        const name = this.opts.classes[classId].name;
        throw new Error(`event ${name} does not fit a ${this.opts.packetBytes}-byte packet`);
      }
    }
    this.pos = end;
    this.lastTs = ts;
    this.events++;
  }

  /** Flushes the last packet (padded to a page) at `lttng stop` time; a stream with no event gets an empty packet. */
  close(endTs: number): void {
    if (!this.inPacket) this.openPacket(this.packetBegin);
    this.closePacket(Math.max(endTs, this.lastTs), false);
    this.opts.data.close();
    this.opts.index.close();
  }
}
