/**
 * Syscall latency: per name count, total and distribution, with go to min/max; for the chosen name a
 * log-scaled duration histogram (click a bin) and a scatter of duration against time (drag a box). The syscalls
 * of the chosen bin or box are listed; clicking one selects it on the timeline.
 */
import { useEffect, useMemo, useRef, useState, type JSX } from 'react';
import type { SelectionAnalysis } from '../../analysis/selection';
import { binOf, logHistogram } from '../../analysis/stats';
import { formatSinceStart } from '../../layout/time-format';
import type { TraceModel } from '../../model/types';
import { formatDuration } from './format';
import { goToItem } from './go-to';

const BINS = 32;
const LIST_LIMIT = 200;
const PLOT_H = 140;

type Pick = { kind: 'bin'; bin: number } | { kind: 'box'; t0: number; t1: number; d0: number; d1: number } | null;

export function SyscallsView(props: { model: TraceModel; result: SelectionAnalysis }): JSX.Element {
  const { model, result } = props;
  const list = result.syscallList;
  const rows = useMemo(
    () =>
      result.syscalls
        .map((r, i) => ({ ...r, row: i }))
        .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)),
    [result],
  );
  const [chosen, setChosen] = useState<string | null>(null);
  const [pick, setPick] = useState<Pick>(null);
  const current = rows.find((r) => r.name === chosen) ?? rows[0];
  useEffect(() => setPick(null), [current?.name, result]);

  // Indices into the syscall list of the chosen name.
  const members = useMemo(() => {
    const out: number[] = [];
    if (!current) return out;
    for (let i = 0; i < list.count; i++) if (list.row[i] === current.row) out.push(i);
    return out;
  }, [list, current]);
  const hist = useMemo(
    () =>
      logHistogram(
        members.map((i) => list.durationNs[i]),
        BINS,
      ),
    [members, list],
  );
  const picked = useMemo(() => {
    if (!pick) return [];
    return members.filter((i) => {
      if (pick.kind === 'bin') return binOf(hist, list.durationNs[i]) === pick.bin;
      const t = list.startNs[i];
      const d = list.durationNs[i];
      return t >= pick.t0 && t <= pick.t1 && d >= pick.d0 && d <= pick.d1;
    });
  }, [pick, members, hist, list]);

  if (rows.length === 0)
    return (
      <p className="an-muted">No syscalls in the selection{result.hasKernel ? '' : ' (no kernel trace loaded)'}.</p>
    );
  const maxCount = Math.max(1, ...hist.counts);
  return (
    <div className="an-syscalls">
      <div className="an-table-wrap an-syscall-table">
        <table className="an-table" data-testid="syscalls-table">
          <thead>
            <tr>
              <th>Syscall</th>
              <th>Count</th>
              <th>Total</th>
              <th>Min</th>
              <th>Mean</th>
              <th>p95</th>
              <th>p99</th>
              <th>Max</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={r.name}
                data-testid="syscall-row"
                data-name={r.name}
                aria-selected={r === current}
                className={r === current ? 'an-current' : undefined}
                onClick={() => setChosen(r.name)}
              >
                <td className="an-name">{r.name}</td>
                <td className="an-num">{r.count}</td>
                <td className="an-num">{formatDuration(r.totalNs)}</td>
                <td className="an-num">{formatDuration(r.minNs)}</td>
                <td className="an-num">{formatDuration(r.meanNs)}</td>
                <td className="an-num">{formatDuration(r.p95Ns)}</td>
                <td className="an-num">{formatDuration(r.p99Ns)}</td>
                <td className="an-num">{formatDuration(r.maxNs)}</td>
                <td className="an-go">
                  <button
                    type="button"
                    aria-label={`Go to the shortest ${r.name}`}
                    onClick={() => goToItem(model, 'syscall', r.min)}
                  >
                    min
                  </button>
                  <button
                    type="button"
                    aria-label={`Go to the longest ${r.name}`}
                    onClick={() => goToItem(model, 'syscall', r.max)}
                  >
                    max
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {current && (
        <div className="an-plots">
          <figure>
            <figcaption>
              {current.name}: durations (log scale), {formatDuration(hist.edgesNs[0])} –{' '}
              {formatDuration(hist.edgesNs[BINS])}
            </figcaption>
            <svg
              className="an-hist"
              viewBox={`0 0 ${BINS * 10} ${PLOT_H}`}
              preserveAspectRatio="none"
              data-testid="syscall-histogram"
            >
              {Array.from(hist.counts, (c, k) => {
                const h = c > 0 ? Math.max(2, (c / maxCount) * (PLOT_H - 4)) : 0;
                const sel = pick?.kind === 'bin' && pick.bin === k;
                return (
                  <rect
                    key={k}
                    x={k * 10 + 0.5}
                    y={PLOT_H - h}
                    width={9}
                    height={h}
                    className={sel ? 'an-bin an-bin-selected' : 'an-bin'}
                    data-testid={c > 0 ? 'histogram-bin' : undefined}
                    onClick={() => setPick({ kind: 'bin', bin: k })}
                  >
                    <title>
                      {formatDuration(hist.edgesNs[k])} – {formatDuration(hist.edgesNs[k + 1])}: {c}
                    </title>
                  </rect>
                );
              })}
            </svg>
          </figure>
          <Scatter
            model={model}
            result={result}
            members={members}
            onBox={(b) => setPick({ kind: 'box', ...b })}
            pick={pick}
          />
        </div>
      )}
      {pick && (
        <div className="an-picked" data-testid="picked-syscalls">
          <p>
            {picked.length} {current.name} syscall{picked.length === 1 ? '' : 's'} selected
            <button type="button" onClick={() => setPick(null)}>
              clear
            </button>
          </p>
          <ol>
            {picked.slice(0, LIST_LIMIT).map((i) => (
              <li key={i}>
                <button
                  type="button"
                  onClick={() => goToItem(model, 'syscall', { thread: list.thread[i], index: list.index[i] })}
                >
                  {formatDuration(list.durationNs[i])} at {formatSinceStart(model, list.startNs[i])} on{' '}
                  {model.threads[list.thread[i]].name} {model.threads[list.thread[i]].tid}
                </button>
              </li>
            ))}
          </ol>
        </div>
      )}
    </div>
  );
}

