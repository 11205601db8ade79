/**
 * Wires the timeline's two canvases (axis, tracks) to the view store: draws on the shared rAF scheduler when
 * the state, the scroll position or the size changes, and turns mouse and keyboard input into store actions.
 */
import { useEffect, type RefObject } from 'react';
import { hitTest, type Hit } from '../../layout/hit-test';
import { laneOf } from '../../layout/lanes/index';
import { gutterItemAt, laneYPx, rowLayoutFor, threadRowOf, type RowLayout } from '../../layout/row-layout';
import { matchingNames } from '../../layout/search';
import { sliceIndexBy } from '../../layout/slice-index';
import { timeZeroNs } from '../../layout/time-format';
import type { TimeRange } from '../../layout/view-math';
import { Viewport } from '../../layout/viewport';
import type { TraceModel } from '../../model/types';
import { prepareCanvas } from '../../render/canvas';
import { drawAxis, lossAt } from '../../render/draw-axis';
import { drawTracks } from '../../render/draw-tracks';
import { timelineScheduler } from '../../render/raf-scheduler';
import { useTraceStore } from '../../store/trace-store';
import { axisTicks } from '../../render/time-scale';
import {
  hover,
  type ItemRef,
  pan,
  select,
  selectRange,
  selectThread,
  setVisibleRange,
  showAll,
  toggleProcess,
  useViewStore,
  zoom,
  zoomToRange,
  type ViewState,
} from '../../store/view-store';
import { firstItemInView, walkItem } from './first-in-view';
import {
  heldMotion,
  keyBinding,
  SHOW_SHORTCUTS_EVENT,
  releasedKey,
  startsHold,
  tapMotion,
  wheelCommand,
  type Command,
  type Motion,
} from './keymap';
import { PointerGestures, type PointerCommand, type PointerContext, type PointerInput } from './pointer';

export const GUTTER_PX = 200;
/**
 * Length of one background task indexing the call stacks of threads that came into view. Short, because a task
 * that allocates big lanes can also pay a garbage collection of the whole model's buffers (tens of ms).
 */
const INDEX_TASK_MS = 4;
/**
 * Time a frame may spend on thread rows before leaving the rest for the next frame. Only a cold frame (first
 * draw, new rows scrolled in: lanes built, code not yet optimized) reaches it; warm frames draw everything.
 * Well under a frame: the same task also runs style, layout and paint (10-20 ms when the DOM just changed).
 */
const FRAME_ROWS_MS = 8;

export interface TimelineRefs {
  axis: RefObject<HTMLCanvasElement | null>;
  tracks: RefObject<HTMLCanvasElement | null>;
  scroll: RefObject<HTMLDivElement | null>;
  spacer: RefObject<HTMLDivElement | null>;
}

/** Time span of a selected item, for Z and for keeping it in view. */
export function itemRange(model: TraceModel, ref: ItemRef): TimeRange | null {
  const t = model.threads[ref.thread];
  const table = t ? laneOf(ref.kind).table(t) : null;
  if (!table || ref.index >= table.count) return null;
  return { startNs: table.startNs[ref.index], endNs: table.endNs[ref.index] };
}

function isTyping(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.isContentEditable);
}

function asItemRef(h: ViewState['hovered'] | ViewState['selection']): ItemRef | null {
  return h && (h.kind === 'slice' || h.kind === 'syscall' || h.kind === 'state') ? h : null;
}

