/**
 * The Events tab: every event of the selection (the dragged range, else the visible range) in time order,
 * decoded on demand by the model worker (src/worker-api/events-service.ts) a block of rows at a time and shown in
 * a virtualized list (only the rows in view exist in the page, whatever the count). Search by text or regular
 * expression over every column: Enter jumps to the next match, Ctrl+Enter shows only the matches. Clicking a
 * row selects its thread and the item of its row at the event's time on the timeline.
 */
import { useEffect, useMemo, useRef, useState, type JSX, type KeyboardEvent } from 'react';
import { itemAtTime, threadOfEvent } from '../../layout/event-item';
import { rowWindow, scrollTopFor } from '../../layout/virtual-rows';
import type { TraceModel } from '../../model/types';
import { timeZeroNs } from '../../layout/time-format';
import { eventsClient } from '../../store/trace-store';
import { select, selectThread, setVisibleRange, useViewStore } from '../../store/view-store';
import type { EventMatches, EventRange, EventRow } from '../../worker-api/events-service';

const ROW_PX = 20;
/** Browsers cap an element's height (~33M px in Chromium): beyond this the scroll position is scaled to rows. */
const MAX_SCROLL_PX = 8_000_000;
/** Rows fetched around the first visible one. */
const BLOCK_ROWS = 240;
const DEBOUNCE_MS = 120;

interface Block {
  key: string;
  /** Index (in the shown list) of rows[0]. */
  first: number;
  rows: EventRow[];
}

function timeText(ns: number): string {
  return `${(ns / 1e9).toFixed(9)} s`;
}

