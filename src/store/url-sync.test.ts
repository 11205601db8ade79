import { describe, expect, it } from 'vitest';
import { smallModel, FIXTURE_ORIGIN_NS } from '../fixtures/model-fixture';
import { formatUrlState, parseUrlState } from './url-state';
import { isMeaningfulChange, itemFromUrl, itemToUrl, urlStateToView, viewToUrlState } from './url-sync';
import { initialViewState, type ViewState } from './view-store';

const model = smallModel();
const bounds = { startNs: model.startNs, endNs: model.endNs };

function view(patch: Partial<ViewState>): ViewState {
  return { ...initialViewState, bounds, visibleRange: { ...bounds }, ...patch };
}

describe('view <-> url', () => {
  it('names a selected slice by tid, absolute start and depth, and finds it again', () => {
    const main = model.threads.findIndex((t) => t.tid === 4242);
    const baz = model.threads[main].slices.depth.indexOf(4);
    const ref = itemToUrl(model, { kind: 'slice', thread: main, index: baz });
    expect(ref).toEqual({ kind: 'slice', thread: '4242', startNs: FIXTURE_ORIGIN_NS + 2_500_000n, depth: 4 });
    expect(itemFromUrl(model, ref!)).toEqual({ kind: 'slice', thread: main, index: baz });
    // Same start, other depth: not that slice.
    expect(itemFromUrl(model, { ...ref!, depth: 3 })).toBeNull();
    expect(itemFromUrl(model, { ...ref!, thread: '1' })).toBeNull();
  });

  it('restores range, selection, item, collapsed processes, filter and search through a link', () => {
    const main = model.threads.findIndex((t) => t.tid === 4242);
    const v = view({
      visibleRange: { startNs: 2_000_000, endNs: 3_500_000 },
      selectedRange: { startNs: 3_050_000, endNs: 3_095_250 },
      selection: { kind: 'syscall', thread: main, index: 0 },
      collapsedPids: [977],
      threadFilter: 'py',
      searchText: 'write',
    });
    const query = formatUrlState(viewToUrlState(v, model, { kind: 'url', url: 'http://127.0.0.1:9/t.tgz' }));
    expect(query).toContain(`view=${FIXTURE_ORIGIN_NS + 2_000_000n},${FIXTURE_ORIGIN_NS + 3_500_000n}`);
    const patch = urlStateToView(parseUrlState(query).state, model, bounds);
    expect(patch).toEqual({
      visibleRange: v.visibleRange,
      selectedRange: v.selectedRange,
      selection: v.selection,
      selectedThread: main,
      collapsedPids: [977],
      threadFilter: 'py',
      searchText: 'write',
    });
  });

  it('writes and restores a thread selected without an item', () => {
    const worker = model.threads.findIndex((t) => t.tid === 4243);
    const v = view({ visibleRange: { startNs: 1_000_000, endNs: 2_000_000 }, selectedThread: worker });
    const query = formatUrlState(viewToUrlState(v, model, { kind: 'demo' }));
    expect(query).toBe(
      `?v=1&demo&view=${FIXTURE_ORIGIN_NS + 1_000_000n},${FIXTURE_ORIGIN_NS + 2_000_000n}&thread=4243`,
    );
    const patch = urlStateToView(parseUrlState(query).state, model, bounds);
    expect(patch.selectedThread).toBe(worker);
    expect(patch.selection).toBeNull();
    // Without a selected thread, no thread in the link.
    expect(formatUrlState(viewToUrlState(view({}), model, { kind: 'demo' }))).not.toContain('thread=');
  });

  it('takes the thread from the item, and from thread= when the item is not in this trace', () => {
    const main = model.threads.findIndex((t) => t.tid === 4242);
    const worker = model.threads.findIndex((t) => t.tid === 4243);
    const s = model.threads[main].slices;
    const withItem = parseUrlState(
      `?v=1&demo&slice=4242,${FIXTURE_ORIGIN_NS + BigInt(s.startNs[0])},${s.depth[0]}`,
    ).state;
    expect(urlStateToView(withItem, model, bounds)).toMatchObject({
      selection: { kind: 'slice', thread: main, index: 0 },
      selectedThread: main,
    });
    const missing = parseUrlState(`?v=1&demo&slice=4243,5,0&thread=4243`).state;
    expect(urlStateToView(missing, model, bounds)).toMatchObject({ selection: null, selectedThread: worker });
    const unknown = parseUrlState('?v=1&demo&thread=31337').state;
    expect(urlStateToView(unknown, model, bounds).selectedThread).toBeNull();
  });

  it('clamps a range outside the trace and drops items that do not exist', () => {
    const state = parseUrlState(`?v=1&demo&view=1,${FIXTURE_ORIGIN_NS * 2n}&slice=999,5,0`).state;
    const patch = urlStateToView(state, model, bounds);
    expect(patch.visibleRange).toEqual(bounds);
    expect(patch.selection).toBeNull();
  });

  it('makes a history entry for selecting and zooming to the selection, not for panning', () => {
    const main = model.threads.findIndex((t) => t.tid === 4242);
    const before = view({ visibleRange: { startNs: 0, endNs: 5_000_000 } });
    const panned = { ...before, visibleRange: { startNs: 100_000, endNs: 5_100_000 } };
    expect(isMeaningfulChange(before, panned, model)).toBe(false);
    const selected = { ...before, selection: { kind: 'slice' as const, thread: main, index: 4 } };
    expect(isMeaningfulChange(before, selected, model)).toBe(true);
    const s = model.threads[main].slices;
    const pad = (s.endNs[4] - s.startNs[4]) * 0.05;
    const zoomed = { ...selected, visibleRange: { startNs: s.startNs[4] - pad, endNs: s.endNs[4] + pad } };
    expect(isMeaningfulChange(selected, zoomed, model)).toBe(true);
    const all = { ...zoomed, visibleRange: { ...bounds } };
    expect(isMeaningfulChange(zoomed, all, model)).toBe(true);
    // Selecting a thread alone is a step too.
    const thread = { ...before, selectedThread: main };
    expect(isMeaningfulChange(before, thread, model)).toBe(true);
    expect(isMeaningfulChange(thread, { ...thread, visibleRange: { startNs: 100_000, endNs: 5_100_000 } }, model)).toBe(
      false,
    );
  });
});
