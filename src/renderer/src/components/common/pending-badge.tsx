/** "Close poll — queued": actions on this poll/question/quiz that the hub has not answered yet. */
import type { OutboxItem } from '../../../../shared/console-api';
import { useConsole } from '../../store/store';

const EMPTY: OutboxItem[] = [];

export function actionLabel(item: OutboxItem): string {
  const d = (item.data ?? {}) as Record<string, unknown>;
  switch (item.name) {
    case 'poll.create':
      return 'Create poll';
    case 'poll.open':
      return 'Open poll';
    case 'poll.close':
      return 'Close poll';
    case 'poll.reveal':
      return d.visible ? 'Show results' : 'Hide results';
    case 'question.moderate':
      return ({ approved: 'Approve', rejected: 'Reject', answered: 'Mark answered', archived: 'Archive', pending: 'Back to pending' } as Record<string, string>)[String(d.status)] ?? 'Moderate';
    case 'question.pin':
      return d.pinned ? 'Pin' : 'Unpin';
    case 'question.assign':
      return 'Assign';
    case 'quiz.create':
      return 'Create quiz';
    case 'quiz.next':
      return 'Next question';
    case 'quiz.reveal':
      return 'Reveal answer';
    case 'quiz.end':
      return 'End quiz';
    case 'chat.send':
      return 'Post';
    case 'chat.delete':
      return 'Delete';
    case 'event.update':
      return d.settings ? 'Event settings' : 'Event status';
    default:
      return item.name;
  }
}

export const stateLabel = (item: OutboxItem): string => (item.state === 'queued' ? 'queued' : item.state === 'sent' ? 'sent, awaiting the hub' : item.state);

export function PendingBadge({ target }: { target: string }) {
  const items = useConsole((s) => s.pendingByTarget.get(target) ?? EMPTY);
  if (items.length === 0) return null;
  return (
    <span className="pending-list" data-testid="pending">
      {items.map((i) => (
        <span key={i.id} className={`tag tag-${i.state}`}>
          <span aria-hidden="true">{i.state === 'queued' ? '⏳' : '⇡'} </span>
          {actionLabel(i)} — {stateLabel(i)}
        </span>
      ))}
    </span>
  );
}
