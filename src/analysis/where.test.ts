import { describe, expect, it } from 'vitest';
import { buildDemoArchive } from '../synth/demo';
import type { FieldStruct, TraceEvent } from '../ctf/event';
import { modelFromEvents } from '../model/packed-events';
import type { TraceModel } from '../model/types';
import { decodeFiles } from '../worker-api/decode-service';
import { unpackInputs } from '../worker-api/unpack-service';
import { analyzeSelection, type FunctionRow } from './selection';
import { formatSelection } from './text';

const functionsOf = (m: TraceModel): FunctionRow[] =>
  analyzeSelection(m, { startNs: m.startNs, endNs: m.endNs, threads: null, perThread: false }).functions;

function pyEvent(tsNs: number, name: string, fields: FieldStruct): TraceEvent {
  return { name, tsNs, cpu: 0, ctx: { vtid: 7, vpid: 7 }, ectx: null, fields, trace: 0, stream: 0 };
}

describe('where a function comes from', () => {
  it("C frames of the demo show foo2's .so, in the table rows and the analyze text", () => {
    const unpacked = unpackInputs([{ path: 'article.tar.gz', data: buildDemoArchive().archive }]);
    if (!unpacked.ok) throw new Error(unpacked.failure.message);
    const decoded = decodeFiles(unpacked.value);
    if (!decoded.ok) throw new Error(decoded.failure.message);
    const m = decoded.value.model;
    const fns = functionsOf(m);
    const c = fns.filter((f) => f.kind === 'C');
    expect(c.map((f) => f.name)).toContain('__pyx_pf_4foo2_baz');
    for (const f of c) expect(f.where, f.name).toBe('foo2.cpython-311-x86_64-linux-gnu.so');
    // The demo's python:call events carry only co_name: no file to show.
    expect(fns.find((f) => f.name === 'baz' && f.kind === 'Python')?.where).toBe('');
    const text = formatSelection(
      m,
      analyzeSelection(m, { startNs: m.startNs, endNs: m.endNs, threads: null, perThread: false }),
      50,
    );
    expect(text).toMatch(/C {2}__pyx_pf_4foo2_baz \(foo2\.cpython-311-x86_64-linux-gnu\.so\): \d+ calls/);
  });

  it('Python frames show the file:line of their definition, unless the name came from several files', () => {
    const events = [
      pyEvent(100, 'python:call', { co_name: 'main', co_filename: '/app/run.py', co_firstlineno: 3 }),
      pyEvent(110, 'python:call', { co_name: 'Parser.feed', co_filename: '/app/pkg/parser.py', co_firstlineno: 41 }),
      pyEvent(120, 'python:c_call', { co_name: 'len' }),
      pyEvent(125, 'python:c_return', {}),
      pyEvent(130, 'python:return', {}),
      pyEvent(140, 'python:call', { co_name: 'load', co_filename: '/app/pkg/config.py', co_firstlineno: 12 }),
      pyEvent(150, 'python:return', {}),
      pyEvent(160, 'python:call', { co_name: 'Parser.feed', co_filename: '/other/parser.py', co_firstlineno: 9 }),
      pyEvent(170, 'python:return', {}),
      pyEvent(200, 'python:return', {}),
    ];
    const m = modelFromEvents({ sources: [{ name: 'ust', domain: 'ust' }], originNs: 0n }, (b) => {
      for (const e of events) b.addEvent(e);
    });
    const where = new Map(functionsOf(m).map((f) => [f.name, f.where]));
    expect(where.get('main')).toBe('run.py:3');
    expect(where.get('load')).toBe('config.py:12');
    // Slices carry only a name: two Parser.feed in two files are one row, which does not pretend to know the file.
    expect(where.get('Parser.feed')).toBe('several files');
    expect(where.get('len')).toBe('');
  });
});
