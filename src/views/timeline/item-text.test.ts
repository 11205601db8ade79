import { describe, expect, it } from 'vitest';
import { modelFromEvents } from '../../model/packed-events';
import { SliceKind } from '../../model/types';
import { describeItem, pythonModule } from './item-text';

describe('details of call frames', () => {
  it('Python frames: definition file:line and module-qualified name; built-ins say so', () => {
    const m = modelFromEvents({ sources: [{ name: 'ust', domain: 'ust' }], originNs: 0n }, (p) => {
      const ev = (tsNs: number, name: string, fields: Record<string, string | number>) =>
        p.addEvent({ name, tsNs, cpu: 0, ctx: { vtid: 7, vpid: 7 }, ectx: null, fields, trace: 0, stream: 0 });
      ev(100, 'python:call', { co_name: 'Parser.feed', co_filename: '/app/pkg/parser.py', co_firstlineno: 41 });
      ev(110, 'python:c_call', { co_name: 'len' });
      ev(120, 'python:c_return', {});
      ev(130, 'python:return', {});
    });
    const t = m.threads.findIndex((x) => x.tid === 7);
    const fields = (index: number) =>
      Object.fromEntries(describeItem(m, { kind: 'slice', thread: t, index })!.fields.map((f) => [f.key, f.value]));
    const s = m.threads[t].slices;
    const feed = [...Array(s.count).keys()].find((i) => s.kind[i] === SliceKind.Python)!;
    const len = [...Array(s.count).keys()].find((i) => s.kind[i] === SliceKind.PythonBuiltin)!;
    expect(fields(feed)).toMatchObject({
      source: 'parser.py:41',
      qualified: 'parser.Parser.feed',
      kind: 'Python function',
    });
    expect(fields(len)).toMatchObject({ kind: 'Python built-in' });
    expect(fields(len).source).toBeUndefined();
  });

  it('module names from Python file paths', () => {
    expect(pythonModule('/app/pkg/parser.py')).toBe('parser');
    expect(pythonModule('/app/pkg/__init__.py')).toBe('pkg');
    expect(pythonModule('<frozen importlib._bootstrap>')).toBe('');
  });
});
