/** New quiz, or edit a draft one: questions with options, the correct option, a time limit and points; auto-reveal. */
import { useState, type FormEvent } from 'react';
import { createQuiz, updateQuiz } from '../../store/actions';
import { quizInputOf, quizProblem, type QuizQuestionInput } from '../../store/cue-inputs';
import type { StaffQuiz } from '../../store/selectors';
import { FormError } from '../setup/form-error';
import { OptionFields } from './option-fields';

const blank = (): QuizQuestionInput => ({ prompt: '', options: ['', ''], correctIndex: null, timeLimitSec: 20, points: 1000 });

export function QuizEditor({ quiz, onDone }: { quiz?: StaffQuiz; onDone(): void }) {
  const start = quiz ? quizInputOf(quiz) : null;
  const [title, setTitle] = useState(start?.title ?? '');
  const [questions, setQuestions] = useState<QuizQuestionInput[]>(start?.questions ?? [blank()]);
  const [autoReveal, setAutoReveal] = useState(start?.autoReveal ?? false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const update = (i: number, q: Partial<QuizQuestionInput>): void => setQuestions((qs) => qs.map((x, j) => (j === i ? { ...x, ...q } : x)));

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const input = { title, questions, autoReveal };
    const problem = quizProblem(input);
    if (problem) return setError(problem);
    setBusy(true);
    const done = quiz ? await updateQuiz(quiz, input) : (await createQuiz(input)) !== null;
    setBusy(false);
    if (done) onDone();
  };

  return (
    <form className="card form cue-detail" aria-labelledby="quiz-editor-title" onSubmit={submit}>
      <h3 id="quiz-editor-title">{quiz ? 'Edit quiz' : 'New quiz'}</h3>
      <label>
        Quiz title
        <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} />
      </label>
      {questions.map((q, i) => (
        <fieldset key={i} className="quiz-question">
          <legend>Question {i + 1}</legend>
          <label>
            Prompt
            <textarea value={q.prompt} onChange={(e) => update(i, { prompt: e.target.value })} rows={2} maxLength={500} aria-label={`Question ${i + 1} prompt`} />
          </label>
          <OptionFields options={q.options} onChange={(options) => update(i, { options })} noun="Answer" correctIndex={q.correctIndex} onCorrect={(correctIndex) => update(i, { correctIndex })} />
          <div className="row">
            <label>
              Time limit (seconds)
              <input type="number" min={1} max={600} value={q.timeLimitSec} onChange={(e) => update(i, { timeLimitSec: Number(e.target.value) })} />
            </label>
            <label>
              Points
              <input type="number" min={0} max={100000} step={100} value={q.points} onChange={(e) => update(i, { points: Number(e.target.value) })} />
            </label>
            <button type="button" className="button small ghost" onClick={() => setQuestions((qs) => qs.filter((_, j) => j !== i))} disabled={questions.length <= 1}>
              Remove question {i + 1}
            </button>
          </div>
        </fieldset>
      ))}
      <button type="button" className="button small" onClick={() => setQuestions((qs) => [...qs, blank()])} disabled={questions.length >= 100}>
        + Add question
      </button>
      <label className="check">
        <input type="checkbox" checked={autoReveal} onChange={(e) => setAutoReveal(e.target.checked)} />
        Reveal each answer automatically when its time is up
      </label>
      <FormError message={error} />
      <div className="row">
        <button type="submit" className="button primary" disabled={busy}>
          {quiz ? 'Save changes' : 'Create quiz'}
        </button>
        <button type="button" className="button ghost" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
