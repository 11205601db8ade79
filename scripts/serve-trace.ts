/**
 * Serve a trace from this machine to the viewer, with CORS headers:
 *
 *   npm run serve-trace -- PATH [--port 8642] [--viewer http://127.0.0.1:5173/]
 *
 * PATH is a trace folder (a single trace or an LTTng session folder; packed as .tar.gz on the fly) or an archive
 * (.tar, .tar.gz, .tgz, .zip; served as is). Prints the viewer link that opens it. Listens on 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'fflate';
import { writeTar } from '../src/ingest/tar';

export interface ServedFile {
  /** URL path, starting with '/'. */
  urlPath: string;
  bytes: Uint8Array;
  contentType?: string;
}

export interface TraceServerOptions {
  files: ServedFile[];
  host?: string;
  port?: number;
  /** Send Access-Control-Allow-Origin (default true). Tests turn it off to check the viewer's CORS message. */
  cors?: boolean;
}

export interface TraceServer {
  server: Server;
  baseUrl: string;
  close(): Promise<void>;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(full));
    else out.push(full);
  }
  return out;
}

/** A folder as one .tar.gz, under the folder's own name (so trace names match those of a dropped folder). */
export function packFolder(dir: string): Uint8Array {
  const root = basename(resolve(dir));
  const entries = listFiles(dir).map((full) => ({
    path: `${root}/${relative(dir, full).split(sep).join('/')}`,
    data: new Uint8Array(readFileSync(full)),
  }));
  return gzipSync(writeTar(entries), { level: 6 });
}

/** What PATH serves as: the archive itself, or the folder packed. */
export function servedFileFor(path: string): ServedFile {
  const abs = resolve(path);
  if (statSync(abs).isDirectory()) {
    return {
      urlPath: `/${encodeURIComponent(basename(abs))}.tar.gz`,
      bytes: packFolder(abs),
      contentType: 'application/gzip',
    };
  }
  return {
    urlPath: `/${encodeURIComponent(basename(abs))}`,
    bytes: new Uint8Array(readFileSync(abs)),
    contentType: 'application/octet-stream',
  };
}

export function startTraceServer(opts: TraceServerOptions): Promise<TraceServer> {
  const cors = opts.cors ?? true;
  const byPath = new Map(opts.files.map((f) => [f.urlPath, f]));
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (cors) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Expose-Headers', 'Content-Length');
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD');
      res.writeHead(204).end();
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    const file = byPath.get(path);
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`no trace at ${path}\n`);
      return;
    }
    res.writeHead(200, {
      'Content-Type': file.contentType ?? 'application/octet-stream',
      'Content-Length': file.bytes.length,
    });
    res.end(
      req.method === 'HEAD' ? undefined : Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.length),
    );
  };
  const server = createServer(handler);
  const host = opts.host ?? '127.0.0.1';
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : opts.port;
      resolvePromise({
        server,
        baseUrl: `http://${host}:${port}`,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}

export function viewerLink(viewer: string, traceUrl: string): string {
  const u = new URL(viewer);
  return `${u.origin}${u.pathname}?trace=${encodeURIComponent(traceUrl)}`;
}

async function main(argv: string[]): Promise<void> {
  let port = 8642;
  let viewer = 'http://127.0.0.1:5173/';
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port') port = Number(argv[++i]);
    else if (argv[i] === '--viewer') viewer = argv[++i];
    else if (argv[i] === '--help' || argv[i] === '-h') paths.length = 0;
    else paths.push(argv[i]);
  }
  if (paths.length !== 1 || !Number.isInteger(port)) {
    console.error('usage: npm run serve-trace -- PATH [--port 8642] [--viewer http://127.0.0.1:5173/]');
    console.error('PATH: a trace folder (packed as .tar.gz on the fly) or a .tar/.tar.gz/.tgz/.zip archive');
    process.exit(2);
  }
  let file: ServedFile;
  try {
    file = servedFileFor(paths[0]);
  } catch (err) {
    console.error(`cannot serve ${paths[0]}: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
  const srv = await startTraceServer({ files: [file], port });
  const traceUrl = `${srv.baseUrl}${file.urlPath}`;
  console.log(`Serving ${paths[0]} (${file.bytes.length} bytes) at ${traceUrl} with Access-Control-Allow-Origin: *`);
  console.log(`Open in the viewer: ${viewerLink(viewer, traceUrl)}`);
  console.log('Ctrl-C to stop.');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  void main(process.argv.slice(2));
}
