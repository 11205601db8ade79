/**
 * The processes and threads on the timeline as an accessible list (the canvas cannot be read by assistive
 * technology or by tests): each process can be collapsed from here too.
 */
import { useMemo, type JSX } from 'react';
import { processGroups, threadLabel, threadMatchesFilter } from '../../layout/row-layout';
import type { TraceModel } from '../../model/types';
import { toggleProcess, useViewStore } from '../../store/view-store';

export function ThreadList(props: { model: TraceModel }): JSX.Element {
  const { model } = props;
  const filter = useViewStore((s) => s.threadFilter);
  const collapsed = useViewStore((s) => s.collapsedPids);
  const groups = useMemo(() => processGroups(model), [model]);
  return (
    <nav className="tl-sr-only" aria-label="Processes and threads">
      <ul role="list" aria-label="Threads" data-testid="thread-list">
        {groups.map((g) => {
          const threads = g.threads.filter((t) => threadMatchesFilter(model, t, g.label, filter.trim()));
          if (threads.length === 0) return null;
          const isCollapsed = collapsed.includes(g.pid);
          return (
            <li key={g.pid} data-pid={g.pid}>
              <button type="button" aria-expanded={!isCollapsed} onClick={() => toggleProcess(g.pid)}>
                {g.label}
              </button>
              <ul role="list">
                {threads.map((t) => (
                  <li key={t} data-testid="thread-item" data-tid={model.threads[t].tid}>
                    {threadLabel(model, t)}
                  </li>
                ))}
              </ul>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
