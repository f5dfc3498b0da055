/**
 * The event's chat on the phone (P20 `chat`, `settings.chat`): the latest messages, newest at the
 * bottom, and a box to write in. Hidden entirely while the host has chat off; a message the
 * moderators delete leaves the view, and so this list. This phone's own messages show how far
 * they got until the view has them.
 */
import { useEffect, useId, useRef, type FormEvent } from 'react';
import type { ChatMessageView } from '../../shared/domain/types';
import { CHAT_MAX } from '../lib/limits';
import { useAudience } from '../lib/store';
import { SendState } from './send-state';
import { useLimitedText } from './use-limited-text';

/** The phone shows the latest few: the view holds at most 100, a phone screen fewer. */
const SHOWN = 50;
const NONE: ChatMessageView[] = [];

export function Chat() {
  const on = useAudience((s) => s.view?.event.settings.chat === 'on');
  const messages = useAudience((s) => (Array.isArray(s.view?.chat) ? s.view.chat : NONE));
  const records = useAudience((s) => s.outbox);
  const headingId = useId();
  const listRef = useRef<HTMLOListElement>(null);
  const shown = messages.slice(-SHOWN);
  const last = shown[shown.length - 1]?.id;

  // New messages scroll into view, as in every chat.
  useEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [last]);

  if (!on) return null;
  const inView = new Set(messages.map((m) => m.id));
  const mine = records.filter((r) => r.name === 'chat.send' && r.state !== 'acked' && !inView.has(String(r.data.messageId)));

  return (
    <section className="card chat" aria-labelledby={headingId}>
      <header className="card-head">
        <h2 id={headingId}>Chat</h2>
      </header>
      {shown.length === 0 ? (
        <p className="muted">No messages yet. Say hello.</p>
      ) : (
        <ol className="chat-list" aria-label="Chat messages" ref={listRef}>
          {shown.map((m) => (
            <li key={m.id} className={m.role === 'audience' ? 'chat-msg' : 'chat-msg chat-staff'} data-message={m.id}>
              <p className="chat-author">
                {m.authorName ?? 'Anonymous'}
                {m.role !== 'audience' && <span className="chip">Staff</span>}
              </p>
              <p className="chat-text">{m.text}</p>
            </li>
          ))}
        </ol>
      )}
      {mine.map((r) => (
        <div key={r.id} className="own-question">
          <p className="q-text">{String(r.data.text)}</p>
          <SendState record={r} noun="message" />
        </div>
      ))}
      <ChatForm />
    </section>
  );
}

function ChatForm() {
  const actions = useAudience((s) => s.actions);
  const box = useLimitedText(CHAT_MAX, 'message');
  const ids = { text: useId(), help: useId() };

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!actions) return;
    const text = box.take();
    if (text !== null) actions.chat(text);
  }

  return (
    <form className="ask chat-form" onSubmit={submit} aria-label="Send a chat message" noValidate>
      <label htmlFor={ids.text}>Your message</label>
      <input id={ids.text} value={box.text} autoComplete="off" onChange={(e) => box.change(e.target.value)} aria-describedby={ids.help} aria-invalid={box.showError || undefined} />
      <p id={ids.help} className={box.showError ? 'field-error' : 'field-help'} role={box.showError ? 'alert' : undefined}>
        {box.showError && !box.check.ok ? box.check.message : `${box.length} / ${CHAT_MAX}`}
      </p>
      <button type="submit" className="primary" disabled={box.over || !actions}>
        Send message
      </button>
    </form>
  );
}
