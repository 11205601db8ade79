import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { SourceFile } from './protocol';
import { createUnpackService, fetchBytes, MAX_FILE_BYTES } from './unpack-service';

const GiB = 2 ** 30;

/** A Blob stand-in that only has a size: reading it would fail the test. */
function hugeFile(path: string, size: number): SourceFile {
  const blob = {
    size,
    arrayBuffer: () => {
      throw new Error(`${path} must not be read`);
    },
  };
  return { path, blob: blob as unknown as Blob };
}

describe('traces too large for a tab', () => {
  it('refuses a huge dropped file before reading it, naming the file and its size', async () => {
    const r = await createUnpackService().openFiles([hugeFile('session/kernel/channel0_0', 5 * GiB)], () => {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe('too-large');
    expect(r.failure.file).toBe('session/kernel/channel0_0');
    expect(r.failure.message).toBe('session/kernel/channel0_0 is 5.0 GiB: more than the 2.0 GiB a browser tab can read as one file');
    expect(r.failure.hint).toMatch(/fewer streams/);
  });

  it('refuses files that fit one by one but not together', async () => {
    const files = [0, 1, 2].map((cpu) => hugeFile(`kernel/channel0_${cpu}`, 1.5 * GiB));
    const r = await createUnpackService().openFiles(files, () => {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe('too-large');
    expect(r.failure.message).toBe('the files opened add up to 4.5 GiB: more than the 4.0 GiB a browser tab can hold');
  });

  it('refuses a download whose Content-Length is too large without downloading it', async () => {
    let sent = 0;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': String(MAX_FILE_BYTES + 1), 'Content-Type': 'application/gzip' });
      sent += 16;
      res.write(Buffer.alloc(16));
      // Never finishes: the client must give up on the header alone.
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    try {
      const r = await fetchBytes(`http://127.0.0.1:${port}/big.tar.gz`, () => {});
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.failure.kind).toBe('too-large');
      expect(r.failure.url).toBe(`http://127.0.0.1:${port}/big.tar.gz`);
      expect(r.failure.message).toBe('big.tar.gz is 2.0 GiB: more than the 2.0 GiB a browser tab can read as one file');
      expect(sent).toBe(16);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
