import { describe, expect, it } from 'vitest';
import { stickyLabelTopPx } from './view-math';

describe('sticky thread labels', () => {
  it('a row in view keeps its label at its top', () => {
    expect(stickyLabelTopPx(120, 400, 30, 26)).toBe(120);
    expect(stickyLabelTopPx(26, 400, 30, 26)).toBe(26);
  });

  it('a tall row scrolled partly above the view keeps its label just below the pinned process header', () => {
    expect(stickyLabelTopPx(-250, 400, 30, 26)).toBe(26);
    expect(stickyLabelTopPx(10, 400, 30, 26)).toBe(26);
  });

  it('near the row end the label goes up with the row, never past its last 30 px, and leaves with it', () => {
    expect(stickyLabelTopPx(-380, 400, 30, 26)).toBe(-10);
    expect(stickyLabelTopPx(-500, 400, 30, 26)).toBe(-130);
    // A row shorter than the label: unchanged.
    expect(stickyLabelTopPx(-10, 20, 30, 26)).toBe(-10);
  });
});
