import type { JSX } from 'react';
import { formatRange, rangeResolutionNs, timeZeroNs } from '../../layout/time-format';
import type { TraceModel } from '../../model/types';
import { UNKNOWN_FRAME_NAME } from '../../render/colors';
import { useViewStore } from '../../store/view-store';
import { useTraceStore } from '../../store/trace-store';
import { describeItem, describeThread } from './item-text';

export function DetailsPanel(props: { model: TraceModel }): JSX.Element {
  const selection = useViewStore((s) => s.selection);
  const range = useViewStore((s) => s.selectedRange);
  const visibleSpanNs = useViewStore((s) => s.visibleRange.endNs - s.visibleRange.startNs);
  const rangeText = range && formatRange(range, timeZeroNs(props.model), rangeResolutionNs(visibleSpanNs));
  const thread = useViewStore((s) => s.selectedThread);
  useTraceStore((s) => s.symbolStatusVersion); // names, source lines and symbol statuses arrive after the first render
  // An item first; a thread selected on its own otherwise.
  const d = selection
    ? describeItem(props.model, selection)
    : thread !== null
      ? describeThread(props.model, thread)
      : null;
  return (
    <section className="tl-details" aria-label="Details" data-testid="details-panel">
      {rangeText && (
        <div className="tl-range" data-testid="range-details">
          <span className="tl-details-kind">range</span>
          <b data-testid="range-duration">{rangeText.duration}</b>
          <span className="tl-muted">
            <span data-testid="range-start">{rangeText.start}</span> →{' '}
            <span data-testid="range-end">{rangeText.end}</span>
          </span>
        </div>
      )}
      {d ? (
        <>
          <h2>
            <span className="tl-details-kind">{d.kindLabel}</span>{' '}
            {d.title === UNKNOWN_FRAME_NAME ? <i title="its call is not in the trace">{d.title}</i> : d.title}
          </h2>
          <dl>
            {d.fields.map((f) => (
              <div key={f.key + f.label} data-testid={`detail-${f.key}`}>
                <dt>{f.label}</dt>
                <dd>{f.value}</dd>
              </div>
            ))}
          </dl>
        </>
      ) : (
        !range && (
          <p className="tl-muted">
            Click a call, syscall, thread state or thread name to see its details; drag to measure a time range.
          </p>
        )
      )}
    </section>
  );
}
