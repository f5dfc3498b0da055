/** Ask a question: the protocol's 500-character limit is checked here, with a clear message. */
import { useId, useState, type FormEvent } from 'react';
import { QUESTION_MAX } from '../lib/limits';
import { useAudience } from '../lib/store';
import { useLimitedText } from './use-limited-text';

export function AskForm({ allowAnonymous }: { allowAnonymous: boolean }) {
  const actions = useAudience((s) => s.actions);
  const box = useLimitedText(QUESTION_MAX, 'question');
  const [anonymous, setAnonymous] = useState(false);
  const ids = { text: useId(), help: useId() };

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!actions) return;
    const text = box.take();
    if (text !== null) actions.ask(text, allowAnonymous && anonymous);
  }

  return (
    <form className="ask" onSubmit={submit} aria-label="Ask a question" noValidate>
      <label htmlFor={ids.text}>Your question</label>
      <textarea id={ids.text} value={box.text} rows={3} onChange={(e) => box.change(e.target.value)} aria-describedby={ids.help} aria-invalid={box.showError || undefined} />
      <p id={ids.help} className={box.showError ? 'field-error' : 'field-help'} role={box.showError ? 'alert' : undefined}>
        {box.showError && !box.check.ok ? box.check.message : `${box.length} / ${QUESTION_MAX}`}
      </p>
      <div className="row ask-row">
        {allowAnonymous && (
          <label className="check">
            <input type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.target.checked)} />
            <span>Ask anonymously</span>
          </label>
        )}
        <button type="submit" className="primary" disabled={box.over || !actions}>
          Send question
        </button>
      </div>
    </form>
  );
}
