/**
 * The moderation queue, virtualized (@tanstack/react-virtual): only the rows on screen exist in
 * the DOM, so 10,000 questions scroll like 20. The cursor follows the keyboard into view.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { QuestionView } from '../../../../shared/domain/types';
import { useNow } from '../../lib/use-now';
import { useConsole } from '../../store/store';
import { cursorOf } from './qa-keys';
import { QaRow } from './qa-row';

export function QaList({ rows }: { rows: QuestionView[] }) {
  const parentRef = useRef<HTMLDivElement>(null);
  const cursorId = useConsole((s) => s.qaCursorId);
  const cursorIndex = useConsole((s) => s.qaCursorIndex);
  const selected = useConsole((s) => s.qaSelected);
  const team = useConsole((s) => s.team);
  const me = useConsole((s) => s.session.clientId);
  // "12s ago" keeps counting while the hub is away: local clock ticks, shifted to the hub's (askedAt is hub time).
  const offset = useConsole((s) => s.link.clockOffsetMs);
  const now = useNow(1_000) + offset;
  const cur = cursorOf(rows, cursorId, cursorIndex);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => parentRef.current,
    estimateSize: () => 84,
    overscan: 4,
    getItemKey: (i) => rows[i]?.id ?? i,
    // Scroll-driven renders are batched by React rather than forced synchronously in the scroll handler.
    useFlushSync: false,
  });

  const activeIndex = cur?.index ?? -1;
  useEffect(() => {
    if (activeIndex >= 0) virtualizer.scrollToIndex(activeIndex, { align: 'auto' });
  }, [activeIndex, virtualizer]);

  if (rows.length === 0) return <p className="empty qa-empty">No questions here.</p>;
  return (
    <div ref={parentRef} className="qa-scroll" tabIndex={0} role="region" aria-label={`Question queue, ${rows.length} questions`} data-testid="qa-queue">
      <div role="list" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((v) => {
          const q = rows[v.index] as QuestionView;
          return (
            <div key={v.key} role="listitem" data-index={v.index} ref={virtualizer.measureElement} className="qa-item" style={{ transform: `translateY(${v.start}px)` }}>
              <QaRow q={q} index={v.index} active={v.index === activeIndex} selected={selected.has(q.id)} team={team} me={me} now={now} />
            </div>
          );
        })}
      </div>
    </div>
  );
}
