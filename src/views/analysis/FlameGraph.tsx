/**
 * Icicle graph of the selection's calls merged by call path (root on top, width = time in the selection).
 * Click a frame to focus it (it fills the width; its ancestors stay above it), click the root to unfocus.
 * With a kernel trace, colour says how much of a frame's time was off the CPU (blocked, waiting for a CPU).
 */
import { useEffect, useMemo, useRef, useState, type JSX } from 'react';
import { CPU_USE_COUNT } from '../../analysis/cpu-use';
import { FLAME_KIND_GROUP, type CpuSplit, type FlameTree, type SelectionAnalysis } from '../../analysis/selection';
import { sliceColor } from '../../render/colors';
import { setFlamePerThread, useAnalysisStore } from '../../store/analysis-store';
import { describeSplit, formatDuration, formatShare, offCpuNs } from './format';

const ROW_PX = 18;
const MIN_WIDTH_PX = 0.5;

interface Drawn {
  node: number;
  xPx: number;
  yPx: number;
  wPx: number;
}

function nodeSplit(f: FlameTree, node: number): CpuSplit {
  const catNs = Array.from(f.catNs.subarray(node * CPU_USE_COUNT, (node + 1) * CPU_USE_COUNT));
  // A node's (key, ns) pairs may repeat a key: sum them.
  const byKey = new Map<number, number>();
  for (let i = 0; i < f.detailNode.length; i++)
    if (f.detailNode[i] === node) byKey.set(f.detailKey[i], (byKey.get(f.detailKey[i]) ?? 0) + f.detailNs[i]);
  const details = [...byKey].sort((a, b) => b[1] - a[1]);
  return { catNs, details };
}

/** On-CPU frames warm, off-CPU frames blue, in between by share. */
function offCpuColor(share: number): string {
  const h = 30 + share * 180;
  return `hsl(${h.toFixed(0)}, 70%, ${(62 - share * 6).toFixed(0)}%)`;
}

