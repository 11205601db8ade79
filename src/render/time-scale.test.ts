import { describe, expect, it } from 'vitest';
import { Viewport } from '../layout/viewport';
import { axisTicks } from './time-scale';

describe('axis ticks', () => {
  it('count from the displayed origin, not from model time 0', () => {
    // A trace whose first event is 5.6 ms after its first packet (model time 0).
    const zeroNs = 5_600_123;
    const vp = new Viewport({ startNs: zeroNs, endNs: zeroNs + 10e6 }, 1100, 100);
    const t = axisTicks(vp, zeroNs);
    expect(t.ticksNs[0]).toBe(zeroNs);
    expect(t.labels[0]).toBe('0');
    const i = t.ticksNs.findIndex((ns) => ns === zeroNs + 2e6);
    expect(t.labels[i]).toBe('2 ms');
    // Without an origin the same view would label ticks in model time, 5.6 ms apart from the details.
    expect(axisTicks(vp).labels).not.toContain('2 ms');
  });
});
