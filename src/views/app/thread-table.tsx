import type { TraceModel } from '../../model/types';
import { formatCount } from './format';

/** Plain list of threads: the fallback view when the timeline is not available. */
export function ThreadTable({ model }: { model: TraceModel }) {
  return (
    <table className="strata-thread-table" data-testid="thread-table">
      <thead>
        <tr>
          <th>Process</th>
          <th>Thread</th>
          <th>Name</th>
          <th>Call slices</th>
          <th>Max depth</th>
          <th>Events</th>
        </tr>
      </thead>
      <tbody>
        {model.threads.map((t, i) => (
          <tr key={i}>
            <td>{t.pid >= 0 ? t.pid : '?'}</td>
            <td>{t.cpuRow !== undefined ? `CPU ${t.cpuRow}` : t.tid}</td>
            <td>{t.name}</td>
            <td>{formatCount(t.slices.count)}</td>
            <td>{t.maxDepth}</td>
            <td>{formatCount(t.eventCount)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
