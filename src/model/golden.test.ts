/**
 * The model of every decodable corpus trace matches its golden dump (golden/models/*.txt). A failure shows the
 * text diff; when the change is intended, `npm run golden -- --update` rewrites the dumps for review.
 */
import { describe, expect, it } from 'vitest';
import { currentGolden, goldenPath, goldenTraceNames, storedGolden } from '../fixtures/golden-models';

describe('golden model dumps', () => {
  const names = goldenTraceNames();
  it('cover the corpus', () => {
    expect(names.length).toBeGreaterThan(50);
  });
  it.each(names)('%s', (name) => {
    const stored = storedGolden(name);
    if (stored === null) throw new Error(`no golden dump at ${goldenPath(name)}: npm run golden -- --update`);
    expect(currentGolden(name)).toBe(stored);
  });
});
