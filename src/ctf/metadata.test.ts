import { describe, expect, it } from 'vitest';
import { CtfError } from './errors';
import { metadataText, parseMetadata } from './metadata';

const TEXT = `/* CTF 1.8 */
typealias integer { size = 32; align = 8; signed = false; } := uint32_t;
trace { major = 1; minor = 8; byte_order = be; packet.header := struct { uint32_t magic; }; };
event { name = "a_rather_long_event_name"; fields := struct { uint32_t x; }; };
`;

/** LTTng's packetized form: 37-byte headers, `chunk` text bytes per packet, packets padded to `packetBytes`. */
function packetize(text: string, le: boolean, chunk: number, packetBytes: number): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  const parts: Uint8Array[] = [];
  for (let off = 0; off < bytes.length; off += chunk) {
    const body = bytes.subarray(off, off + chunk);
    const p = new Uint8Array(packetBytes);
    const dv = new DataView(p.buffer);
    dv.setUint32(0, 0x75d11d57, le);
    dv.setUint32(24, (37 + body.length) * 8, le);
    dv.setUint32(28, packetBytes * 8, le);
    p[35] = 1;
    p[36] = 8;
    p.set(body, 37);
    parts.push(p);
  }
  const out = new Uint8Array(parts.length * packetBytes);
  parts.forEach((p, i) => out.set(p, i * packetBytes));
  return out;
}

describe('metadata file', () => {
  it('concatenates packetized metadata in either byte order, tokens split across packets', () => {
    for (const le of [true, false]) {
      const bin = packetize(TEXT, le, 50, 128);
      expect(metadataText(bin)).toBe(TEXT);
      const schema = parseMetadata(bin);
      expect(schema.byteOrder).toBe('be');
      expect(schema.streams.get(0)?.events.get(0)?.name).toBe('a_rather_long_event_name');
    }
  });

  it('reads plain-text metadata as is', () => {
    expect(parseMetadata(new TextEncoder().encode(TEXT)).streams.get(0)?.events.get(0)?.name).toBe(
      'a_rather_long_event_name',
    );
  });

  it('refuses a metadata packet whose content goes beyond the file', () => {
    const bin = packetize(TEXT, true, 50, 128).subarray(0, 60);
    expect(() => metadataText(bin, 'kernel/metadata')).toThrow(CtfError);
    expect(() => metadataText(bin, 'kernel/metadata')).toThrow(/^kernel\/metadata, byte 0: /);
  });

  it('sends JSON-sequence metadata (0x1E) to the CTF 2 front end', () => {
    const ctf2 = '\x1e{"type":"preamble","version":2}\n\x1e{"type":"trace-class"}\n';
    const schema = parseMetadata(new TextEncoder().encode(ctf2));
    expect(schema.version).toBe('2');
  });
});