function useRange(): EventRange {
  const selectedRange = useViewStore((s) => s.selectedRange);
  const visibleRange = useViewStore((s) => s.visibleRange);
  const r = selectedRange ?? visibleRange;
  // Event times are whole ns: the range [start, end] holds those from ceil(start) to floor(end), both included.
  const startNs = Math.ceil(r.startNs);
  const endNs = Math.floor(r.endNs) + 1;
  const [range, setRange] = useState<EventRange>({ startNs, endNs });
  useEffect(() => {
    const t = setTimeout(() => setRange({ startNs, endNs }), DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [startNs, endNs]);
  return range;
}

export function EventsTable(props: { model: TraceModel }): JSX.Element {
  const { model } = props;
  const range = useRange();
  const rangeKey = `${range.startNs},${range.endNs}`;
  const [total, setTotal] = useState<number | null>(null);
  const [block, setBlock] = useState<Block | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewPx, setViewPx] = useState(300);
  const [text, setText] = useState('');
  const [regex, setRegex] = useState(false);
  const [matches, setMatches] = useState<{ key: string; m: EventMatches } | null>(null);
  const [filtered, setFiltered] = useState(false);
  /** Offset (in the range) of the row last clicked or found. */
  const [current, setCurrent] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const scroller = useRef<HTMLDivElement>(null);

  // A new range: back to its first row, matches forgotten.
  useEffect(() => {
    setMatches(null);
    setFiltered(false);
    setCurrent(null);
    setBlock(null);
    setTotal(null);
    setScrollTop(0);
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [rangeKey]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewPx(el.clientHeight));
    ro.observe(el);
    setViewPx(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  const searchKey = `${rangeKey}|${regex}|${text}`;
  const shownMatches = filtered && matches && matches.key === searchKey ? matches.m : null;
  const count = shownMatches ? shownMatches.offsets.length : (total ?? 0);
  const win = rowWindow(count, ROW_PX, viewPx, scrollTop, MAX_SCROLL_PX);
  const first = win.first;
  const visibleRows = win.count;
  const blockKey = `${rangeKey}|${shownMatches ? searchKey : ''}`;

  // Fetch the block of rows around the first visible one when it is not held.
  const need =
    total === null ||
    !block ||
    block.key !== blockKey ||
    first < block.first ||
    Math.min(first + visibleRows, count) > block.first + block.rows.length;
  useEffect(() => {
    if (!need) return;
    const client = eventsClient();
    if (!client) return;
    let stale = false;
    const start = Math.max(0, first - Math.floor(BLOCK_ROWS / 4));
    const t = setTimeout(() => {
      const m = shownMatches;
      const p = m
        ? client
            .rowsAt(range, [...m.offsets.subarray(start, start + BLOCK_ROWS)])
            .then((rows) => ({ total: total ?? 0, rows }))
        : client.rows(range, start, BLOCK_ROWS);
      p.then(
        (page) => {
          if (stale) return;
          if (!m) setTotal(page.total);
          setBlock({ key: blockKey, first: start, rows: page.rows });
        },
        (e: unknown) => !stale && setError(e instanceof Error ? e.message : String(e)),
      );
    }, 15);
    return () => {
      stale = true;
      clearTimeout(t);
    };
  }, [need, first, blockKey, range, shownMatches, total]);

  const scrollToIndex = (i: number) => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = scrollTopFor(i, count, ROW_PX, viewPx, MAX_SCROLL_PX);
    setScrollTop(el.scrollTop);
  };

  const runSearch = async (filter: boolean) => {
    const client = eventsClient();
    if (!client || text === '') {
      setFiltered(false);
      return;
    }
    let m = matches && matches.key === searchKey ? matches.m : null;
    if (!m) {
      m = await client.filter(range, { text, regex });
      setMatches({ key: searchKey, m });
    }
    setError(m.error ?? null);
    if (filter) {
      setFiltered(true);
      scrollToIndex(0);
      return;
    }
    setFiltered(false);
    if (m.offsets.length === 0) return;
    // The next match after the current row, wrapping round.
    const after = current ?? -1;
    let k = m.offsets.findIndex((o) => o > after);
    if (k < 0) k = 0;
    const offset = m.offsets[k];
    setCurrent(offset);
    scrollToIndex(offset);
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void runSearch(e.ctrlKey || e.metaKey);
    } else if (e.key === 'Escape') {
      setText('');
      setFiltered(false);
    }
  };

  // Selecting on the timeline scrolls the table to the first event of the selected item (not for our own clicks).
  const selection = useViewStore((s) => s.selection);
  const ownClick = useRef<unknown>(null);
  // A row to scroll to once the list is that long (the count may not be known yet when the offset is).
  const [pendingScroll, setPendingScroll] = useState<number | null>(null);
  const scrollRef = useRef(scrollToIndex);
  scrollRef.current = scrollToIndex;
  useEffect(() => {
    if (pendingScroll === null || count <= pendingScroll) return;
    scrollRef.current(pendingScroll);
    setPendingScroll(null);
  }, [pendingScroll, count]);
  useEffect(() => {
    const client = eventsClient();
    if (!selection || !client || selection === ownClick.current || filtered) return;
    const t = model.threads[selection.thread];
    const table = selection.kind === 'slice' ? t.slices : selection.kind === 'syscall' ? t.syscalls : t.states;
    if (!table) return;
    const startNs = table.startNs[selection.index];
    if (startNs < range.startNs || startNs >= range.endNs) return;
    let stale = false;
    void client.offsetAt(range, startNs).then((offset) => {
      if (stale) return;
      setCurrent(offset);
      setPendingScroll(offset);
    });
    return () => {
      stale = true;
    };
  }, [selection, model, range, filtered]);

  const onRow = (row: EventRow, offset: number) => {
    setCurrent(offset);
    // An event of a measured range outside the view: the view pans to it (the table follows the range, not the view).
    const v = useViewStore.getState().visibleRange;
    if (row.tsNs < v.startNs || row.tsNs > v.endNs) {
      const half = (v.endNs - v.startNs) / 2;
      setVisibleRange({ startNs: row.tsNs - half, endNs: row.tsNs + half });
    }
    const thread = threadOfEvent(model, row.tid, row.cpu, row.tsNs);
    if (thread === null) return;
    const item = itemAtTime(model, thread, row.tsNs);
    if (item) {
      ownClick.current = item;
      select(item);
    } else selectThread(thread);
  };

  const threadText = useMemo(
    () =>
      (row: EventRow): string => {
        const thread = threadOfEvent(model, row.tid, row.cpu, row.tsNs);
        const t = thread !== null ? model.threads[thread] : null;
        const tid = row.tid ?? (t && t.cpuRow === undefined ? t.tid : null);
        if (tid === null) return '';
        return `${tid} ${row.procname ?? t?.name ?? ''}`.trim();
      },
    [model],
  );

  const rows: JSX.Element[] = [];
  const top = win.topPx;
  for (let i = first; i < first + visibleRows; i++) {
    const row = block && block.key === blockKey ? block.rows[i - block.first] : undefined;
    const offset = shownMatches ? shownMatches.offsets[i] : i;
    rows.push(
      <div
        key={i}
        role="row"
        className={`ev-row${offset === current ? ' ev-current' : ''}`}
        style={{ top: top + (i - first) * ROW_PX }}
        aria-selected={offset === current}
        onClick={row ? () => onRow(row, offset) : undefined}
      >
        {row ? (
          <>
            <span role="cell" className="ev-time">
              {timeText(row.tsNs - timeZeroNs(model))}
            </span>
            <span role="cell" className="ev-name">
              {row.name}
            </span>
            <span role="cell" className="ev-cpu">
              {row.cpu ?? ''}
            </span>
            <span role="cell" className="ev-thread">
              {threadText(row)}
            </span>
            <span role="cell" className="ev-fields" title={row.fields}>
              {row.fields}
            </span>
          </>
        ) : (
          <span role="cell" className="an-muted">
            …
          </span>
        )}
      </div>,
    );
  }

  const matchCount = matches && matches.key === searchKey ? matches.m.count : null;
  return (
    <div className="ev-panel">
      <div className="an-toolbar ev-toolbar">
        <input
          type="search"
          aria-label="Search events"
          placeholder="Search events (Enter: next, Ctrl+Enter: filter)"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKey}
        />
        <label>
          <input type="checkbox" checked={regex} onChange={(e) => setRegex(e.target.checked)} /> regular expression
        </label>
        <span className="an-muted" data-testid="events-count">
          {total === null ? 'reading…' : `${total.toLocaleString('en-US')} events`}
          {matchCount !== null && ` · ${matchCount.toLocaleString('en-US')} matches`}
          {filtered && shownMatches && ' (filtered)'}
        </span>
        {error && (
          <span className="an-error" role="alert">
            {error}
          </span>
        )}
      </div>
      <div role="table" aria-label="Events" aria-rowcount={count} className="ev-table">
        <div role="row" className="ev-row ev-head">
          <span role="columnheader" className="ev-time">
            Time
          </span>
          <span role="columnheader" className="ev-name">
            Event
          </span>
          <span role="columnheader" className="ev-cpu">
            CPU
          </span>
          <span role="columnheader" className="ev-thread">
            Thread
          </span>
          <span role="columnheader" className="ev-fields">
            Fields
          </span>
        </div>
        <div className="ev-scroll" ref={scroller} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
          <div style={{ height: win.heightPx, position: 'relative' }}>{rows}</div>
        </div>
      </div>
    </div>
  );
}
