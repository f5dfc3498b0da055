/** New poll: single, multiple, rating or word cloud. */
import { useState, type FormEvent } from 'react';
import type { PollKind } from '../../../../shared/domain/types';
import { createPoll } from '../../store/actions';
import { pollProblem, type PollInput } from '../../store/cue-inputs';
import { FormError } from '../setup/form-error';
import { OptionFields } from './option-fields';

const KINDS: Array<{ value: PollKind; label: string }> = [
  { value: 'single', label: 'Single choice' },
  { value: 'multiple', label: 'Multiple choice' },
  { value: 'rating', label: 'Rating' },
  { value: 'wordcloud', label: 'Word cloud' },
];

export function PollEditor({ onDone }: { onDone(): void }) {
  const [kind, setKind] = useState<PollKind>('single');
  const [question, setQuestion] = useState('');
  const [options, setOptions] = useState<string[]>(['', '']);
  const [scale, setScale] = useState(5);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const input = (): PollInput => ({
    question,
    kind,
    options: kind === 'rating' ? Array.from({ length: scale }, (_, i) => String(i + 1)) : kind === 'wordcloud' ? [] : options,
  });

  const submit = async (openNow: boolean): Promise<void> => {
    const i = input();
    const problem = pollProblem(i);
    if (problem) return setError(problem);
    setBusy(true);
    const id = await createPoll(i, openNow);
    setBusy(false);
    if (id) onDone();
  };

  return (
    <form className="card form cue-detail" aria-labelledby="poll-editor-title" onSubmit={(e: FormEvent) => { e.preventDefault(); void submit(false); }}>
      <h3 id="poll-editor-title">New poll</h3>
      <fieldset className="segmented">
        <legend>Kind</legend>
        {KINDS.map((k) => (
          <label key={k.value} className={kind === k.value ? 'on' : undefined}>
            <input type="radio" name="poll-kind" value={k.value} checked={kind === k.value} onChange={() => setKind(k.value)} />
            {k.label}
          </label>
        ))}
      </fieldset>
      <label>
        Question
        <textarea value={question} onChange={(e) => setQuestion(e.target.value)} rows={2} maxLength={500} />
      </label>
      {(kind === 'single' || kind === 'multiple') && <OptionFields options={options} onChange={setOptions} noun="Option" />}
      {kind === 'rating' && (
        <label>
          Scale from 1 to
          <input type="number" min={2} max={10} value={scale} onChange={(e) => setScale(Math.min(10, Math.max(2, Number(e.target.value) || 2)))} />
        </label>
      )}
      {kind === 'wordcloud' && <p className="muted">People answer with a word or short phrase (up to 40 characters).</p>}
      <FormError message={error} />
      <div className="row">
        <button type="submit" className="button" disabled={busy}>
          Create poll
        </button>
        <button type="button" className="button primary" disabled={busy} onClick={() => void submit(true)}>
          Create and open
        </button>
        <button type="button" className="button ghost" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
