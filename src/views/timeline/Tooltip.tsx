/**
 * Hover tooltip. The text follows the hovered item (store); the position follows the mouse directly on the
 * element, without a React render per mouse move.
 */
import { useEffect, useRef, useState, type JSX } from 'react';
import { cpuRunLabel } from '../../layout/lanes/index';
import { formatDuration, formatSinceStart } from '../../layout/time-format';
import type { TraceModel } from '../../model/types';
import { useViewStore } from '../../store/view-store';
import { describeItem } from './item-text';

function tooltipLines(
  model: TraceModel,
  h: NonNullable<ReturnType<typeof useViewStore.getState>['hovered']>,
): string[] | null {
  if (h.kind === 'process') return null;
  if (h.kind === 'loss') {
    const l = model.losses[h.index];
    if (!l) return null;
    const what = l.kind === 'discarded-events' ? 'events discarded' : 'packets lost';
    return [
      l.kind === 'damaged-stream'
        ? `${l.file ?? 'stream'} unreadable from byte ${l.byteOffset ?? 0}`
        : `${l.count} ${what}`,
      [l.trace, l.cpu !== null ? `CPU ${l.cpu}` : ''].filter(Boolean).join(', '),
      `${formatSinceStart(model, l.beginNs)} → ${formatSinceStart(model, l.endNs)} (${formatDuration(l.endNs - l.beginNs)})`,
    ];
  }
  if (h.kind === 'cpu') {
    const c = model.cpus[h.cpu];
    if (!c || h.index >= c.count) return null;
    const what = ['running', 'idle', 'irq', 'softirq'][c.kind[h.index]] ?? '';
    return [
      cpuRunLabel(model, c, h.index) || what,
      `CPU ${c.cpu} · ${what} · ${formatDuration(c.endNs[h.index] - c.startNs[h.index])}`,
    ];
  }
  const d = describeItem(model, h);
  if (!d) return null;
  const extra = d.fields.find((f) => f.key === 'cpu');
  return [d.title, `${d.kindLabel} · ${formatDuration(d.endNs - d.startNs)}${extra ? ` · CPU ${extra.value}` : ''}`];
}

export function Tooltip(props: { model: TraceModel }): JSX.Element {
  const hovered = useViewStore((s) => s.hovered);
  const el = useRef<HTMLDivElement | null>(null);
  const [dismissed, setDismissed] = useState<typeof hovered>(null);
  useEffect(() => {
    const node = el.current!;
    const parent = node.parentElement!;
    const onMove = (e: MouseEvent) => {
      const r = parent.getBoundingClientRect();
      const x = e.clientX - r.left;
      const y = e.clientY - r.top;
      const w = node.offsetWidth;
      node.style.transform = `translate(${x + 14 + w > r.width ? x - w - 10 : x + 14}px, ${y + 16}px)`;
    };
    // A click acts on what was hovered: the tooltip goes until the mouse is over something else.
    const onDown = () => setDismissed(useViewStore.getState().hovered);
    parent.addEventListener('mousemove', onMove);
    parent.addEventListener('mousedown', onDown);
    return () => {
      parent.removeEventListener('mousemove', onMove);
      parent.removeEventListener('mousedown', onDown);
    };
  }, []);
  const lines = hovered && hovered !== dismissed ? tooltipLines(props.model, hovered) : null;
  return (
    <div ref={el} className="tl-tooltip" role="tooltip" data-testid="tooltip" hidden={!lines}>
      {lines?.map((l, i) => (i === 0 ? <b key={i}>{l}</b> : <div key={i}>{l}</div>))}
    </div>
  );
}
