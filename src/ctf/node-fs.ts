/** Node-only: read a trace folder (one trace, or a folder of traces such as an LTTng session) from disk. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CtfError } from './errors';
import { groupTraceFiles, type TraceInput } from './experiment';

export function readTraceFolder(path: string): TraceInput[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new CtfError(`cannot read ${path}: no such file or directory`);
  }
  if (!st.isDirectory()) throw new CtfError(`${path} is not a directory (give the trace folder)`);
  const files = new Map<string, Uint8Array>();
  const walk = (dir: string, rel: string) => {
    for (const ent of readdirSync(dir, { withFileTypes: true })) {
      if (ent.name.startsWith('.')) continue;
      const full = join(dir, ent.name);
      const r = rel === '' ? ent.name : `${rel}/${ent.name}`;
      if (ent.isDirectory()) walk(full, r);
      else if (ent.isFile()) {
        // A plain Uint8Array view: Buffer's own subarray() is much slower on the hot path.
        const buf = readFileSync(full);
        files.set(r, new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
      }
    }
  };
  walk(path, '');
  const traces = groupTraceFiles(files);
  if (traces.length === 0) throw new CtfError(`no CTF trace under ${path} (no metadata file found)`);
  return traces;
}
