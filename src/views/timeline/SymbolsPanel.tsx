/**
 * The Symbols panel: every binary C frames fall into, with its build-id, how many frames, and what named them
 * (which file, symtab or DWARF) or why nothing did, so the user knows which files to drop beside the trace.
 */
import type { JSX } from 'react';
import type { TraceModel } from '../../model/types';
import { useTraceStore } from '../../store/trace-store';

export function SymbolsPanel(props: { model: TraceModel }): JSX.Element | null {
  useTraceStore((s) => s.symbolStatusVersion); // statuses arrive binary by binary
  const info = props.model.symbols;
  if (!info || info.binaries.length === 0) return null;
  const unnamed = info.binaries.filter((b) => b.resolution && !b.resolution.namedBy && b.frames > 0).length;
  return (
    <details className="tl-symbols" data-testid="symbols-panel" open={unnamed > 0 ? true : undefined}>
      <summary>
        Symbols: {info.binaries.length} binar{info.binaries.length === 1 ? 'y' : 'ies'}
        {unnamed > 0 && (
          <span className="tl-muted">
            {' '}
            · {unnamed} without names: drop the binaries (or their debug files) together with the trace
          </span>
        )}
      </summary>
      <table>
        <thead>
          <tr>
            <th>binary</th>
            <th>build-id</th>
            <th>frames</th>
            <th>names</th>
          </tr>
        </thead>
        <tbody>
          {[...info.binaries]
            .sort((x, y) => y.frames - x.frames)
            .map((b, i) => {
              const r = b.resolution;
              const status = !r
                ? 'reading…'
                : r.namedBy
                  ? `${r.named} by ${r.namedBy} of ${r.file}`
                  : b.frames === 0
                    ? 'no frames'
                    : '—';
              return (
                <tr key={i} data-testid="symbols-row" data-status={!r ? 'pending' : r.namedBy ? 'named' : 'unnamed'}>
                  <td title={b.path}>{b.path}</td>
                  <td className="tl-mono">{b.buildId ?? '—'}</td>
                  <td>{b.frames}</td>
                  <td>
                    {status}
                    {r?.problem && <div className="tl-symbols-problem">{r.problem}</div>}
                  </td>
                </tr>
              );
            })}
        </tbody>
      </table>
    </details>
  );
}