export function useTimelineCanvas(model: TraceModel, refs: TimelineRefs): void {
  useEffect(() => {
    const axisCanvas = refs.axis.current!;
    const tracksCanvas = refs.tracks.current!;
    const scroll = refs.scroll.current!;
    const spacer = refs.spacer.current!;
    const sched = timelineScheduler;
    let widthPx = scroll.clientWidth;
    let heightPx = scroll.clientHeight;
    const axisHeightPx = axisCanvas.parentElement!.clientHeight || 36;

    // Derived data, recomputed only when its inputs change. The first layout is made here, so that the first
    // frame (another task) only draws.
    let layout: RowLayout | null = null;
    let searchKey: string | null = null;
    let searchNames: Uint8Array | null = null;
    const derive = (s: ViewState): RowLayout => {
      const next = rowLayoutFor(model, s.collapsedPids, s.threadFilter);
      if (next !== layout) {
        layout = next;
        spacer.style.height = `${Math.max(0, layout.totalHeightPx - heightPx)}px`;
      }
      if (s.searchText !== searchKey) {
        searchKey = s.searchText;
        searchNames = matchingNames(model.strings, s.searchText);
      }
      return layout;
    };
    const currentLayout = () => derive(useViewStore.getState());
    currentLayout();

    /** The x geometry now (canvas px <-> trace ns): one per frame or input event. */
    const viewport = () => new Viewport(useViewStore.getState().visibleRange, widthPx, GUTTER_PX);

    const draw = () => {
      const deadlineMs = performance.now() + FRAME_ROWS_MS;
      const s = useViewStore.getState();
      const layout = derive(s);
      const vp = new Viewport(s.visibleRange, widthPx, GUTTER_PX);
      const ticks = axisTicks(vp, timeZeroNs(model));
      const actx = prepareCanvas(axisCanvas, widthPx, axisHeightPx);
      drawAxis(actx, {
        vp,
        heightPx: axisHeightPx,
        ticks,
        originNs: model.originNs,
        zeroNs: timeZeroNs(model),
        losses: model.losses,
        hoveredLoss: s.hovered?.kind === 'loss' ? s.hovered.index : -1,
        selectedRange: s.selectedRange,
      });
      const tctx = prepareCanvas(tracksCanvas, widthPx, heightPx);
      const { unindexed, incomplete } = drawTracks(tctx, {
        model,
        layout,
        vp,
        heightPx,
        scrollTopPx: scroll.scrollTop,
        ticksNs: ticks.ticksNs,
        selection: asItemRef(s.selection),
        selectedThread: s.selectedThread,
        hovered: asItemRef(s.hovered),
        selectedRange: s.selectedRange,
        searchNames,
        deadlineMs,
      });
      // Rows left blank: the next frame draws them (the rows drawn now are cheap to draw again).
      if (incomplete) sched.invalidate('timeline');
      // Only what is on screen now: threads scrolled away wait until they are seen again.
      indexQueue.clear();
      for (const t of unindexed) indexQueue.add(t);
      if (indexQueue.size > 0 && indexTimer === 0) indexTimer = window.setTimeout(indexSome, 0);
    };

    // Call stacks of big threads are indexed in short tasks between frames, never inside a frame; the rows
    // redraw as threads become ready.
    const indexQueue = new Set<number>();
    let indexTimer = 0;
    const indexSome = () => {
      indexTimer = 0;
      const deadline = performance.now() + INDEX_TASK_MS;
      let finished = false;
      for (const t of indexQueue) {
        if (sliceIndexBy(model.threads[t], deadline)) {
          indexQueue.delete(t);
          finished = true;
        }
        if (performance.now() >= deadline) break;
      }
      if (finished) sched.invalidate('timeline');
      if (indexQueue.size > 0) indexTimer = window.setTimeout(indexSome, 0);
    };
    const unregister = sched.register('timeline', draw);
    // C frames renamed from the binaries' symbols: labels and search matches change under the same view.
    const unsubscribeSymbols = useTraceStore.subscribe((s, prev) => {
      if (s.symbolsVersion === prev.symbolsVersion) return;
      searchKey = null;
      sched.invalidate('timeline');
    });
    const unsubscribe = useViewStore.subscribe((s, prev) => {
      sched.invalidate('timeline');
      // The content moved under a still pointer: what it hovers changed too.
      if (
        s.visibleRange !== prev.visibleRange ||
        s.collapsedPids !== prev.collapsedPids ||
        s.threadFilter !== prev.threadFilter
      ) {
        refreshHover();
      }
      if (s.selection && s.selection !== prev.selection) revealVertically(s.selection);
      else if (!s.selection && s.selectedThread !== null && s.selectedThread !== prev.selectedThread)
        revealRow(s.selectedThread);
    });

    /** Scrolls the rows so that a thread selected from the list or a link is on screen (if it is shown). */
    function revealRow(thread: number): void {
      const row = threadRowOf(currentLayout(), thread);
      if (!row) return;
      if (row.yPx + row.heightPx <= scroll.scrollTop || row.yPx >= scroll.scrollTop + heightPx)
        scroll.scrollTop = Math.max(0, row.yPx - heightPx / 3);
    }

    /** Scrolls the rows so that a selected item (from the keyboard or the search list) is on screen. */
    function revealVertically(ref: ItemRef): void {
      const layout = currentLayout();
      const row = threadRowOf(layout, ref.thread);
      if (!row) return;
      const laneTop = laneYPx(row, ref.kind);
      if (laneTop < 0) return;
      const item = laneOf(ref.kind).itemYPx(model, ref.thread, ref.index, layout.metrics);
      const y = row.yPx + laneTop + item.yPx;
      const h = item.heightPx;
      if (y < scroll.scrollTop || y + h > scroll.scrollTop + heightPx) scroll.scrollTop = Math.max(0, y - heightPx / 3);
    }

    const resize = () => {
      widthPx = scroll.clientWidth;
      heightPx = scroll.clientHeight;
      if (layout) spacer.style.height = `${Math.max(0, layout.totalHeightPx - heightPx)}px`;
      sched.invalidate('timeline');
    };
    const ro = new ResizeObserver(resize);
    ro.observe(scroll);

    // ---- pointer: pointer.ts decides the gestures; here DOM events go in and its commands run ----
    let mouseX = -1; // x on the tracks or axis, for zoom anchors; -1 when outside
    const gestures = new PointerGestures();
    const canvasLocal = (canvas: HTMLCanvasElement, e: MouseEvent): PointerInput => {
      const r = canvas.getBoundingClientRect();
      return { xPx: e.clientX - r.left, yPx: e.clientY - r.top, button: e.button, shiftKey: e.shiftKey };
    };
    const local = (e: MouseEvent) => canvasLocal(tracksCanvas, e);
    const axisLocal = (e: MouseEvent) => canvasLocal(axisCanvas, e);
    const hitAt = (x: number, y: number): Hit | null => {
      const vp = viewport();
      if (!vp.inContent(x)) {
        const h = hitTest(model, currentLayout(), y + scroll.scrollTop, 0, 1);
        return h?.kind === 'process' ? h : null;
      }
      return hitTest(model, currentLayout(), y + scroll.scrollTop, vp.canvasPxToNs(x), vp.nsPerPx);
    };
    const gutterAt = (y: number) => gutterItemAt(currentLayout(), scroll.scrollTop, heightPx, y);
    const context = (): PointerContext => {
      const s = useViewStore.getState();
      return {
        vp: viewport(),
        hitAt,
        gutterAt,
        itemRange: (h) => (h.kind === 'cpu' ? cpuRunRange(h) : h.kind === 'process' ? null : itemRange(model, h)),
        selectedRange: s.selectedRange,
        bounds: s.bounds,
      };
    };
    const cpuRunRange = (h: Extract<Hit, { kind: 'cpu' }>): TimeRange => {
      const c = model.cpus[h.cpu];
      return { startNs: c.startNs[h.index], endNs: c.endNs[h.index] };
    };
    /** Runs pointer.ts's commands; `e` is null when no DOM event caused them (the content moved). */
    const runPointer = (e: MouseEvent | null, cmds: PointerCommand[]) => {
      for (const c of cmds) {
        switch (c.type) {
          case 'preventDefault':
            e?.preventDefault();
            break;
          case 'focus':
            scroll.focus({ preventScroll: true });
            break;
          case 'select':
            select(c.item);
            break;
          case 'selectThread':
            selectThread(c.thread);
            break;
          case 'toggleProcess':
            toggleProcess(c.pid);
            break;
          case 'selectRange':
            selectRange(c.range);
            break;
          case 'setVisibleRange':
            setVisibleRange(c.range);
            break;
          case 'zoomToRange':
            zoomToRange(c.range);
            break;
          case 'showAll':
            showAll();
            break;
          case 'axisCursor':
            axisCanvas.style.cursor = c.grabbing ? 'grabbing' : 'grab';
            break;
          case 'hover':
            hover(c.hit);
            break;
          case 'tracksCursor':
            tracksCanvas.style.cursor = c.clickable ? 'pointer' : 'default';
            break;
        }
      }
    };
    let pointer: PointerInput | null = null; // over the tracks, canvas coordinates
    function refreshHover(): void {
      if (pointer) runPointer(null, gestures.tracksHover(pointer, context()));
    }
    const onTracksMove = (e: MouseEvent) => {
      pointer = local(e);
      mouseX = pointer.xPx;
      refreshHover();
    };
    const onTracksLeave = (e: MouseEvent) => {
      pointer = null;
      runPointer(e, gestures.tracksLeave());
      mouseX = -1;
    };
    const onTracksDown = (e: MouseEvent) => runPointer(e, gestures.tracksDown(local(e), context()));
    const onTracksDblClick = (e: MouseEvent) => runPointer(e, gestures.tracksDblClick(local(e), context()));
    const gestureLocal = (e: MouseEvent) => (gestures.target === 'axis' ? axisLocal(e) : local(e));
    const onWindowMove = (e: MouseEvent) => {
      if (gestures.target) runPointer(e, gestures.move(gestureLocal(e), context()));
    };
    const onWindowUp = (e: MouseEvent) => {
      if (gestures.target) runPointer(e, gestures.up(gestureLocal(e), context()));
    };
    const onWheel = (e: WheelEvent) => {
      const cmd = wheelCommand(e, heightPx);
      if (!cmd) return; // plain vertical wheel: the browser scrolls the rows
      e.preventDefault();
      mouseX = local(e).xPx;
      run(cmd);
    };
    const onScroll = () => {
      sched.invalidate('timeline');
      refreshHover();
    };

    // The axis: drag pans, double-click shows all (pointer.ts); loss marks have a tooltip.
    const onAxisDown = (e: MouseEvent) => runPointer(e, gestures.axisDown(axisLocal(e), context()));
    const onAxisMove = (e: MouseEvent) => {
      const p = axisLocal(e);
      mouseX = p.xPx;
      if (gestures.target === 'axis') return;
      const li = lossAt({ vp: viewport(), losses: model.losses, heightPx: axisCanvas.clientHeight }, p.xPx, p.yPx);
      hover(li >= 0 ? { kind: 'loss', index: li } : null);
    };
    const onAxisLeave = () => {
      mouseX = -1;
      if (useViewStore.getState().hovered?.kind === 'loss') hover(null);
    };
    const onAxisDblClick = (e: MouseEvent) => runPointer(e, gestures.axisDblClick());

    // ---- keyboard: keymap.ts turns keys into commands; here they run against the view store ----
    const held = new Set<string>();
    let stopAnim: (() => void) | null = null;
    const move = (m: Motion) => {
      const vp = viewport();
      if (m.zoomFactor !== 1) zoom(vp.anchorNs(mouseX < 0 ? null : mouseX), m.zoomFactor);
      if (m.panScreens !== 0) pan((vp.range.endNs - vp.range.startNs) * m.panScreens);
    };
    const step = (dtMs: number): boolean => {
      if (held.size === 0) {
        stopAnim = null;
        return false;
      }
      move(heldMotion(held, dtMs));
      return true;
    };
    /** Runs a command; false when it had nothing to act on. */
    function run(cmd: Command): boolean {
      const s = useViewStore.getState();
      switch (cmd.type) {
        case 'hold':
          // A tap moves one step right away; holding the key keeps moving smoothly.
          move(tapMotion(cmd.key));
          held.add(cmd.key);
          if (!stopAnim) stopAnim = sched.animate(step);
          return true;
        case 'showAll':
          showAll();
          return true;
        case 'zoomToSelection': {
          const r = s.selectedRange ?? (s.selection ? itemRange(model, s.selection) : null);
          if (r) zoomToRange(r);
          return r !== null;
        }
        case 'clearSelection':
          select(null);
          selectRange(null);
          return true;
        case 'walk': {
          const next = s.selection
            ? walkItem(model, s.selection, cmd.direction)
            : s.selectedThread !== null
              ? // Only a thread: start at its first item in view (Perfetto / Trace Compass do the same).
                firstItemInView(model.threads[s.selectedThread], s.selectedThread, s.visibleRange)
              : null;
          if (s.selection && !next) return true; // at the end of the stack: the arrow is still ours
          if (!next) return false;
          select(next);
          // Keep the new selection in view.
          const r = itemRange(model, next);
          const v = s.visibleRange;
          if (r && (r.endNs < v.startNs || r.startNs > v.endNs)) {
            const span = v.endNs - v.startNs;
            const mid = (r.startNs + r.endNs) / 2;
            setVisibleRange({ startNs: mid - span / 2, endNs: mid + span / 2 });
          }
          return true;
        }
        case 'zoomAtPointer':
          zoom(viewport().anchorNs(mouseX < 0 ? null : mouseX), cmd.factor);
          return true;
        case 'panPx':
          pan(cmd.dxPx * viewport().nsPerPx);
          return true;
        case 'showShortcuts':
          window.dispatchEvent(new Event(SHOW_SHORTCUTS_EVENT));
          return true;
      }
    }
    const onKeyDown = (e: KeyboardEvent) => {
      const input = {
        key: e.key,
        repeat: e.repeat,
        altKey: e.altKey,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        typing: isTyping(e),
      };
      const binding = keyBinding(input);
      if (!binding) return;
      if (binding.preventDefault === 'always') e.preventDefault();
      if (binding.command.type === 'hold' && !startsHold(input, held)) return;
      if (run(binding.command) && binding.preventDefault === 'ifHandled') e.preventDefault();
    };
    const onKeyUp = (e: KeyboardEvent) => {
      held.delete(releasedKey(e.key));
    };
    const onBlur = () => held.clear();

    tracksCanvas.addEventListener('mousemove', onTracksMove);
    tracksCanvas.addEventListener('mouseleave', onTracksLeave);
    tracksCanvas.addEventListener('mousedown', onTracksDown);
    tracksCanvas.addEventListener('dblclick', onTracksDblClick);
    scroll.addEventListener('wheel', onWheel, { passive: false });
    scroll.addEventListener('scroll', onScroll, { passive: true });
    axisCanvas.addEventListener('mousedown', onAxisDown);
    axisCanvas.addEventListener('mousemove', onAxisMove);
    axisCanvas.addEventListener('mouseleave', onAxisLeave);
    axisCanvas.addEventListener('dblclick', onAxisDblClick);
    axisCanvas.addEventListener('wheel', onWheel, { passive: false });
    window.addEventListener('mousemove', onWindowMove);
    window.addEventListener('mouseup', onWindowUp);
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('keyup', onKeyUp);
    window.addEventListener('blur', onBlur);
    axisCanvas.style.cursor = 'grab';
    return () => {
      window.clearTimeout(indexTimer);
      unregister();
      unsubscribe();
      unsubscribeSymbols();
      ro.disconnect();
      stopAnim?.();
      tracksCanvas.removeEventListener('mousemove', onTracksMove);
      tracksCanvas.removeEventListener('mouseleave', onTracksLeave);
      tracksCanvas.removeEventListener('mousedown', onTracksDown);
      tracksCanvas.removeEventListener('dblclick', onTracksDblClick);
      scroll.removeEventListener('wheel', onWheel);
      scroll.removeEventListener('scroll', onScroll);
      axisCanvas.removeEventListener('mousedown', onAxisDown);
      axisCanvas.removeEventListener('mousemove', onAxisMove);
      axisCanvas.removeEventListener('mouseleave', onAxisLeave);
      axisCanvas.removeEventListener('dblclick', onAxisDblClick);
      axisCanvas.removeEventListener('wheel', onWheel);
      window.removeEventListener('mousemove', onWindowMove);
      window.removeEventListener('mouseup', onWindowUp);
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('keyup', onKeyUp);
      window.removeEventListener('blur', onBlur);
    };
  }, [model, refs.axis, refs.tracks, refs.scroll, refs.spacer]);
}
