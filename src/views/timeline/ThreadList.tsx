/**
 * The processes and threads on the timeline as an accessible list (the canvas cannot be read by assistive
 * technology or by tests): each process can be collapsed from here too, and each thread selected (the selected
 * one is marked aria-current, since aria-selected is not allowed on list items).
 *
 * Virtualized like the canvas: only the rows in the timeline's scroll window, plus a margin, are in the DOM
 * (a trace can have tens of thousands of threads). aria-setsize / aria-posinset give each item its place in
 * the whole list; the thread filter finds the others.
 */
import { useEffect, useMemo, useState, type JSX, type RefObject } from 'react';
import { ROW_PROCESS, rowLayoutFor, threadLabel, visibleRows } from '../../layout/row-layout';
import type { TraceModel } from '../../model/types';
import { selectThread, toggleProcess, useViewStore } from '../../store/view-store';
import { CPU_ROW_NOTE } from './item-text';

/** Rows listed beyond the scroll window on each side; the window moves in steps of this size. */
const MARGIN_ROWS = 60;

export function ThreadList(props: { model: TraceModel; scroll: RefObject<HTMLDivElement | null> }): JSX.Element {
  const { model, scroll } = props;
  const filter = useViewStore((s) => s.threadFilter);
  const collapsed = useViewStore((s) => s.collapsedPids);
  const selectedThread = useViewStore((s) => s.selectedThread);
  // null until the scroll window is measured (on the frame after mounting, to keep the first one light).
  const [viewPx, setViewPx] = useState<{ topPx: number; heightPx: number } | null>(null);

  // Follow the timeline's scroll window, re-rendering only when it moves by a step of rows.
  useEffect(() => {
    const el = scroll.current;
    if (!el) return;
    let frame = 0;
    const update = () => {
      frame = 0;
      const topPx = el.scrollTop;
      const heightPx = Math.max(el.clientHeight, 1);
      setViewPx((v) => (v && v.topPx === topPx && v.heightPx === heightPx ? v : { topPx, heightPx }));
    };
    let ready = false;
    const onScroll = () => {
      if (ready && frame === 0) frame = requestAnimationFrame(update);
    };
    // The first measure waits until the canvas has drawn its first frames: inserting the list's DOM restyles and
    // lays out the page, which must not land in the same frame task as a cold canvas draw.
    const firstMeasure = window.setTimeout(() => {
      ready = true;
      onScroll();
    }, 250);
    el.addEventListener('scroll', onScroll, { passive: true });
    const ro = new ResizeObserver(onScroll);
    ro.observe(el);
    return () => {
      window.clearTimeout(firstMeasure);
      el.removeEventListener('scroll', onScroll);
      ro.disconnect();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [scroll]);

  // The layout too waits for the first measure (the canvas makes it on its first frame; this reuses it).
  const layout = viewPx ? rowLayoutFor(model, collapsed, filter) : null;
  const [first, last] = layout && viewPx ? visibleRows(layout, viewPx.topPx, viewPx.heightPx) : [0, 0];
  const from = Math.max(0, Math.floor((first - MARGIN_ROWS) / MARGIN_ROWS) * MARGIN_ROWS);
  const to = layout ? Math.min(layout.count, Math.ceil((last + MARGIN_ROWS) / MARGIN_ROWS) * MARGIN_ROWS) : 0;
  // Position of each process among the listed processes (for aria-posinset), once per layout.
  const processPos = useMemo(() => {
    if (!layout) return { pos: new Int32Array(0), count: 0 };
    const pos = new Int32Array(layout.groups.count);
    let n = 0;
    for (let r = 0; r < layout.count; r++) if (layout.kind[r] === ROW_PROCESS) pos[layout.ref[r]] = ++n;
    return { pos, count: n };
  }, [layout]);
  const items = useMemo(
    () => (layout ? windowItems(model, layout, from, to, processPos, selectedThread) : []),
    [model, layout, from, to, processPos, selectedThread],
  );
  const totalThreads = layout ? layout.shownThreads.reduce((a, b) => a + b, 0) : 0;

  return (
    <nav className="tl-sr-only" aria-label="Processes and threads">
      <p data-testid="thread-list-window">
        {processPos.count} processes, {totalThreads} threads; listed here: those on screen in the timeline and around
        them. Use the thread filter to find others.
      </p>
      <ul role="list" aria-label="Threads" data-testid="thread-list">
        {items}
      </ul>
    </nav>
  );
}

function windowItems(
  model: TraceModel,
  layout: ReturnType<typeof rowLayoutFor>,
  from: number,
  to: number,
  processPos: { pos: Int32Array; count: number },
  selectedThread: number | null,
): JSX.Element[] {
  const out: JSX.Element[] = [];
  let r = from;
  while (r < to) {
    const g = layout.group[r];
    if (g < 0) {
      r++; // the CPUs group's rows: not threads
      continue;
    }
    const pid = layout.groups.pid[g];
    const headerRow = layout.groupRow[g];
    const threads: JSX.Element[] = [];
    if (layout.kind[r] === ROW_PROCESS) r++;
    for (; r < to && layout.group[r] === g; r++) {
      const ti = layout.ref[r];
      const t = model.threads[ti];
      const selected = ti === selectedThread;
      threads.push(
        <li
          key={ti}
          data-testid="thread-item"
          data-tid={t.tid}
          className={selected ? 'tl-thread-selected' : undefined}
          aria-current={selected ? 'true' : undefined}
          aria-setsize={layout.shownThreads[g]}
          aria-posinset={r - headerRow}
        >
          {/* Named unlike the process button ("name tid"), so that each button has a name of its own. */}
          <button
            type="button"
            aria-label={t.cpuRow !== undefined ? `CPU ${t.cpuRow} row` : `thread ${t.name || 'unnamed'}, tid ${t.tid}`}
            title={t.cpuRow !== undefined ? CPU_ROW_NOTE : undefined}
            onClick={() => selectThread(ti)}
          >
            {threadLabel(model, ti)}
          </button>
        </li>,
      );
    }
    const isCollapsed = layout.collapsed.has(pid);
    out.push(
      <li key={`p${g}`} data-pid={pid} aria-setsize={processPos.count} aria-posinset={processPos.pos[g]}>
        <button type="button" aria-expanded={!isCollapsed} onClick={() => toggleProcess(pid)}>
          {layout.groups.name[g]}
        </button>
        {threads.length > 0 && <ul role="list">{threads}</ul>}
      </li>,
    );
  }
  return out;
}
