/**
 * Copies found among files given as sources read on demand (a dropped File, an OPFS file, a file on disk): only
 * files of the same size are read, and a copy is still found however it is given.
 */
import { describe, expect, it } from 'vitest';
import { tracePath } from '../fixtures/corpus';
import { type ByteInput, type ByteSource, readAll } from './decode/byte-source';
import { findCopies } from './duplicates';
import type { TraceInput } from './experiment';
import { readTraceFolder } from './node-fs';

/** The trace's files as sources that record which files were read. */
function recording(t: TraceInput, reads: Set<string>): TraceInput {
  const files = new Map<string, ByteInput>();
  for (const [name, input] of t.files) {
    const bytes = readAll(input);
    const source: ByteSource = {
      sizeBytes: bytes.length,
      read(offsetBytes, lengthBytes) {
        reads.add(name);
        return bytes.slice(offsetBytes, offsetBytes + lengthBytes);
      },
    };
    files.set(name, source);
  }
  return { name: t.name, files };
}

describe('copies among sources', () => {
  it('a stream file copied beside itself is left out; files of other sizes are never read', () => {
    const [trace] = readTraceFolder(tracePath('bt-smalltrace'));
    const stream = [...trace.files.keys()].find((f) => f !== 'metadata' && !f.includes('/'))!;
    const bytes = readAll(trace.files.get(stream)!);
    trace.files.set(`${stream} (copy)`, bytes.slice());
    // Same size, one byte different at the end: read, found different.
    const near = bytes.slice();
    near[near.length - 1] ^= 0xff;
    trace.files.set(`${stream} (edited)`, near);
    // Another size: never read.
    trace.files.set(`${stream} (longer)`, Uint8Array.from([...bytes, 0]));
    const reads = new Set<string>();
    const r = findCopies([recording(trace, reads)]);
    expect(r.dropped).toEqual([`${stream} (copy)`]);
    expect(r.warnings).toEqual([
      `${stream} (copy) is a byte-identical copy of ${stream}: opened once, ${stream} (copy) left out (its events would show twice)`,
    ]);
    expect([...r.kept[0].files.keys()].sort()).toEqual(
      [...trace.files.keys()].filter((f) => f !== `${stream} (copy)`).sort(),
    );
    expect(reads.has(`${stream} (longer)`)).toBe(false);
    expect(reads.has(`${stream} (edited)`)).toBe(true);
  });
});
