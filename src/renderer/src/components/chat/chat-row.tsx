/** One chat message for staff: who (and whether staff), when, what; Delete for moderators. */
import { memo } from 'react';
import type { ChatMessageView } from '../../../../shared/domain/types';
import { fmtClock } from '../../lib/format';
import { deleteChat } from '../../store/actions';
import { PendingBadge } from '../common/pending-badge';

const short = (t: string): string => (t.length > 60 ? `${t.slice(0, 57)}…` : t);

function ChatRowImpl({ m, canDelete }: { m: ChatMessageView; canDelete: boolean }) {
  const who = m.authorName ?? 'Anonymous';
  return (
    <div className={`chat-row${m.role === 'audience' ? '' : ' chat-staff'}`} data-message-id={m.id}>
      <div className="chat-body">
        <p className="chat-meta">
          <strong>{who}</strong>
          {m.role !== 'audience' && <span className="tag">{m.role}</span>}
          <time dateTime={new Date(m.ts).toISOString()}>{fmtClock(m.ts)}</time>
          <PendingBadge target={m.id} />
        </p>
        <p className="chat-text">{m.text}</p>
      </div>
      {canDelete && (
        <button type="button" className="button small ghost" onClick={() => void deleteChat(m.id)} aria-label={`Delete message from ${who}: ${short(m.text)}`}>
          Delete
        </button>
      )}
    </div>
  );
}

export const ChatRow = memo(ChatRowImpl);
