/**
 * Metadata file -> TraceSchema. Handles packetized metadata (LTTng's on-disk form: 37-byte headers, magic
 * 0x75D11D57 in either byte order) and plain text, then sniffs CTF 2 (JSON fragments, 0x1E record separators)
 * versus TSDL.
 */
import { CtfError } from './errors';
import { parseCtf2Metadata } from './ctf2/parse';
import type { TraceSchema } from './schema';
import { parseTsdl } from './tsdl/resolve';

const META_MAGIC = 0x75d11d57;
const HEADER_BYTES = 37;

/** The metadata text: de-packetized when needed. */
export function metadataText(bytes: Uint8Array, file = 'metadata'): string {
  if (bytes.length >= 4) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const le = dv.getUint32(0, true) === META_MAGIC;
    const be = dv.getUint32(0, false) === META_MAGIC;
    if (le || be) return depacketize(bytes, dv, le, file);
  }
  return new TextDecoder('utf-8').decode(bytes);
}

function depacketize(bytes: Uint8Array, dv: DataView, le: boolean, file: string): string {
  const parts: Uint8Array[] = [];
  let off = 0;
  let total = 0;
  while (off < bytes.length) {
    if (off + HEADER_BYTES > bytes.length) {
      throw new CtfError(
        `truncated metadata packet header (${bytes.length - off} bytes left, expected ${HEADER_BYTES})`,
        {
          file,
          byteOffset: off,
        },
      );
    }
    const magic = dv.getUint32(off, le);
    if (magic !== META_MAGIC) {
      throw new CtfError(`bad metadata packet magic 0x${magic.toString(16)} (expected 0x75d11d57)`, {
        file,
        byteOffset: off,
      });
    }
    // Early lttng-modules wrote 35-byte headers without the version bytes: reading on would drop two characters
    // of text per packet and fail later on a mangled word. babeltrace2 refuses these packets the same way.
    const major = bytes[off + 35];
    const minor = bytes[off + 36];
    // 1.8 for TSDL; LTTng writes 2.0 around CTF 2 JSON fragments.
    if (!((major === 1 && minor === 8) || (major === 2 && minor === 0))) {
      throw new CtfError(
        `invalid metadata packet version ${major}.${minor} (expected 1.8, or 2.0 for CTF 2: the packet header lacks its version bytes or is damaged)`,
        {
          file,
          byteOffset: off,
        },
      );
    }
    const contentBits = dv.getUint32(off + 24, le);
    const packetBits = dv.getUint32(off + 28, le);
    const compression = bytes[off + 32];
    const encryption = bytes[off + 33];
    const checksumScheme = bytes[off + 34];
    if (compression !== 0 || encryption !== 0 || checksumScheme !== 0) {
      throw new CtfError('compressed, encrypted or checksummed metadata packets are not supported', {
        file,
        byteOffset: off,
      });
    }
    if (contentBits % 8 !== 0 || packetBits % 8 !== 0 || contentBits > packetBits || contentBits < HEADER_BYTES * 8) {
      throw new CtfError(`invalid metadata packet sizes (content ${contentBits} bits, packet ${packetBits} bits)`, {
        file,
        byteOffset: off,
      });
    }
    const end = off + contentBits / 8;
    if (end > bytes.length) {
      throw new CtfError(`metadata packet content (${contentBits / 8} bytes) goes beyond the end of the file`, {
        file,
        byteOffset: off,
      });
    }
    parts.push(bytes.subarray(off + HEADER_BYTES, end));
    total += end - off - HEADER_BYTES;
    off += packetBits / 8;
  }
  const all = new Uint8Array(total);
  let p = 0;
  for (const part of parts) {
    all.set(part, p);
    p += part.length;
  }
  return new TextDecoder('utf-8').decode(all);
}

/** Parse a trace's `metadata` file, whatever its form. */
export function parseMetadata(bytes: Uint8Array, file = 'metadata'): TraceSchema {
  const text = metadataText(bytes, file);
  let i = 0;
  while (i < text.length && /\s/.test(text[i])) i++;
  if (text.charCodeAt(i) === 0x1e) {
    try {
      return parseCtf2Metadata(text, file);
    } catch (e) {
      if (e instanceof CtfError) throw e;
      const line = (e as { line?: number }).line;
      throw new CtfError(`CTF 2 metadata: ${(e as Error).message}`, {
        file,
        line: typeof line === 'number' ? line : undefined,
      });
    }
  }
  if (i >= text.length) throw new CtfError('empty metadata', { file });
  return parseTsdl(text, file);
}
