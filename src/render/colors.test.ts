import { describe, expect, it } from 'vitest';
import { SliceKind } from '../model/types';
import { MERGED_CALLS, UNKNOWN_FRAME, sliceColor } from './colors';

describe('slice colours', () => {
  it('"(unknown)" frames of returns without their call are grey, unlike any function of any kind and merged calls', () => {
    const kinds = [SliceKind.Python, SliceKind.C, SliceKind.PythonBuiltin];
    for (const k of kinds) expect(sliceColor(7, k, '(unknown)')).toBe(UNKNOWN_FRAME);
    const functions = new Set<string>();
    for (const k of kinds) for (let i = 0; i < 200; i++) functions.add(sliceColor(i, k, `fn_${i}`));
    expect(functions.has(UNKNOWN_FRAME)).toBe(false);
    expect(UNKNOWN_FRAME).not.toBe(MERGED_CALLS);
  });
});
