/** Chat: read the event's chat live, post as staff, delete a message (it leaves every phone). */
import { useEffect, useMemo } from 'react';
import type { ChatMessageView } from '../../../../shared/domain/types';
import { CHAT_KEEP } from '../../../../shared/protocol/limits';
import { isPending } from '../../store/outbox-merge';
import { useConsole } from '../../store/store';
import { markChatSeen, navigate } from '../../store/ui-actions';
import { ChatComposer } from './chat-composer';
import { ChatList } from './chat-list';

const NONE: ChatMessageView[] = [];

export function ChatScreen() {
  const messages = useConsole((s) => s.view?.doc.chat ?? NONE);
  const hasView = useConsole((s) => s.view !== null);
  const audienceChat = useConsole((s) => s.view?.doc.event.settings.chat ?? 'on');
  const role = useConsole((s) => s.session.role);
  const eventId = useConsole((s) => s.session.eventId);
  const outbox = useConsole((s) => s.outbox);
  const canPost = role === 'host' || role === 'moderator';
  // What is on screen is read: the nav's unread count starts after it.
  const newestTs = messages[messages.length - 1]?.ts ?? 0;
  useEffect(() => markChatSeen(newestTs), [newestTs]);
  // Posts the hub has not answered yet (offline, or in flight): shown under the log until they arrive.
  const queued = useMemo(() => {
    const inView = new Set(messages.map((m) => m.id));
    return outbox.filter((i) => i.name === 'chat.send' && i.eventId === eventId && isPending(i) && !inView.has(String((i.data as { messageId?: unknown }).messageId)));
  }, [outbox, messages, eventId]);

  return (
    <div className="screen-inner chat-screen">
      <header className="screen-head">
        <h2 className="screen-title">Chat</h2>
        <p className="muted" data-testid="chat-setting">
          Audience chat is <strong>{audienceChat}</strong>
          {audienceChat === 'off' ? ': phones hide it; staff can still post.' : '.'}{' '}
          {role === 'host' && (
            <button type="button" className="button small ghost" onClick={() => navigate('settings')}>
              Change in Event settings
            </button>
          )}
        </p>
      </header>
      {!hasView ? (
        <p className="empty">Waiting for the event’s state from the hub…</p>
      ) : (
        <div className="chat-main">
          <ChatList messages={messages} canDelete={canPost} />
          <p className="muted small">The hub keeps the latest {CHAT_KEEP} messages.</p>
          {queued.length > 0 && (
            <ul className="pending-posts" aria-label="Posts waiting for the hub">
              {queued.map((i) => (
                <li key={i.id}>
                  <span className="tag tag-queued">⏳ {i.state === 'queued' ? 'queued' : 'sent'}</span> {String((i.data as { text?: unknown }).text ?? '')}
                </li>
              ))}
            </ul>
          )}
          {canPost ? <ChatComposer /> : <p className="muted">Producers read the chat; hosts and moderators post and delete.</p>}
        </div>
      )}
    </div>
  );
}