function Scatter(props: {
  model: TraceModel;
  result: SelectionAnalysis;
  members: number[];
  pick: Pick;
  onBox: (b: { t0: number; t1: number; d0: number; d1: number }) => void;
}): JSX.Element {
  const { result, members } = props;
  const list = result.syscallList;
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const [drag, setDrag] = useState<{ x0: number; y0: number; x1: number; y1: number } | null>(null);
  const W = 360;
  const q = result.query;
  let dLo = Infinity;
  let dHi = -Infinity;
  for (const i of members) {
    const d = Math.max(1, list.durationNs[i]);
    if (d < dLo) dLo = d;
    if (d > dHi) dHi = d;
  }
  if (!(dHi > dLo)) {
    dLo = dLo / 2;
    dHi = dHi * 2;
  }
  const xOf = (t: number) => ((t - q.startNs) / Math.max(1, q.endNs - q.startNs)) * W;
  const yOf = (d: number) =>
    PLOT_H - ((Math.log(Math.max(1, d)) - Math.log(dLo)) / (Math.log(dHi) - Math.log(dLo))) * (PLOT_H - 6) - 3;
  const tOf = (x: number) => q.startNs + (x / W) * (q.endNs - q.startNs);
  const dOf = (y: number) =>
    Math.exp(Math.log(dLo) + ((PLOT_H - 3 - y) / (PLOT_H - 6)) * (Math.log(dHi) - Math.log(dLo)));

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = W * dpr;
    c.height = PLOT_H * dpr;
    const ctx = c.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, PLOT_H);
    ctx.fillStyle = 'rgba(47, 107, 208, 0.7)';
    for (const i of members) ctx.fillRect(xOf(list.startNs[i]) - 1.5, yOf(list.durationNs[i]) - 1.5, 3, 3);
    if (drag) {
      ctx.strokeStyle = '#16202c';
      ctx.strokeRect(
        Math.min(drag.x0, drag.x1),
        Math.min(drag.y0, drag.y1),
        Math.abs(drag.x1 - drag.x0),
        Math.abs(drag.y1 - drag.y0),
      );
    }
  });

  const local = (e: React.MouseEvent) => {
    const r = canvas.current!.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * W, y: ((e.clientY - r.top) / r.height) * PLOT_H };
  };
  return (
    <figure>
      <figcaption>duration (log) against time: drag a box to list those syscalls</figcaption>
      <canvas
        ref={canvas}
        className="an-scatter"
        data-testid="syscall-scatter"
        style={{ width: W, height: PLOT_H }}
        onMouseDown={(e) => {
          const p = local(e);
          setDrag({ x0: p.x, y0: p.y, x1: p.x, y1: p.y });
        }}
        onMouseMove={(e) => {
          if (!drag) return;
          const p = local(e);
          setDrag({ ...drag, x1: p.x, y1: p.y });
        }}
        onMouseUp={() => {
          if (!drag) return;
          const [xa, xb] = [Math.min(drag.x0, drag.x1) - 2, Math.max(drag.x0, drag.x1) + 2];
          const [ya, yb] = [Math.min(drag.y0, drag.y1) - 2, Math.max(drag.y0, drag.y1) + 2];
          props.onBox({ t0: tOf(xa), t1: tOf(xb), d0: dOf(yb), d1: dOf(ya) });
          setDrag(null);
        }}
      />
    </figure>
  );
}
