import type { JSX } from 'react';
import type { SelectionAnalysis } from '../../analysis/selection';
import { STATE_STYLES, stateColor, stateLabel } from '../../render/colors';
import { formatDuration, formatShare } from './format';

/** States shown as columns: the legend's, plus the two waits that have no legend entry. */
const STATES: number[] = STATE_STYLES.map((s) => s.state as number);

/** Per thread, the time in each kernel state inside the selection and its share of the range. */
export function StatesView(props: { result: SelectionAnalysis }): JSX.Element {
  const rows = props.result.states;
  if (rows.length === 0)
    return (
      <p className="an-muted">
        No thread states in the selection{props.result.hasKernel ? '' : ' (no kernel trace loaded)'}.
      </p>
    );
  const used = STATES.filter((st) => rows.some((r) => r.stateNs[st] > 0));
  return (
    <div className="an-table-wrap">
      <table className="an-table" data-testid="states-table">
        <thead>
          <tr>
            <th>Thread</th>
            <th>States</th>
            {used.map((st) => (
              <th key={st}>{stateLabel(st)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.thread} data-testid="state-row" data-thread={r.label}>
              <td className="an-name">{r.label}</td>
              <td>
                <span className="an-bar" aria-hidden="true">
                  {used.map((st) =>
                    r.stateNs[st] > 0 ? (
                      <span
                        key={st}
                        style={{ width: `${(100 * r.stateNs[st]) / r.rangeNs}%`, background: stateColor(st) }}
                      />
                    ) : null,
                  )}
                </span>
              </td>
              {used.map((st) => (
                <td key={st} className="an-num">
                  {r.stateNs[st] > 0
                    ? `${formatDuration(r.stateNs[st])} (${formatShare(r.stateNs[st], r.rangeNs)})`
                    : ''}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
