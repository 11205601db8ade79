import type { JSX } from 'react';
import { formatDuration, formatOffset } from '../../layout/time-format';
import type { TraceModel } from '../../model/types';
import { useViewStore } from '../../store/view-store';
import { describeItem } from './item-text';

export function DetailsPanel(props: { model: TraceModel }): JSX.Element {
  const selection = useViewStore((s) => s.selection);
  const range = useViewStore((s) => s.selectedRange);
  const d = selection ? describeItem(props.model, selection) : null;
  return (
    <section className="tl-details" aria-label="Details" data-testid="details-panel">
      {range && (
        <div className="tl-range" data-testid="range-details">
          <span className="tl-details-kind">range</span>
          <b>{formatDuration(range.endNs - range.startNs)}</b>
          <span className="tl-muted">
            {formatOffset(range.startNs - props.model.startNs)} → {formatOffset(range.endNs - props.model.startNs)}
          </span>
        </div>
      )}
      {d ? (
        <>
          <h2>
            <span className="tl-details-kind">{d.kindLabel}</span> {d.title}
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
        !range && <p className="tl-muted">Click a call, syscall or thread state to see its details; drag to measure a time range.</p>
      )}
    </section>
  );
}
