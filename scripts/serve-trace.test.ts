import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tracePath } from '../src/fixtures/corpus';
import { buildFileSet } from '../src/ingest/file-set';
import { servedFileFor, startTraceServer, viewerLink, type TraceServer } from './serve-trace';

describe('serve-trace', () => {
  let srv: TraceServer;
  const file = servedFileFor(tracePath('bt-multi-domains'));
  beforeAll(async () => {
    srv = await startTraceServer({ files: [file] });
  });
  afterAll(() => srv.close());

  it('serves a trace folder as a .tar.gz with CORS headers, which opens as the same experiment', async () => {
    expect(file.urlPath).toBe('/bt-multi-domains.tar.gz');
    const res = await fetch(`${srv.baseUrl}${file.urlPath}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const bytes = new Uint8Array(await res.arrayBuffer());
    const set = buildFileSet([{ path: 'bt-multi-domains.tar.gz', data: bytes }]);
    expect(set.traceDirs).toEqual(['kernel', 'ust']);
    expect(set.label).toBe('bt-multi-domains');
  });

  it('answers 404 for other paths, and prints a viewer link with the trace URL encoded', async () => {
    expect((await fetch(`${srv.baseUrl}/nope.tgz`)).status).toBe(404);
    expect(viewerLink('http://127.0.0.1:5173/', 'http://127.0.0.1:8642/a b.tgz')).toBe(
      'http://127.0.0.1:5173/?trace=http%3A%2F%2F127.0.0.1%3A8642%2Fa%20b.tgz',
    );
  });
});
