/**
 * Copies among the files of an experiment: a stream file copied beside itself (`channel0_0` and
 * `channel0_0 (copy)`), or one trace folder opened twice (`a/` and `b/` with the same metadata and streams).
 * Decoding both would show every event twice (and, for a copy within one trace, time going backwards in the
 * merged stream). Each is opened once; the copy left out is named in a warning.
 *
 * "Same trace" means byte-identical metadata: session-rotation chunks share a trace UUID and metadata but hold
 * different stream files, so they are all kept. A stream file is a copy when its bytes equal those of a stream
 * file (not left out itself) of the same trace or of a trace with the same metadata. Empty files are never copies.
 *
 * Stream files may be sources read on demand (a dropped File, an OPFS file): only files of equal size are read, a
 * slice at a time, and a difference in the first packet header (stream id, CPU) ends the comparison early.
 */
import { type ByteInput, isByteSource, readAll, sizeOf } from './decode/byte-source';
import type { TraceInput } from './experiment';

export interface CopyReport {
  /** The traces without the copies (a trace left out whole is not in the list). */
  kept: TraceInput[];
  /** Paths left out, as `trace/file` (stream files, plus metadata and index files of a trace left out whole). */
  dropped: string[];
  /** One sentence per copy: which copy was left out, of what, and why. */
  warnings: string[];
}

function join(dir: string, file: string): string {
  return dir === '' ? file : `${dir}/${file}`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  // Compare 4 bytes at a time where both views are aligned (stream files are multi-megabyte).
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const n = a.length >> 2;
    const wa = new Uint32Array(a.buffer, a.byteOffset, n);
    const wb = new Uint32Array(b.buffer, b.byteOffset, n);
    for (let i = 0; i < n; i++) if (wa[i] !== wb[i]) return false;
    for (let i = n << 2; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Bytes compared per read when a file is a source: small first (files of one size usually differ at once). */
const FIRST_SLICE_BYTES = 4096;
const SLICE_BYTES = 4 << 20;

function sameInput(a: ByteInput, b: ByteInput): boolean {
  const sizeBytes = sizeOf(a);
  if (sizeBytes !== sizeOf(b)) return false;
  if (!isByteSource(a) && !isByteSource(b)) return sameBytes(a, b);
  const slice = (x: ByteInput, off: number, n: number) => (isByteSource(x) ? x.read(off, n) : x.subarray(off, off + n));
  for (let off = 0, n = FIRST_SLICE_BYTES; off < sizeBytes; off += n, n = SLICE_BYTES) {
    if (!sameBytes(slice(a, off, n), slice(b, off, n))) return false;
  }
  return true;
}

const isStream = (f: string) => f !== 'metadata' && !f.includes('/') && !f.startsWith('.');

/** Finds the copies among grouped traces (groupTraceFiles' output, sorted by name: the first copy met is kept). */
export function findCopies(traces: TraceInput[]): CopyReport {
  const kept: TraceInput[] = [];
  const dropped: string[] = [];
  const warnings: string[] = [];
  // Traces with the same metadata bytes form one family.
  const families: Array<{ metadata: Uint8Array; first: string; streams: Array<[string, ByteInput]> }> = [];
  const label = (d: string) => (d === '' ? 'the trace' : `trace ${d}`);
  for (const t of traces) {
    const metaInput = t.files.get('metadata');
    if (!metaInput) {
      kept.push(t);
      continue;
    }
    const meta = readAll(metaInput);
    let fam = families.find((f) => sameBytes(f.metadata, meta));
    const own = !fam;
    if (!fam) {
      fam = { metadata: meta, first: t.name, streams: [] };
      families.push(fam);
    }
    const names = [...t.files.keys()].filter(isStream).sort();
    const copies = new Map<string, string>();
    const mine: Array<[string, ByteInput]> = [];
    for (const f of names) {
      const bytes = t.files.get(f)!;
      if (sizeOf(bytes) === 0) continue;
      const original = [...fam.streams, ...mine].find(([, b]) => sameInput(b, bytes));
      if (original) copies.set(f, original[0]);
      else mine.push([join(t.name, f), bytes]);
    }
    fam.streams.push(...mine);
    if (!own && copies.size > 0 && mine.length === 0) {
      // Every stream is a copy: the whole folder is the same trace opened twice.
      for (const f of t.files.keys()) dropped.push(join(t.name, f));
      warnings.push(
        `${label(t.name)} is a copy of ${label(fam.first)} (same metadata, same stream files): opened once, ${t.name} left out`,
      );
      continue;
    }
    if (copies.size === 0) {
      kept.push(t);
      continue;
    }
    const files = new Map(t.files);
    for (const [f, original] of copies) {
      files.delete(f);
      dropped.push(join(t.name, f));
      if (files.delete(`index/${f}.idx`)) dropped.push(join(t.name, `index/${f}.idx`));
      warnings.push(
        `${join(t.name, f)} is a byte-identical copy of ${original}: opened once, ${join(t.name, f)} left out (its events would show twice)`,
      );
    }
    kept.push({ name: t.name, files });
  }
  return { kept, dropped, warnings };
}
