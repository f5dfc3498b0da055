/** A question's status as icon + word. */
import type { QuestionStatus } from '../../../../shared/domain/types';

const LABEL: Record<QuestionStatus, [string, string]> = {
  pending: ['◷', 'Pending'],
  approved: ['✓', 'Approved'],
  rejected: ['✕', 'Rejected'],
  answered: ['✔', 'Answered'],
  archived: ['▣', 'Archived'],
};

export function QuestionStatusTag({ status }: { status: QuestionStatus }) {
  const [icon, word] = LABEL[status];
  return (
    <span className={`tag tag-q-${status}`} data-testid="question-status">
      <span aria-hidden="true">{icon} </span>
      {word}
    </span>
  );
}