export function FlameGraph(props: { result: SelectionAnalysis }): JSX.Element {
  const f = props.result.flame;
  const hasKernel = props.result.hasKernel;
  const perThread = useAnalysisStore((s) => s.perThread);
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const drawn = useRef<Drawn[]>([]);
  const [focus, setFocus] = useState(0);
  const [hover, setHover] = useState<{ node: number; x: number; y: number } | null>(null);
  const [widthPx, setWidthPx] = useState(800);

  useEffect(() => setFocus(0), [f]);
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const ro = new ResizeObserver(() => setWidthPx(c.parentElement!.clientWidth));
    ro.observe(c.parentElement!);
    return () => ro.disconnect();
  }, []);

  let maxDepth = 0;
  for (let i = 0; i < f.count; i++) if (f.depth[i] > maxDepth) maxDepth = f.depth[i];
  const heightPx = (maxDepth + 1) * ROW_PX;

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(widthPx * dpr);
    c.height = Math.round(heightPx * dpr);
    c.style.width = `${widthPx}px`;
    c.style.height = `${heightPx}px`;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, widthPx, heightPx);
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    const out: Drawn[] = [];
    const fx = f.xNs[focus];
    const fw = f.totalNs[focus] || 1;
    const pxPerNs = widthPx / fw;
    const box = (node: number, xPx: number, wPx: number) => {
      const yPx = f.depth[node] * ROW_PX;
      out.push({ node, xPx, yPx, wPx });
      let color: string;
      if (f.kind[node] === FLAME_KIND_GROUP) color = '#d5dbe3';
      else if (hasKernel && f.totalNs[node] > 0)
        color = offCpuColor(offCpuNs(f.catNs, node * CPU_USE_COUNT) / f.totalNs[node]);
      else color = sliceColor(f.label[node], f.kind[node], f.labels[f.label[node]]);
      ctx.fillStyle = color;
      ctx.fillRect(xPx, yPx, Math.max(wPx - 0.5, MIN_WIDTH_PX), ROW_PX - 1);
      if (wPx > 30) {
        ctx.fillStyle = '#16202c';
        ctx.save();
        ctx.beginPath();
        ctx.rect(xPx, yPx, wPx - 2, ROW_PX);
        ctx.clip();
        ctx.fillText(f.labels[f.label[node]], xPx + 3, yPx + ROW_PX / 2);
        ctx.restore();
      }
    };
    // Ancestors of the focus, full width.
    for (let a = f.parent[focus]; a >= 0; a = f.parent[a]) box(a, 0, widthPx);
    // The focus and its subtree (contiguous in pre-order).
    for (let i = focus; i < f.count && (i === focus || f.depth[i] > f.depth[focus]); i++) {
      const wPx = f.totalNs[i] * pxPerNs;
      if (wPx < MIN_WIDTH_PX) continue;
      box(i, (f.xNs[i] - fx) * pxPerNs, wPx);
    }
    drawn.current = out;
  }, [f, focus, widthPx, heightPx, hasKernel]);

  const nodeAt = (xPx: number, yPx: number): number => {
    const list = drawn.current;
    for (let k = list.length - 1; k >= 0; k--) {
      const d = list[k];
      if (yPx >= d.yPx && yPx < d.yPx + ROW_PX && xPx >= d.xPx && xPx < d.xPx + Math.max(d.wPx, 1)) return d.node;
    }
    return -1;
  };
  const local = (e: React.MouseEvent) => {
    const r = canvas.current!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  const paths = useMemo(() => flamePaths(f, 60), [f]);
  const h = hover && hover.node >= 0 ? hover.node : -1;
  return (
    <div className="an-flame">
      <div className="an-toolbar">
        <label>
          <input type="checkbox" checked={perThread} onChange={(e) => setFlamePerThread(e.target.checked)} /> one tree
          per thread
        </label>
        {focus !== 0 && (
          <button type="button" onClick={() => setFocus(0)}>
            Reset focus
          </button>
        )}
        <span className="an-muted">
          {hasKernel ? 'colour: warm = on CPU, blue = off CPU (blocked, waiting); ' : ''}click a frame to focus it
        </span>
      </div>
      <div className="an-flame-canvas">
        <canvas
          ref={canvas}
          data-testid="flame-canvas"
          aria-label="Flame graph"
          onMouseMove={(e) => {
            const p = local(e);
            setHover({ node: nodeAt(p.x, p.y), x: p.x, y: p.y });
          }}
          onMouseLeave={() => setHover(null)}
          onClick={(e) => {
            const p = local(e);
            const n = nodeAt(p.x, p.y);
            if (n >= 0) setFocus(n === focus ? Math.max(0, f.parent[n]) : n);
          }}
        />
        {h >= 0 && (
          <div
            className="an-tooltip"
            role="tooltip"
            data-testid="flame-tooltip"
            style={{ left: Math.min(hover!.x + 12, widthPx - 260), top: hover!.y + 14 }}
          >
            <b>{f.labels[f.label[h]]}</b>
            <div>
              total {formatDuration(f.totalNs[h])} ({formatShare(f.totalNs[h], f.totalNs[0])}), self{' '}
              {formatDuration(f.selfNs[h])}, {f.calls[h]} calls
            </div>
            {hasKernel && f.totalNs[h] > 0 && (
              <div>{describeSplit(nodeSplit(f, h), f.totalNs[h], props.result.syscallNames)}</div>
            )}
          </div>
        )}
      </div>
      {/* The frames as text, for screen readers and tests: the widest paths first. */}
      <ul className="an-sr-only" data-testid="flame-paths">
        {paths.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </div>
  );
}

/** The `limit` heaviest root-to-frame paths, as "foo > bar > baz: 1.2 ms". */
function flamePaths(f: FlameTree, limit: number): string[] {
  // The top `limit` by total in one pass (a tree can have millions of nodes: no sort of all of them).
  const order: number[] = [];
  for (let i = 1; i < f.count; i++) {
    if (order.length === limit && f.totalNs[i] <= f.totalNs[order[limit - 1]]) continue;
    let j = order.length < limit ? order.length : limit - 1;
    while (j > 0 && f.totalNs[order[j - 1]] < f.totalNs[i]) {
      if (j < limit) order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }
  return order.map((n) => {
    const p: string[] = [];
    for (let a = n; a > 0; a = f.parent[a]) p.unshift(f.labels[f.label[a]]);
    return `${p.join(' > ')}: ${formatDuration(f.totalNs[n])}`;
  });
}
