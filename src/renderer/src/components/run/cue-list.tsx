/**
 * The show's cues (polls and quizzes) in the run-of-show order (P28), selectable; j/k move the
 * selection, which is kept in view. Host: drag a cue, or use its ↑/↓ buttons (or Shift+J/K), to
 * reorder; the new order is one `cue.order` for every console.
 */
import { useEffect, useRef, useState, type DragEvent } from 'react';
import { reorderCues } from '../../store/actions';
import type { RunCue } from '../../store/selectors';
import { selectCue } from '../../store/ui-actions';
import { PendingBadge } from '../common/pending-badge';
import { CueReach } from './cue-reach';
import { CueTimer } from './cue-timer';
import { pollStatusText } from './poll-card';
import { quizStatusText } from './quiz-card';

export type Cue = RunCue;

export const cueTitle = (c: Cue): string => (c.kind === 'poll' ? c.poll.question : c.quiz.title);

/** The order with `id` moved to `to` (clamped). */
export function moved(ids: readonly string[], id: string, to: number): string[] {
  const rest = ids.filter((x) => x !== id);
  const at = Math.min(rest.length, Math.max(0, to));
  return [...rest.slice(0, at), id, ...rest.slice(at)];
}

export const moveCue = (cues: readonly Cue[], id: string, by: number): Promise<boolean> | null => {
  const ids = cues.map((c) => c.id);
  const i = ids.indexOf(id);
  if (i < 0 || i + by < 0 || i + by >= ids.length) return null;
  return reorderCues(moved(ids, id, i + by));
};

function status(c: Cue): string {
  if (c.kind === 'poll') return `${pollStatusText(c.poll)} · ${c.poll.ballots} ballots`;
  const q = c.quiz;
  return `${quizStatusText(q)}${q.currentIndex !== null && q.status === 'running' ? ` · question ${q.currentIndex + 1} of ${q.questions.length}` : ''}`;
}

export function CueList({ cues, selected, canReorder }: { cues: Cue[]; selected: string | null; canReorder: boolean }) {
  const listRef = useRef<HTMLUListElement>(null);
  const [dragging, setDragging] = useState<string | null>(null);
  useEffect(() => {
    // j/k (or a new cue) can move the selection off-screen: bring it into view.
    const el = selected ? listRef.current?.querySelector(`[data-cue-id="${CSS.escape(selected)}"]`) : null;
    el?.scrollIntoView({ block: 'nearest' });
  }, [selected, cues.length]);
  // The focus ring follows the selection (j/k move both), so they never sit on different cues (issue 14.7).
  useEffect(() => {
    const el = listRef.current;
    if (!el || !selected || !el.contains(document.activeElement)) return;
    el.querySelector<HTMLButtonElement>(`button[data-cue-id="${CSS.escape(selected)}"]`)?.focus();
  }, [selected]);
  if (cues.length === 0) return null;
  const drop = (e: DragEvent, targetIndex: number): void => {
    e.preventDefault();
    const id = dragging;
    setDragging(null);
    if (!id) return;
    const ids = cues.map((c) => c.id);
    const from = ids.indexOf(id);
    if (from < 0 || from === targetIndex) return;
    void reorderCues(moved(ids, id, targetIndex));
  };
  return (
    <ul className="cue-list" aria-label="Polls and quizzes" ref={listRef}>
      {cues.map((c, i) => (
        <li
          key={c.id}
          className={dragging === c.id ? 'cue-row dragging' : 'cue-row'}
          draggable={canReorder}
          onDragStart={(e) => {
            setDragging(c.id);
            e.dataTransfer.effectAllowed = 'move';
            e.dataTransfer.setData('text/plain', c.id);
          }}
          onDragOver={(e) => dragging && e.preventDefault()}
          onDrop={(e) => drop(e, i)}
          onDragEnd={() => setDragging(null)}
        >
          <button type="button" className="cue-item" aria-current={selected === c.id ? 'true' : undefined} onClick={() => selectCue(c.id)} data-cue-id={c.id}>
            <span className="cue-kind">
              <span className="cue-number">{i + 1}</span> {c.kind === 'poll' ? 'Poll' : 'Quiz'}
            </span>
            <span className="cue-title">{cueTitle(c)}</span>
            <span className="cue-status">
              {status(c)}
              <CueReach cueId={c.id} what={c.kind === 'poll' ? 'poll' : 'question'} compact />
              <CueTimer cue={c} />
            </span>
            <PendingBadge target={c.id} />
          </button>
          {canReorder && (
            <span className="cue-move" role="group" aria-label={`Move ${cueTitle(c)}`}>
              <button type="button" className="icon-button" aria-label={`Move “${cueTitle(c)}” up`} disabled={i === 0} onClick={() => void moveCue(cues, c.id, -1)}>
                ↑
              </button>
              <button type="button" className="icon-button" aria-label={`Move “${cueTitle(c)}” down`} disabled={i === cues.length - 1} onClick={() => void moveCue(cues, c.id, 1)}>
                ↓
              </button>
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
