import type { JSX } from 'react';
import { formatDuration, formatRange, formatSinceStart, rangeResolutionNs, timeZeroNs } from '../../layout/time-format';
import { SliceKind, type TraceModel } from '../../model/types';
import { MERGED_CALLS, STATE_STYLES, UNKNOWN_FRAME, sliceColor } from '../../render/colors';
import { setSearchText, setThreadFilter, showAll, useViewStore, zoomToRange } from '../../store/view-store';

export function Legend(props: { model: TraceModel }): JSX.Element {
  return (
    <ul className="tl-legend" aria-label="Legend">
      <li>
        <span className="tl-swatch" style={{ background: sliceColor(-1, SliceKind.Python, 'python') }} />
        Python
      </li>
      <li>
        <span className="tl-swatch" style={{ background: sliceColor(-2, SliceKind.C, 'c') }} />C
      </li>
      <li title="Python built-in functions implemented in C (python:c_call)">
        <span className="tl-swatch" style={{ background: sliceColor(-3, SliceKind.PythonBuiltin, 'builtin') }} />
        Python built-in
      </li>
      <li title="Returns whose call is not in the trace (it began before tracing started)">
        <span className="tl-swatch" style={{ background: UNKNOWN_FRAME }} />
        <i>(unknown)</i>
      </li>
      <li title="Calls narrower than a pixel, merged">
        <span className="tl-swatch" style={{ background: MERGED_CALLS }} />
        merged
      </li>
      {props.model.hasKernel &&
        STATE_STYLES.map((s) => (
          <li key={s.state}>
            <span className="tl-swatch tl-swatch-state" style={{ background: s.color }} />
            {s.label}
          </li>
        ))}
    </ul>
  );
}

function VisibleSpan(props: { model: TraceModel }): JSX.Element {
  const r = useViewStore((s) => s.visibleRange);
  return (
    <span
      className="tl-span"
      data-testid="visible-span"
      data-start-ns={r.startNs}
      data-end-ns={r.endNs}
      title={`Visible: ${formatSinceStart(props.model, r.startNs)} → ${formatSinceStart(props.model, r.endNs)}`}
    >
      {formatDuration(r.endNs - r.startNs)}
    </span>
  );
}

function SelectionDuration(props: { model: TraceModel }): JSX.Element | null {
  const r = useViewStore((s) => s.selectedRange);
  const visibleSpanNs = useViewStore((s) => s.visibleRange.endNs - s.visibleRange.startNs);
  if (!r) return null;
  const text = formatRange(r, timeZeroNs(props.model), rangeResolutionNs(visibleSpanNs));
  return (
    <span className="tl-measure" title="Selected range (Z zooms to it)">
      Δ <b data-testid="selection-duration">{text.duration}</b>
      <button type="button" onClick={() => zoomToRange(r)} title="Zoom to the selected range (Z)">
        Zoom
      </button>
    </span>
  );
}

export function Toolbar(props: { model: TraceModel }): JSX.Element {
  const searchText = useViewStore((s) => s.searchText);
  const threadFilter = useViewStore((s) => s.threadFilter);
  return (
    <div className="tl-toolbar" role="toolbar" aria-label="Timeline tools">
      <input
        className="tl-input"
        type="search"
        placeholder="Search frames…"
        aria-label="Search frames"
        value={searchText}
        onChange={(e) => setSearchText(e.target.value)}
      />
      <input
        className="tl-input tl-input-narrow"
        type="search"
        placeholder="Filter threads…"
        aria-label="Filter threads"
        value={threadFilter}
        onChange={(e) => setThreadFilter(e.target.value)}
      />
      <button type="button" onClick={showAll} title="Show the whole trace (0)">
        Show all
      </button>
      <VisibleSpan model={props.model} />
      <SelectionDuration model={props.model} />
      <span
        className="tl-hint"
        title="W/S zoom around the pointer · A/D pan · 0 show all · Z zoom to selection · drag to measure · Shift-drag extends it · click for details · arrows walk the stack"
      >
        W/S zoom · A/D pan · 0 all · Z to selection · drag to measure
      </span>
    </div>
  );
}
