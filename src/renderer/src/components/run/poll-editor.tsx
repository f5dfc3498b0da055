/** New poll, or edit one (P28: the question always; kind, options and timer while it is a draft). */
import { useState, type FormEvent } from 'react';
import type { PollKind, PollView } from '../../../../shared/domain/types';
import { createPoll, updatePoll } from '../../store/actions';
import { pollInputOf, pollProblem, type PollInput } from '../../store/cue-inputs';
import { FormError } from '../setup/form-error';
import { OptionFields } from './option-fields';

const KINDS: Array<{ value: PollKind; label: string }> = [
  { value: 'single', label: 'Single choice' },
  { value: 'multiple', label: 'Multiple choice' },
  { value: 'rating', label: 'Rating' },
  { value: 'wordcloud', label: 'Word cloud' },
];

export function PollEditor({ poll, onDone }: { poll?: PollView; onDone(): void }) {
  const start = poll ? pollInputOf(poll) : null;
  const [kind, setKind] = useState<PollKind>(start?.kind ?? 'single');
  const [question, setQuestion] = useState(start?.question ?? '');
  const [options, setOptions] = useState<string[]>(start && start.kind !== 'rating' && start.options.length ? start.options : ['', '']);
  const [scale, setScale] = useState(start?.kind === 'rating' ? start.options.length : 5);
  const [timed, setTimed] = useState(start?.durationSec != null);
  const [seconds, setSeconds] = useState(start?.durationSec ?? 30);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const locked = poll !== undefined && poll.status !== 'draft';
  const title = poll ? 'Edit poll' : 'New poll';

  const input = (): PollInput => ({
    question,
    kind,
    options: kind === 'rating' ? Array.from({ length: scale }, (_, i) => String(i + 1)) : kind === 'wordcloud' ? [] : options,
    durationSec: timed ? seconds : null,
  });

  const submit = async (openNow: boolean): Promise<void> => {
    const i = input();
    const problem = pollProblem(i);
    if (problem) return setError(problem);
    setBusy(true);
    const done = poll ? await updatePoll(poll, i) : (await createPoll(i, openNow)) !== null;
    setBusy(false);
    if (done) onDone();
  };

  return (
    <form className="card form cue-detail" aria-labelledby="poll-editor-title" onSubmit={(e: FormEvent) => { e.preventDefault(); void submit(false); }}>
      <h3 id="poll-editor-title">{title}</h3>
      {locked && <p className="muted">Voting has started: only the question can change now. Duplicate the poll to change its options.</p>}
      <fieldset className="segmented" disabled={locked}>
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
      <fieldset className="plain" disabled={locked}>
        {(kind === 'single' || kind === 'multiple') && <OptionFields options={options} onChange={setOptions} noun="Option" />}
        {kind === 'rating' && (
          <label>
            Scale from 1 to
            <input type="number" min={2} max={10} value={scale} onChange={(e) => setScale(Math.min(10, Math.max(2, Number(e.target.value) || 2)))} />
          </label>
        )}
        {kind === 'wordcloud' && <p className="muted">People answer with a word or short phrase (up to 40 characters).</p>}
        <div className="row">
          <label className="check">
            <input type="checkbox" checked={timed} onChange={(e) => setTimed(e.target.checked)} />
            Close voting automatically
          </label>
          {timed && (
            <label>
              Seconds after opening
              <input type="number" min={1} max={3600} value={seconds} onChange={(e) => setSeconds(Number(e.target.value))} />
            </label>
          )}
        </div>
      </fieldset>
      <FormError message={error} />
      <div className="row">
        <button type="submit" className="button" disabled={busy}>
          {poll ? 'Save changes' : 'Create poll'}
        </button>
        {!poll && (
          <button type="button" className="button primary" disabled={busy} onClick={() => void submit(true)}>
            Create and open
          </button>
        )}
        <button type="button" className="button ghost" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
