/**
 * A download is written to its sink as it arrives. Into a sink that copies (an OPFS file), the bytes come in 4 MiB
 * blocks read into one reused buffer (a BYOB reader: no buffer per network chunk); into memory, as the stream's own
 * chunks. Either way the bytes are the server's, and a download cut short says how much had arrived.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpillFile } from '../ingest/archive';
import { MemorySource } from '../base/byte-source';
import { prng } from '../base/prng';
import { fetchBytes, fetchInto } from './unpack-service';

const MiB = 1 << 20;
const body = new Uint8Array(9 * MiB + 123);
{
  const next = prng(7);
  for (let i = 0; i < body.length; i++) body[i] = (next() * 256) >>> 0;
}
const CUT_BYTES = 5 * MiB;

/** A sink that copies each chunk out at once (as OPFS does) and records the sizes it was given. */
function copyingSink(): SpillFile<Uint8Array> & { sizes: number[] } {
  const out = new Uint8Array(body.length);
  let at = 0;
  const sizes: number[] = [];
  return {
    maxBytes: Infinity,
    copies: true,
    sizes,
    write(chunk) {
      sizes.push(chunk.length);
      out.set(chunk, at);
      at += chunk.length;
    },
    finish: () => ({ source: new MemorySource(out.subarray(0, at)), handle: out.subarray(0, at) }),
  };
}

describe('downloads', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      const cut = req.url === '/cut.tar';
      res.writeHead(200, { 'Content-Length': String(body.length), 'Access-Control-Allow-Origin': '*' });
      // Odd-sized pieces, so that blocks and network chunks never line up.
      const end = cut ? CUT_BYTES : body.length;
      let at = 0;
      const more = () => {
        while (at < end) {
          const piece = body.subarray(at, Math.min(end, at + 7001));
          at += piece.length;
          if (!res.write(piece)) return void res.once('drain', more);
        }
        if (cut) res.socket?.end(() => res.socket?.destroy());
        else res.end();
      };
      more();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('into a sink that copies: the bytes in whole 4 MiB blocks, the last one short', async () => {
    const sink = copyingSink();
    const progress: number[] = [];
    const r = await fetchInto(
      `${base}/t.tar`,
      (done) => progress.push(done),
      async () => sink,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.sizeBytes).toBe(body.length);
    expect(Buffer.compare(r.value.handle, body)).toBe(0);
    expect(sink.sizes).toEqual([4 * MiB, 4 * MiB, MiB + 123]);
    // Progress moves while a block fills (a slow server's download is not stuck at 0 for 4 MiB).
    expect(progress.some((n) => n > 0 && n < 4 * MiB)).toBe(true);
    expect(progress[progress.length - 1]).toBe(body.length);
  });

  it('into memory: the same bytes', async () => {
    const r = await fetchBytes(`${base}/t.tar`, () => {});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Buffer.compare(r.value.bytes, body)).toBe(0);
  });

  it('cut short: says how many bytes had arrived, those in the unfinished block included', async () => {
    const r = await fetchInto(
      `${base}/cut.tar`,
      () => {},
      async () => copyingSink(),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe('unreachable');
    expect(r.failure.message).toContain(`the download of ${base}/cut.tar broke off after ${CUT_BYTES} bytes`);
  });
});
