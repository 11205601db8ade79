/** The mutable decoding state shared by all compiled field decoders of one stream. */

const EMPTY = new Uint8Array(0);

export class Cursor {
  u8: Uint8Array = EMPTY;
  dv: DataView = new DataView(EMPTY.buffer);
  /** Bit position from the start of the current packet. */
  pos = 0;
  /** Where the packet's content ends (bits from its start): what length checks compare against (limits.ts). */
  endBits = 0;
  /** Values of fields that sequences/variants refer to, by slot. */
  regs: Array<number | bigint> = [];
  /** Running default clock value, as two unsigned 32-bit halves. */
  clockHi = 0;
  clockLo = 0;
  /** Packet end clock (`timestamp_end`), which must not update the running clock. */
  endHi = 0;
  endLo = 0;
  hasEnd = false;
  hasBegin = false;
  /** Last `id` decoded in the event header (-1: none). */
  eventId = -1;
  // Packet header / context values found through their roles.
  magic = -1;
  streamClassId = -1;
  contentBits = -1;
  packetBits = -1;
  seqNum = -1;
  discarded = -1;
  discardedSize = 64;
  cpu: number | null = null;
  uuidBytes: number[] | null = null;
  readonly scratch: number[] = [0, 0];

  setPacket(u8: Uint8Array): void {
    this.u8 = u8;
    this.dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
    this.pos = 0;
    this.endBits = u8.length * 8;
  }

  resetPacketFields(): void {
    this.magic = -1;
    this.streamClassId = -1;
    this.contentBits = -1;
    this.packetBits = -1;
    this.seqNum = -1;
    this.discarded = -1;
    this.cpu = null;
    this.hasEnd = false;
    this.hasBegin = false;
    this.uuidBytes = null;
  }
}
