/** Node-only: read a trace folder (one trace, or a folder of traces such as an LTTng session) from disk. */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ByteSource } from './decode/byte-source';
import { CtfError } from './errors';
import { groupTraceFiles, type TraceInput } from './experiment';

/**
 * Descriptors kept open at once over all NodeFileSources: a session can have thousands of stream files (and the
 * tests open hundreds of traces), so the least recently read ones are closed and reopened on their next read.
 */
const MAX_OPEN_FDS = 64;
const openFds = new Map<NodeFileSource, number>();

/** A file read with positioned reads (`pread`): only the packets being decoded are in memory. */
export class NodeFileSource implements ByteSource {
  constructor(
    readonly path: string,
    readonly sizeBytes: number,
  ) {}

  private fd(): number {
    let fd = openFds.get(this);
    if (fd !== undefined) {
      openFds.delete(this); // re-inserted last: Map order is the recency order
    } else {
      if (openFds.size >= MAX_OPEN_FDS) {
        const [oldest, oldFd] = openFds.entries().next().value as [NodeFileSource, number];
        openFds.delete(oldest);
        closeSync(oldFd);
      }
      fd = openSync(this.path, 'r');
    }
    openFds.set(this, fd);
    return fd;
  }

  read(offsetBytes: number, lengthBytes: number): Uint8Array {
    const n = Math.max(0, Math.min(this.sizeBytes, offsetBytes + lengthBytes) - offsetBytes);
    const out = new Uint8Array(n);
    const fd = this.fd();
    let done = 0;
    while (done < n) {
      const got = readSync(fd, out, done, n - done, offsetBytes + done);
      if (got === 0)
        throw new CtfError(`${this.path} shrank while being read (${offsetBytes + done} of ${this.sizeBytes} bytes)`);
      done += got;
    }
    return out;
  }

  close(): void {
    const fd = openFds.get(this);
    if (fd === undefined) return;
    openFds.delete(this);
    closeSync(fd);
  }
}

export function readTraceFolder(path: string): TraceInput[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new CtfError(`cannot read ${path}: no such file or directory`);
  }
  if (!st.isDirectory()) throw new CtfError(`${path} is not a directory (give the trace folder)`);
  const files = new Map<string, ByteSource>();
  const walk = (dir: string, rel: string) => {
    for (const ent of readdirSync(dir, { withFileTypes: true })) {
      if (ent.name.startsWith('.')) continue;
      const full = join(dir, ent.name);
      const r = rel === '' ? ent.name : `${rel}/${ent.name}`;
      if (ent.isDirectory()) walk(full, r);
      else if (ent.isFile()) files.set(r, new NodeFileSource(full, statSync(full).size));
    }
  };
  walk(path, '');
  const traces = groupTraceFiles(files);
  if (traces.length === 0) throw new CtfError(`no CTF trace under ${path} (no metadata file found)`);
  return traces;
}
