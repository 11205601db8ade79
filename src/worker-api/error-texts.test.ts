/**
 * What the user reads when opening fails or is partial: credentials never shown (and never sent), empty files
 * called empty, skipped archive entries listed with the reason, copies left out named, real sizes in
 * out-of-memory texts, "unreachable" only when nothing answered.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderEntries, tracePath } from '../fixtures/corpus';
import { writeTar } from '../ingest/tar';
import { decodeFiles } from './decode-service';
import { buildFromParts, decodeSubset, modelInputs, planPool, subsetInput, type DecodedPart } from './pool';
import { fetchBytes, outOfMemory, unpackInputs } from './unpack-service';

describe('trace URLs', () => {
  let server: Server;
  let base = '';
  const requests: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/to-ftp.tar.gz') res.writeHead(302, { Location: 'ftp://files.example/trace.tar.gz' });
      else res.writeHead(404);
      res.end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('a URL with a user name and password is refused before any request, and the password is never shown', async () => {
    const before = requests.length;
    const r = await fetchBytes(base.replace('http://', 'http://alice:s3cret@') + '/trace.tar.gz', () => {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(requests.length).toBe(before);
    expect(r.failure.kind).toBe('bad-url');
    expect(r.failure.message).toMatch(
      /^trace URLs with a user name or password are refused \(nothing was requested\): http:\/\/\*\*\*@127\.0\.0\.1/,
    );
    expect(JSON.stringify(r.failure)).not.toMatch(/s3cret|alice/);
  });

  it('an unparseable URL with credentials does not show them either', async () => {
    const r = await fetchBytes('http://bob:hunter2@[bad/trace.tar.gz', () => {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(JSON.stringify(r.failure)).not.toMatch(/hunter2|bob/);
  });

  it('a redirect to a non-http address says so, not "cannot reach"', async () => {
    const r = await fetchBytes(`${base}/to-ftp.tar.gz`, () => {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).not.toBe('unreachable');
    expect(r.failure.message).toBe(
      `127.0.0.1:${base.split(':')[2]} answered with a redirect to a ftp address (ftp://files.example/trace.tar.gz), which a web page cannot fetch: only http and https can be opened`,
    );
  });

  it('a host that does not answer is unreachable', async () => {
    const r = await fetchBytes('http://127.0.0.1:9/trace.tar.gz', () => {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe('unreachable');
    expect(r.failure.message).toBe(
      'cannot reach 127.0.0.1:9: the request for http://127.0.0.1:9/trace.tar.gz got no answer',
    );
  });
});

describe('opened files', () => {
  it('an empty file says it is empty', () => {
    const r = unpackInputs([{ path: 'trace.tar.gz', data: new Uint8Array(0) }]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe('not-trace');
    expect(r.failure.message).toBe('trace.tar.gz is empty (0 bytes): nothing to open');
  });

  it('archive entries with absolute or ".." names are skipped and listed, with the reason', () => {
    const zip: Record<string, Uint8Array> = {};
    for (const e of folderEntries(tracePath('bt-smalltrace'), 'smalltrace')) zip[e.path] = e.data;
    zip['../../.bashrc'] = new TextEncoder().encode('evil');
    zip['/etc/cron.d/x'] = new TextEncoder().encode('evil');
    const r = unpackInputs([{ path: 'bundle.zip', data: zipSync(zip) }]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.paths.sort()).toEqual(['dummystream', 'metadata']);
    expect(r.value.warnings).toEqual([
      `bundle.zip: entry "../../.bashrc" skipped (name climbs out of the archive with '..')`,
      'bundle.zip: entry "/etc/cron.d/x" skipped (absolute name)',
    ]);
  });

  it('the same trace dropped twice is opened once, the copy named', () => {
    const inputs = ['a', 'b'].flatMap((root) => folderEntries(tracePath('bt-smalltrace'), `drop/${root}`));
    const r = unpackInputs(inputs);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.paths.sort()).toEqual(['a/dummystream', 'a/metadata']);
    expect(r.value.warnings).toEqual([
      'trace b is a copy of trace a (same metadata, same stream files): opened once, b left out',
    ]);
  });

  it('out of memory: the real size, not "0.0 GiB"', () => {
    const f = outOfMemory('bomb.tar.gz', 3_145_728, new RangeError('Array buffer allocation failed'), true);
    expect(f?.message).toBe(
      'the browser ran out of memory unpacking bomb.tar.gz (3.0 MiB, inflating to more than the tab can hold): Array buffer allocation failed',
    );
    expect(outOfMemory('channel0_0', 5 * 2 ** 30, new RangeError('x'))?.message).toBe(
      'the browser ran out of memory reading channel0_0 (5.0 GiB): x',
    );
  });
});

describe('warnings found while decoding', () => {
  it("reach the result from the pool's parts as from the single-worker path (tc-hello-lost: packets overlap)", () => {
    const r = unpackInputs([{ path: 'hello.tar', data: writeTar(folderEntries(tracePath('tc-hello-lost'), 'hello')) }]);
    if (!r.ok) throw new Error(r.failure.message);
    const files = r.value;
    const single = decodeFiles(files);
    if (!single.ok) throw new Error(single.failure.message);
    expect(single.value.warnings).toEqual([
      expect.stringMatching(
        /^channel1_2: packets begin before the previous one ends: 849 packets, first at byte 4096 \(by 4647 ns\)/,
      ),
    ]);
    for (const workers of [2, 3]) {
      const plan = planPool(
        files.paths,
        files.datas.map((d) => d.length),
        workers,
      );
      const parts: DecodedPart[] = plan.subsets.map((subset) => {
        const p = decodeSubset(subsetInput(plan, subset, files));
        if (!p.ok) throw new Error(p.failure.message);
        return p.value;
      });
      const { metadata, symbolFiles } = modelInputs(files.paths, files.datas);
      const pooled = buildFromParts(metadata, symbolFiles, parts);
      if (!pooled.ok) throw new Error(pooled.failure.message);
      expect(pooled.value.warnings, `${workers} workers`).toEqual(single.value.warnings);
    }
  });
});
