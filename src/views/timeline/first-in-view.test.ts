import { describe, expect, it } from 'vitest';
import { smallModel } from '../../fixtures/model-fixture';
import { firstIntervalInView, firstItemInView, firstSliceInView, walkItem } from './first-in-view';

const model = smallModel();
const main = model.threads.findIndex((t) => t.tid === 4242);
const worker = model.threads.findIndex((t) => t.tid === 4243);
const bash = model.threads.findIndex((t) => t.tid === 977);
const name = (thread: number, i: number) => model.strings[model.threads[thread].slices.name[i]];

describe('first item in view (arrow keys on a selected thread)', () => {
  it('is the outermost call running at the left edge', () => {
    // Inside <module> -> foo -> bar ...: the outermost call.
    expect(name(main, firstSliceInView(model.threads[main], { startNs: 3_000_000, endNs: 4_000_000 }))).toBe(
      '<module>',
    );
    expect(name(worker, firstSliceInView(model.threads[worker], { startNs: 3_000_000, endNs: 4_000_000 }))).toBe(
      'worker_loop',
    );
  });

  it('is the first call starting in view when none spans the edge, and none past the calls', () => {
    expect(name(main, firstSliceInView(model.threads[main], { startNs: 0, endNs: 1_000_000 }))).toBe('<module>');
    expect(firstSliceInView(model.threads[main], { startNs: 0, endNs: 100_000 })).toBe(-1);
    expect(firstSliceInView(model.threads[main], { startNs: 9_700_000, endNs: 10_000_000 })).toBe(-1);
  });

  it('falls back to syscalls, then states, for a thread without calls', () => {
    const t = model.threads[bash];
    const v = { startNs: 0, endNs: 10_000_000 };
    const item = firstItemInView(t, bash, v);
    expect(item?.thread).toBe(bash);
    expect(item?.kind).not.toBe('slice');
    const table = item?.kind === 'syscall' ? t.syscalls! : t.states!;
    expect(table.startNs[item!.index]).toBe(Math.min(...Array.from(table.startNs)));
    const syscalls = model.threads[main].syscalls!;
    expect(firstIntervalInView(syscalls, { startNs: 3_060_000, endNs: 3_070_000 })).toBe(0);
    expect(firstIntervalInView(syscalls, { startNs: 3_100_000, endNs: 8_000_000 })).toBe(-1);
    expect(firstIntervalInView(syscalls, { startNs: 3_100_000, endNs: 8_400_000 })).toBe(1);
  });
});

describe('walking the selection with the arrow keys', () => {
  const at = (thread: number, n: string) => model.threads[thread].slices.name.indexOf(model.strings.indexOf(n));
  it('goes up to the caller, down to the first callee, and stops at the ends', () => {
    const foo = at(main, 'foo');
    const up = walkItem(model, { kind: 'slice', thread: main, index: foo }, 'up');
    expect(up && name(main, up.index)).toBe('<module>');
    const down = walkItem(model, { kind: 'slice', thread: main, index: foo }, 'down');
    expect(down && name(main, down.index)).toBe('bar');
    expect(walkItem(model, { kind: 'slice', thread: main, index: at(main, '<module>') }, 'up')).toBeNull();
  });
  it('steps along a syscall lane left and right, never up or down', () => {
    const sc = model.threads[main].syscalls!;
    expect(sc.count).toBeGreaterThan(1);
    expect(walkItem(model, { kind: 'syscall', thread: main, index: 0 }, 'right')).toEqual({
      kind: 'syscall',
      thread: main,
      index: 1,
    });
    expect(walkItem(model, { kind: 'syscall', thread: main, index: 0 }, 'left')).toBeNull();
    expect(walkItem(model, { kind: 'syscall', thread: main, index: 0 }, 'up')).toBeNull();
  });
});
