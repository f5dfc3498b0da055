/** The host's edit controls for the selected cue: edit, duplicate, delete (P28), and its timer. */
import { deletePoll, deleteQuiz, duplicatePoll, duplicateQuiz } from '../../store/actions';
import { cueTitle, type Cue } from './cue-list';
import { CueTimer } from './cue-timer';

export interface Deleted {
  outboxId: string;
  title: string;
}

export function CueActions({ cue, onEdit, onDeleted }: { cue: Cue; onEdit(): void; onDeleted(d: Deleted): void }) {
  const editable = cue.kind === 'poll' || cue.quiz.status === 'draft';
  const remove = async (): Promise<void> => {
    const item = cue.kind === 'poll' ? await deletePoll(cue.id) : await deleteQuiz(cue.id);
    if (item) onDeleted({ outboxId: item.id, title: cueTitle(cue) });
  };
  return (
    <div className="row wrap controls" role="group" aria-label="Edit cue">
      <button type="button" className="button small" onClick={onEdit} disabled={!editable} title={editable ? undefined : 'A quiz can be edited only before it starts'}>
        Edit
      </button>
      <button type="button" className="button small" onClick={() => void (cue.kind === 'poll' ? duplicatePoll(cue.poll) : duplicateQuiz(cue.quiz))}>
        Duplicate
      </button>
      <button type="button" className="button small danger" onClick={() => void remove()}>
        Delete
      </button>
      <span className="muted">
        <CueTimer cue={cue} />
      </span>
    </div>
  );
}
