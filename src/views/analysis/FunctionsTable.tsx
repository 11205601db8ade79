import { useMemo, useState, type JSX } from 'react';
import type { FunctionRow, SelectionAnalysis } from '../../analysis/selection';
import type { TraceModel } from '../../model/types';
import { formatDuration } from './format';
import { goToItem } from './go-to';
import { SplitBar, SplitLegend } from './SplitBar';

type SortKey =
  'name' | 'where' | 'calls' | 'totalNs' | 'selfNs' | 'minNs' | 'meanNs' | 'medianNs' | 'p95Ns' | 'p99Ns' | 'maxNs';

const COLUMNS: ReadonlyArray<{ key: SortKey; label: string }> = [
  { key: 'name', label: 'Function' },
  { key: 'where', label: 'File / binary' },
  { key: 'calls', label: 'Calls' },
  { key: 'totalNs', label: 'Total' },
  { key: 'selfNs', label: 'Self' },
  { key: 'minNs', label: 'Min' },
  { key: 'meanNs', label: 'Mean' },
  { key: 'medianNs', label: 'Median' },
  { key: 'p95Ns', label: 'p95' },
  { key: 'p99Ns', label: 'p99' },
  { key: 'maxNs', label: 'Max' },
];

/** Rows shown at once: a trace can have tens of thousands of functions; the search narrows them. */
const ROW_LIMIT = 300;

export function FunctionsTable(props: { model: TraceModel; result: SelectionAnalysis }): JSX.Element {
  const { model, result } = props;
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'totalNs', desc: true });
  const rows = useMemo(() => {
    const q = search.trim().toLowerCase();
    const r = q ? result.functions.filter((f) => f.name.toLowerCase().includes(q)) : result.functions.slice();
    const dir = sort.desc ? -1 : 1;
    r.sort((a: FunctionRow, b: FunctionRow) =>
      sort.key === 'name' || sort.key === 'where'
        ? dir * a[sort.key].localeCompare(b[sort.key]) || a.name.localeCompare(b.name)
        : dir * (a[sort.key] - b[sort.key]) || a.name.localeCompare(b.name),
    );
    return r;
  }, [result, search, sort]);

  return (
    <div className="an-functions">
      <div className="an-toolbar">
        <input
          type="search"
          placeholder="Filter functions"
          aria-label="Filter functions"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <span className="an-muted">
          {rows.length} of {result.functions.length} functions
        </span>
        {result.hasKernel && <SplitLegend />}
      </div>
      <div className="an-table-wrap">
        <table className="an-table" data-testid="functions-table">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.key} aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
                  <button
                    type="button"
                    onClick={() =>
                      setSort((s) => ({
                        key: c.key,
                        desc: s.key === c.key ? !s.desc : c.key !== 'name' && c.key !== 'where',
                      }))
                    }
                  >
                    {c.label}
                  </button>
                </th>
              ))}
              {result.hasKernel && <th>Where the time went</th>}
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, ROW_LIMIT).map((f) => (
              <tr key={`${f.kind}:${f.name}`} data-testid="function-row" data-name={f.name}>
                <td className="an-name">
                  <span className={f.kind === 'C' ? 'an-kind an-kind-c' : 'an-kind'}>
                    {f.kind === 'C' ? 'C' : f.kind === 'Builtin' ? 'Bi' : 'Py'}
                  </span>{' '}
                  {f.name}
                </td>
                <td className="an-where" data-testid="function-where" title={f.where}>
                  {f.where}
                </td>
                <td className="an-num">{f.calls}</td>
                <td className="an-num">{formatDuration(f.totalNs)}</td>
                <td className="an-num">{formatDuration(f.selfNs)}</td>
                <td className="an-num">{formatDuration(f.minNs)}</td>
                <td className="an-num">{formatDuration(f.meanNs)}</td>
                <td className="an-num">{formatDuration(f.medianNs)}</td>
                <td className="an-num">{formatDuration(f.p95Ns)}</td>
                <td className="an-num">{formatDuration(f.p99Ns)}</td>
                <td className="an-num">{formatDuration(f.maxNs)}</td>
                {result.hasKernel && (
                  <td>{f.split && <SplitBar split={f.split} totalNs={f.totalNs} names={result.syscallNames} />}</td>
                )}
                <td>
                  <button
                    type="button"
                    aria-label={`Go to the longest call of ${f.name}`}
                    onClick={() => goToItem(model, 'slice', f.max)}
                  >
                    go to max
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length > ROW_LIMIT && <p className="an-muted">{rows.length - ROW_LIMIT} more: filter to see them.</p>}
      </div>
    </div>
  );
}
