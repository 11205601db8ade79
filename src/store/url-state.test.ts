import { describe, expect, it } from 'vitest';
import { formatUrlState, parseUrlState, toAbsoluteNs, toRelativeNs, type UrlState } from './url-state';

describe('url state', () => {
  const full: UrlState = {
    source: { kind: 'url', url: 'https://ci.example.org/artifacts/run 7/trace.tar.gz?sig=a&b=c' },
    view: { startNs: 1457113582794569892n, endNs: 1457113582894569892n },
    selection: { startNs: 1457113582800000000n, endNs: 1457113582800000123n },
    item: { kind: 'slice', thread: '4242', startNs: 1457113582800000001n, depth: 3 },
    thread: '4242',
    collapsed: [99, 12],
    filter: 'glx gears,&=',
    search: 'draw#1',
  };

  it('round-trips every field exactly, nanoseconds included', () => {
    const query = formatUrlState(full);
    expect(query.startsWith('?v=1&trace=https%3A%2F%2Fci.example.org')).toBe(true);
    const back = parseUrlState(query);
    expect(back.warnings).toEqual([]);
    expect(back.version).toBe(1);
    expect(back.state).toEqual({ ...full, collapsed: [12, 99] });
    expect(formatUrlState(back.state)).toBe(query);
  });

  it('keeps times beyond 2^53 exact (epoch nanoseconds)', () => {
    const origin = 1457113582000000000n;
    const abs = toAbsoluteNs(origin, 794569892);
    expect(abs).toBe(1457113582794569892n);
    expect(toRelativeNs(origin, abs)).toBe(794569892);
    const q = formatUrlState({ source: { kind: 'demo' }, view: { startNs: abs, endNs: abs + 1n } });
    expect(q).toBe('?v=1&demo&view=1457113582794569892,1457113582794569893');
    expect(parseUrlState(q).state.view).toEqual({ startNs: abs, endNs: abs + 1n });
  });

  it('reads a hand-written link without a version as v=1', () => {
    const r = parseUrlState('?trace=http://127.0.0.1:8000/t.tgz&view=10,20');
    expect(r.version).toBe(1);
    expect(r.state.source).toEqual({ kind: 'url', url: 'http://127.0.0.1:8000/t.tgz' });
    expect(r.state.view).toEqual({ startNs: 10n, endNs: 20n });
  });

  it('opens the trace of a link from an unknown version but ignores its view', () => {
    const r = parseUrlState('?v=2&trace=https://h/t.tgz&view=10,20&slice=1,2,3');
    expect(r.state).toEqual({ source: { kind: 'url', url: 'https://h/t.tgz' } });
    expect(r.warnings[0]).toMatch(/v=2 is not supported/);
    expect(parseUrlState('?v=abc&demo').state).toEqual({ source: { kind: 'demo' } });
  });

  it('drops malformed parts with a warning and keeps the rest', () => {
    const r = parseUrlState('?v=1&demo&view=20,10&sel=1.5,3&slice=1,2&thread=x&collapsed=1,a&q=ok');
    expect(r.state).toEqual({ source: { kind: 'demo' }, search: 'ok' });
    expect(r.warnings).toHaveLength(5);
    const two = parseUrlState('?syscall=cpu3,100&state=7,5');
    expect(two.state.item).toEqual({ kind: 'syscall', thread: 'cpu3', startNs: 100n });
    expect(two.warnings).toEqual(['ignored state="7,5": only one item can be selected']);
    expect(r.warnings.join('\n')).toMatch(/view="20,10": the end is not after the start/);
  });

  it('round-trips syscall and state items (no depth)', () => {
    for (const kind of ['syscall', 'state'] as const) {
      const st: UrlState = { source: { kind: 'demo' }, item: { kind, thread: '-1', startNs: 5n } };
      expect(parseUrlState(formatUrlState(st)).state).toEqual(st);
    }
  });

  it('round-trips a selected thread without an item (tid or cpuN)', () => {
    for (const thread of ['4243', 'cpu2']) {
      const st: UrlState = { source: { kind: 'demo' }, view: { startNs: 10n, endNs: 20n }, thread };
      const query = formatUrlState(st);
      expect(query).toBe(`?v=1&demo&view=10,20&thread=${thread}`);
      expect(parseUrlState(query)).toEqual({ state: st, version: 1, warnings: [] });
    }
  });

  it('keeps a non-http trace URL so that the loader can explain it', () => {
    const r = parseUrlState('?trace=file:///tmp/t.tgz');
    expect(r.state.source).toEqual({ kind: 'url', url: 'file:///tmp/t.tgz' });
    expect(r.warnings[0]).toMatch(/not an http\(s\) URL/);
    expect(parseUrlState('?trace=traces/t.tgz').warnings).toEqual([]);
  });

  it('has no source when neither trace nor demo is given', () => {
    expect(parseUrlState('').state).toEqual({ source: null });
    expect(parseUrlState('?trace=').state).toEqual({ source: null });
  });
});

describe('analysis tab in the link', () => {
  it('round-trips a tab and warns about an unknown one', () => {
    const parsed = parseUrlState('?v=1&demo&tab=flame');
    expect(parsed.state.tab).toBe('flame');
    expect(formatUrlState(parsed.state)).toBe('?v=1&demo&tab=flame');
    const bad = parseUrlState('?v=1&demo&tab=nope');
    expect(bad.state.tab).toBeUndefined();
    expect(bad.warnings.join()).toContain('tab="nope"');
  });
});
