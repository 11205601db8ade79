/** LTTng packet index files (`index/<stream>.idx`, always big-endian). Invalid indexes are ignored (null). */
import type { CtfError } from '../errors';

const IDX_MAGIC = 0xc1f1dcc1;

export interface PacketTable {
  offsets: number[];
  /** Packet sizes in bytes. */
  sizes: number[];
  /**
   * Where scanning met a damaged packet after valid ones (a truncated last packet, a broken header): the packets
   * before it are decoded, and the decoder throws this after them (the trace is salvaged, not refused).
   */
  damage?: CtfError;
}

export function readIndex(idx: Uint8Array, streamBytes: number): PacketTable | null {
  if (idx.length < 16) return null;
  const dv = new DataView(idx.buffer, idx.byteOffset, idx.byteLength);
  if (dv.getUint32(0, false) !== IDX_MAGIC) return null;
  const major = dv.getUint32(4, false);
  const entryLen = dv.getUint32(12, false);
  if (major !== 1 || entryLen < 56) return null;
  const offsets: number[] = [];
  const sizes: number[] = [];
  let expected = 0;
  for (let p = 16; p + entryLen <= idx.length; p += entryLen) {
    const off = Number(dv.getBigUint64(p, false));
    const packetBits = Number(dv.getBigUint64(p + 8, false));
    const contentBits = Number(dv.getBigUint64(p + 16, false));
    const tsBegin = dv.getBigUint64(p + 24, false);
    const tsEnd = dv.getBigUint64(p + 32, false);
    if (packetBits % 8 !== 0 || packetBits === 0 || contentBits > packetBits) return null;
    if (off !== expected) return null;
    if (tsBegin > tsEnd) return null;
    offsets.push(off);
    sizes.push(packetBits / 8);
    expected = off + packetBits / 8;
  }
  if (expected !== streamBytes) return null;
  return { offsets, sizes };
}
