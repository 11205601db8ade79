import { beforeEach, describe, expect, it } from 'vitest';
import {
  hover,
  pan,
  resetView,
  select,
  selectRange,
  selectThread,
  showAll,
  toggleProcess,
  useViewStore,
  zoom,
  zoomToRange,
} from './view-store';

const state = () => useViewStore.getState();

describe('view store', () => {
  beforeEach(() => resetView({ startNs: 0, endNs: 1_000_000 }));

  it('starts on the whole trace and forgets the previous one on reset', () => {
    select({ kind: 'slice', thread: 3, index: 7 });
    toggleProcess(42);
    resetView({ startNs: 100, endNs: 500 });
    expect(state().visibleRange).toEqual({ startNs: 100, endNs: 500 });
    expect(state().selection).toBeNull();
    expect(state().collapsedPids).toEqual([]);
  });

  it('zooms, pans within the bounds, and shows all again', () => {
    zoom(250_000, 0.5);
    expect(state().visibleRange).toEqual({ startNs: 125_000, endNs: 625_000 });
    pan(1e9);
    expect(state().visibleRange).toEqual({ startNs: 500_000, endNs: 1_000_000 });
    showAll();
    expect(state().visibleRange).toEqual({ startNs: 0, endNs: 1_000_000 });
    zoomToRange({ startNs: 400_000, endNs: 500_000 });
    expect(state().visibleRange).toEqual({ startNs: 395_000, endNs: 505_000 });
  });

  it('keeps a dragged range ordered, and plain serializable state', () => {
    selectRange({ startNs: 900, endNs: 100 });
    expect(state().selectedRange).toEqual({ startNs: 100, endNs: 900 });
    toggleProcess(7);
    toggleProcess(9);
    toggleProcess(7);
    expect(state().collapsedPids).toEqual([9]);
    const { ...plain } = state();
    expect(JSON.parse(JSON.stringify(plain))).toEqual(plain);
  });

  it('selects the thread of a selected item, a thread alone, and clears both', () => {
    select({ kind: 'syscall', thread: 2, index: 5 });
    expect(state().selectedThread).toBe(2);
    selectThread(1);
    expect(state().selection).toBeNull();
    expect(state().selectedThread).toBe(1);
    select({ kind: 'slice', thread: 3, index: 0 });
    expect(state().selectedThread).toBe(3);
    select(null);
    expect(state().selectedThread).toBeNull();
    selectThread(4);
    resetView({ startNs: 0, endNs: 10 });
    expect(state().selectedThread).toBeNull();
  });

  it('does not notify when the hovered item stays the same', () => {
    let changes = 0;
    const unsub = useViewStore.subscribe(() => changes++);
    hover({ kind: 'slice', thread: 1, index: 2 });
    hover({ kind: 'slice', thread: 1, index: 2 });
    hover({ kind: 'syscall', thread: 1, index: 2 });
    hover(null);
    hover(null);
    unsub();
    expect(changes).toBe(3);
  });
});
