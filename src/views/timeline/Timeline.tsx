/**
 * The timeline screen: toolbar (search, thread filter, legend), time axis, the virtualized canvas of
 * process / thread rows, and a details panel. The model arrives as a prop and never enters the store.
 */
import { useEffect, useLayoutEffect, useRef, type JSX } from 'react';
import type { TraceModel } from '../../model/types';
import { resetView } from '../../store/view-store';
import { DetailsPanel } from './DetailsPanel';
import { SearchResults } from './SearchResults';
import { SymbolsPanel } from './SymbolsPanel';
import { installTestHook } from './test-hook';
import { ThreadList } from './ThreadList';
import { Legend, Toolbar } from './Toolbar';
import { ShortcutsDialog } from './ShortcutsDialog';
import { Tooltip } from './Tooltip';
import { useTimelineCanvas, GUTTER_PX } from './use-timeline-canvas';
import './timeline.css';

export { prepareTimeline } from './prepare-timeline';

export function Timeline(props: { model: TraceModel }): JSX.Element {
  const { model } = props;
  const axis = useRef<HTMLCanvasElement | null>(null);
  const tracks = useRef<HTMLCanvasElement | null>(null);
  const scroll = useRef<HTMLDivElement | null>(null);
  const spacer = useRef<HTMLDivElement | null>(null);
  const refs = useRef({ axis, tracks, scroll, spacer }).current;
  // Runs before the canvas effect below, so that the first frame already shows the whole new trace.
  useLayoutEffect(() => resetView({ startNs: model.startNs, endNs: model.endNs }), [model]);
  useTimelineCanvas(model, refs);
  useEffect(() => installTestHook(model), [model]);

  return (
    <div className="strata-timeline" data-testid="timeline">
      <Toolbar model={model} />
      <div className="tl-body">
        <div className="tl-axis" style={{ ['--gutter' as string]: `${GUTTER_PX}px` }}>
          <canvas ref={axis} aria-label="Time axis: drag to pan, double-click to show everything" />
        </div>
        <div
          className="tl-scroll"
          ref={scroll}
          tabIndex={0}
          aria-label="Timeline: W/S zoom, A/D pan, drag to measure, click to select"
        >
          <canvas ref={tracks} className="tl-tracks" />
          <div ref={spacer} />
        </div>
        <Tooltip model={model} />
      </div>
      <div className="tl-statusbar">
        <Legend model={model} />
      </div>
      <div className="tl-bottom">
        <DetailsPanel model={model} />
        <SearchResults model={model} />
      </div>
      <SymbolsPanel model={model} />
      <ThreadList model={model} scroll={scroll} />
      <ShortcutsDialog />
    </div>
  );
}
