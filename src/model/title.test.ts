import { describe, expect, it } from 'vitest';
import { modelOfFolder } from '../fixtures/decode-folder';
import { tracePath } from '../fixtures/corpus';
import { traceTitle } from './title';

describe('trace titles', () => {
  const model = modelOfFolder(tracePath('tc-cyg-profile-glxgears-cyg-profile'), '64-bit');

  it("a UST trace opened by its 64-bit folder is named after the traced program's procname", () => {
    expect(traceTitle('64-bit', model)).toBe('glxgears');
    expect(traceTitle('ust', model)).toBe('glxgears');
  });

  it('a name the user gave (session or archive) stays', () => {
    expect(traceTitle('mysession', model)).toBe('mysession');
    expect(traceTitle('64-bit', { threads: [] })).toBe('64-bit');
  });
});
