/** Post to the chat as staff (P20: 1-280 characters; staff may post while the audience's chat is off). */
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { CHAT_TEXT_MAX as CHAT_MAX } from '../../../../shared/protocol/limits';
import { postChat } from '../../store/actions';
import { FormError } from '../setup/form-error';


export function ChatComposer() {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const length = text.trim().length;

  const send = async (): Promise<void> => {
    if (length === 0) return setError('Write a message first.');
    if (length > CHAT_MAX) return setError(`The message is ${length} characters; the limit is ${CHAT_MAX}. Shorten it by ${length - CHAT_MAX}.`);
    setError(null);
    if (await postChat(text)) setText('');
  };
  // Enter posts, Shift+Enter starts a new line, as in every chat.
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void send();
    }
  };

  return (
    <form className="form chat-composer" aria-label="Post to the chat" onSubmit={(e: FormEvent) => { e.preventDefault(); void send(); }} noValidate>
      <label>
        Message as staff
        <textarea
          rows={2}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setError(null);
          }}
          onKeyDown={onKey}
          aria-invalid={error ? true : undefined}
          aria-describedby="chat-count"
        />
      </label>
      <div className="row">
        <span id="chat-count" className={`muted small grow${length > CHAT_MAX ? ' over' : ''}`}>
          {length} / {CHAT_MAX}
        </span>
        <button type="submit" className="button primary">
          Post
        </button>
      </div>
      <FormError message={error} />
    </form>
  );
}
