import { describe, expect, it } from 'vitest';
import { stallMessage, Watchdog, type Stall } from './watchdog';

/** A watchdog on a hand-driven clock: `tick(ms)` moves time and runs the periodic check. */
function rig(stallMs: number) {
  let now = 0;
  let check: (() => void) | null = null;
  const stalls: Stall[] = [];
  const dog = new Watchdog({
    stallMs,
    onStall: (s) => stalls.push(s),
    now: () => now,
    setInterval: (fn) => {
      check = fn;
      return 1;
    },
    clearInterval: () => {
      check = null;
    },
  });
  const tick = (ms: number) => {
    for (let t = 0; t < ms; t += 100) {
      now += 100;
      check?.();
    }
  };
  return { dog, stalls, tick, running: () => check !== null };
}

describe('Watchdog', () => {
  it('gives a task that announced a long silent step its extra time, and no more', () => {
    const { dog, stalls, tick } = rig(8000);
    dog.watch('model', { files: ['kernel/chan_0'], events: 0 });
    tick(2000);
    dog.extend('model', 20_000); // e.g. finishing a 40 M-event model
    tick(27_000);
    expect(stalls).toHaveLength(0);
    tick(2000);
    expect(stalls.map((s) => s.task)).toEqual(['model']);
  });

  it('declares a task stalled once it reported nothing for the stall time, with where it last was', () => {
    const { dog, stalls, tick } = rig(8000);
    dog.watch('decode-0', { files: ['kernel/chan_0'], events: 0 });
    dog.watch('decode-1', { files: ['kernel/chan_1'], events: 0 });
    for (let i = 1; i <= 20; i++) {
      tick(1000);
      dog.progress('decode-1', i * 1000);
      if (i <= 3) dog.progress('decode-0', i * 500);
    }
    expect(stalls).toHaveLength(1);
    expect(stalls[0]).toMatchObject({ task: 'decode-0', files: ['kernel/chan_0'], events: 1500 });
    expect(stalls[0].idleMs).toBeGreaterThanOrEqual(8000);
    expect(stalls[0].idleMs).toBeLessThan(9000);
  });

  it('stops watching finished tasks, and its timer once none is left', () => {
    const { dog, stalls, tick, running } = rig(2000);
    dog.watch('decode-0', { files: ['a'], events: 0 });
    expect(running()).toBe(true);
    tick(1000);
    dog.done('decode-0');
    expect(running()).toBe(false);
    tick(10000);
    expect(stalls).toEqual([]);
    dog.progress('decode-0', 5); // late progress of a finished task: ignored
    expect(running()).toBe(false);
  });

  it('says which files and how far, in one sentence', () => {
    const s: Stall = {
      task: 'decode-0',
      files: ['k/c0', 'k/c1', 'k/c2', 'k/c3', 'k/c4'],
      events: 123456,
      idleMs: 8200,
    };
    expect(stallMessage(s, 'decode')).toBe(
      'Decoding k/c0, k/c1, k/c2 and 2 more made no progress for 8 s after 123,456 events, and was stopped.',
    );
    expect(stallMessage({ ...s, files: ['k/c0'] }, 'model')).toBe(
      'Building the model (from k/c0) made no progress for 8 s after 123,456 events, and was stopped.',
    );
  });
});
