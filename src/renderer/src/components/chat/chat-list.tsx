/**
 * The chat as staff read it, virtualized like the Q&A queue (@tanstack/react-virtual): only the
 * rows on screen exist in the DOM. Newest at the bottom; it follows new messages while the reader
 * is at the bottom, and stays put while they scroll back.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { ChatMessageView } from '../../../../shared/domain/types';
import { ChatRow } from './chat-row';

/** Within this many pixels of the end counts as "at the bottom". */
const STICK_PX = 48;

export function ChatList({ messages, canDelete }: { messages: ChatMessageView[]; canDelete: boolean }) {
  const parentRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => parentRef.current,
    estimateSize: () => 64,
    overscan: 6,
    getItemKey: (i) => messages[i]?.id ?? i,
    useFlushSync: false,
  });

  const last = messages[messages.length - 1]?.id;
  useEffect(() => {
    if (atBottom.current && messages.length > 0) virtualizer.scrollToIndex(messages.length - 1, { align: 'end' });
  }, [last, messages.length, virtualizer]);

  if (messages.length === 0) return <p className="empty chat-empty">No chat messages yet.</p>;
  return (
    <div
      ref={parentRef}
      className="chat-scroll"
      tabIndex={0}
      role="region"
      aria-label={`Chat, ${messages.length} messages`}
      data-testid="chat-log"
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
      }}
    >
      <div role="list" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((v) => {
          const m = messages[v.index] as ChatMessageView;
          return (
            <div key={v.key} role="listitem" data-index={v.index} ref={virtualizer.measureElement} className="chat-item" style={{ transform: `translateY(${v.start}px)` }}>
              <ChatRow m={m} canDelete={canDelete} />
            </div>
          );
        })}
      </div>
    </div>
  );
}
