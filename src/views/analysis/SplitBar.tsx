import type { JSX } from 'react';
import { CPU_USE_COUNT, CPU_USE_NAMES } from '../../analysis/cpu-use';
import type { CpuSplit } from '../../analysis/selection';
import { CPU_USE_COLORS, describeSplit } from './format';

/** A stacked bar of where a frame's time went (running, syscall, blocked, ...), with the same text as its label. */
export function SplitBar(props: { split: CpuSplit; totalNs: number; names: Record<number, string> }): JSX.Element {
  const { split, totalNs } = props;
  const text = describeSplit(split, totalNs, props.names);
  return (
    <span className="an-split" title={text} aria-label={text} data-testid="split-bar">
      <span className="an-bar" aria-hidden="true">
        {Array.from({ length: CPU_USE_COUNT }, (_, k) =>
          split.catNs[k] > 0 && totalNs > 0 ? (
            <span
              key={k}
              style={{ width: `${(100 * split.catNs[k]) / totalNs}%`, background: CPU_USE_COLORS[k] }}
              title={CPU_USE_NAMES[k]}
            />
          ) : null,
        )}
      </span>
      <span className="an-split-text">{text}</span>
    </span>
  );
}

export function SplitLegend(): JSX.Element {
  return (
    <span className="an-legend">
      {CPU_USE_NAMES.map((n, k) => (
        <span key={n}>
          <i style={{ background: CPU_USE_COLORS[k] }} /> {n}
        </span>
      ))}
    </span>
  );
}
