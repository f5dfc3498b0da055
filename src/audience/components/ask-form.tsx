/** Ask a question: the protocol's 500-character limit is checked here, with a clear message. */
import { useId, useState, type FormEvent } from 'react';
import { checkLength, QUESTION_MAX } from '../lib/limits';
import { useAudience } from '../lib/store';

export function AskForm({ allowAnonymous }: { allowAnonymous: boolean }) {
  const actions = useAudience((s) => s.actions);
  const [text, setText] = useState('');
  const [anonymous, setAnonymous] = useState(false);
  const [tried, setTried] = useState(false);
  const ids = { text: useId(), help: useId() };
  const check = checkLength(text, QUESTION_MAX, 'question', true);
  const length = text.trim().length;
  const over = length > QUESTION_MAX;
  const showError = !check.ok && (over || tried);

  function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (!check.ok || !actions) return;
    actions.ask(check.text, allowAnonymous && anonymous);
    setText('');
    setTried(false);
  }

  return (
    <form className="ask" onSubmit={submit} aria-label="Ask a question" noValidate>
      <label htmlFor={ids.text}>Your question</label>
      <textarea
        id={ids.text}
        value={text}
        rows={3}
        onChange={(e) => {
          setText(e.target.value);
          setTried(false); // the "write something first" hint goes once they do
        }}
        aria-describedby={ids.help}
        aria-invalid={showError || undefined}
      />
      <p id={ids.help} className={showError ? 'field-error' : 'field-help'} role={showError ? 'alert' : undefined}>
        {showError && !check.ok ? check.message : `${length} / ${QUESTION_MAX}`}
      </p>
      <div className="row ask-row">
        {allowAnonymous && (
          <label className="check">
            <input type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.target.checked)} />
            <span>Ask anonymously</span>
          </label>
        )}
        <button type="submit" className="primary" disabled={over || !actions}>
          Send question
        </button>
      </div>
    </form>
  );
}
