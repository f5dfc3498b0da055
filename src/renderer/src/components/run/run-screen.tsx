/** Run of show: the cue list, the selected cue (or an editor), and the hotkeys that drive it. */
import { useMemo, useState } from 'react';
import { useHotkeys } from '../../lib/hotkeys';
import { closePoll, openPoll, quizNext, quizReveal, revealPoll, undoQueued } from '../../store/actions';
import { cuesInOrder } from '../../store/selectors';
import { useConsole } from '../../store/store';
import { selectCue } from '../../store/ui-actions';
import { ReachAlert } from '../live/reach-alert';
import { CueActions, type Deleted } from './cue-actions';
import { CueList, moveCue, type Cue } from './cue-list';
import { canClose, canOpen, PollCard } from './poll-card';
import { PollEditor } from './poll-editor';
import { QuizCard } from './quiz-card';
import { QuizEditor } from './quiz-editor';
import { QueuedCues } from './queued-cues';

export function RunScreen() {
  const polls = useConsole((s) => s.view?.doc.polls ?? null);
  const quizzes = useConsole((s) => s.view?.doc.quizzes ?? null);
  const order = useConsole((s) => s.view?.doc.order ?? null);
  const cueId = useConsole((s) => s.cueId);
  const canControl = useConsole((s) => s.session.role === 'host');
  const hasView = useConsole((s) => s.view !== null);
  const [editing, setEditing] = useState<'poll' | 'quiz' | 'edit' | null>(null);
  const pendingOf = (id: string) => useConsole.getState().pendingByTarget.get(id) ?? [];
  const [deleted, setDeleted] = useState<Deleted | null>(null);
  const deleteState = useConsole((s) => (deleted ? s.outbox.find((i) => i.id === deleted.outboxId)?.state ?? 'queued' : null));

  // The staff view's order (P28), the same in every console; an older hub without it: by creation.
  const cues = useMemo<Cue[]>(() => cuesInOrder(polls, quizzes, order), [polls, quizzes, order]);
  const current = cues.find((c) => c.id === cueId) ?? cues[cues.length - 1] ?? null;

  const move = (d: number): void => {
    if (cues.length === 0) return;
    const i = current ? cues.indexOf(current) : -1;
    const next = cues[Math.min(cues.length - 1, Math.max(0, i + d))];
    if (next) selectCue(next.id);
  };
  const poll = current?.kind === 'poll' ? current.poll : null;
  const quiz = current?.kind === 'quiz' ? current.quiz : null;
  useHotkeys(
    {
      j: () => move(1),
      k: () => move(-1),
      J: () => current && void moveCue(cues, current.id, 1),
      K: () => current && void moveCue(cues, current.id, -1),
      // One letter, one meaning across screens (issue 14.6): v reveals (poll results, quiz
      // answer); ending a quiz has no single key, its button asks first.
      o: () => poll && canOpen(poll, pendingOf(poll.id)) && void openPoll(poll.id),
      c: () => poll && canClose(poll, pendingOf(poll.id)) && void closePoll(poll.id),
      v: () => {
        if (poll) void revealPoll(poll.id, !poll.resultsVisible);
        else if (quiz && quiz.current && !quiz.current.revealed) void quizReveal(quiz.id);
      },
      n: () => quiz && void quizNext(quiz.id),
    },
    canControl && editing === null,
  );

  return (
    <div className="screen-inner run">
      <header className="screen-head">
        <h2 className="screen-title">Run of show</h2>
        <div className="row">
          {/* Same session: a new tab in the browser; Electron opens its presenter window for this link. */}
          <a className="button ghost" href="/present" target="_blank" rel="noopener">
            Presenter view
          </a>
        {canControl && (
          <div className="row">
            <button type="button" className="button" onClick={() => setEditing('poll')}>
              + New poll
            </button>
            <button type="button" className="button" onClick={() => setEditing('quiz')}>
              + New quiz
            </button>
          </div>
        )}
        </div>
      </header>
      <ReachAlert />
      {!hasView ? (
        <p className="empty">Waiting for the event’s state from the hub…</p>
      ) : cues.length === 0 && editing === null ? (
        <div className="card empty-state">
          <h3>No polls or quizzes yet</h3>
          <p className="muted">{canControl ? 'Create the first cue of the show. Polls and quizzes start as drafts: nothing reaches the audience until you open them.' : 'The host has not created any polls or quizzes yet.'}</p>
          <QueuedCues />
        </div>
      ) : (
        <div className="run-grid">
          <aside className="cue-pane" aria-label="Cues">
            {deleted && deleteState === 'queued' && (
              <div className="undo-bar" role="status">
                <span className="grow">Deleting “{deleted.title}” (queued)</span>
                <button type="button" className="button small" onClick={() => void undoQueued(deleted.outboxId).then((ok) => ok && setDeleted(null))}>
                  Undo delete
                </button>
              </div>
            )}
            <CueList cues={cues} selected={current?.id ?? null} canReorder={canControl} />
            <QueuedCues />
          </aside>
          <div className="cue-main">
            {editing === 'poll' && <PollEditor onDone={() => setEditing(null)} />}
            {editing === 'quiz' && <QuizEditor onDone={() => setEditing(null)} />}
            {editing === 'edit' && current?.kind === 'poll' && <PollEditor key={current.id} poll={current.poll} onDone={() => setEditing(null)} />}
            {editing === 'edit' && current?.kind === 'quiz' && <QuizEditor key={current.id} quiz={current.quiz} onDone={() => setEditing(null)} />}
            {canControl && editing === null && current && <CueActions cue={current} onEdit={() => setEditing('edit')} onDeleted={setDeleted} />}
            {editing === null && current?.kind === 'poll' && <PollCard poll={current.poll} canControl={canControl} />}
            {editing === null && current?.kind === 'quiz' && <QuizCard quiz={current.quiz} canControl={canControl} />}
            {editing === null && !current && <p className="empty">Nothing selected.</p>}
            {canControl && editing === null && current && (
              <p className="hint muted">
                Keys: <kbd>j</kbd>/<kbd>k</kbd> cue · <kbd>J</kbd>/<kbd>K</kbd> move it · {current.kind === 'poll' ? (<><kbd>o</kbd> open · <kbd>c</kbd> close · <kbd>v</kbd> results</>) : (<><kbd>n</kbd> next · <kbd>v</kbd> reveal</>)} · <kbd>?</kbd> all
              </p>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
