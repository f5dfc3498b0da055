/** Every action the console queued and what became of it: queued, sent, acknowledged, refused (why). */
import { useState } from 'react';
import type { OutboxItem } from '../../../../shared/console-api';
import type { StaffView } from '../../../../shared/domain/types';
import { fmtClock } from '../../lib/format';
import { isPending, targetOf } from '../../store/outbox-merge';
import { useConsole } from '../../store/store';
import { actionLabel } from '../common/pending-badge';

const SHOW = 200;
const clip = (t: string): string => (t.length > 60 ? `${t.slice(0, 59)}…` : t);

/** What a person calls the thing an action is about: the poll's question, the quiz's title, the question's text. */
export function targetName(item: OutboxItem, doc: StaffView | null): string {
  const d = (item.data ?? {}) as Record<string, unknown>;
  const str = (k: string): string | null => (typeof d[k] === 'string' ? (d[k] as string) : null);
  const pollId = str('pollId');
  if (pollId) return clip(doc?.polls[pollId]?.question ?? str('question') ?? 'a poll');
  const quizId = str('quizId');
  if (quizId) return clip(doc?.quizzes[quizId]?.title ?? str('title') ?? 'a quiz');
  const questionId = str('questionId');
  if (questionId) return clip(doc?.questions[questionId]?.text ?? 'a question');
  if (item.name === 'event.update') return 'the event';
  return targetOf(item) ? 'an item no longer in the event' : '—';
}

const STATE: Record<OutboxItem['state'], string> = { queued: '⏳ Queued', sent: '⇡ Sent', acknowledged: '✓ Acknowledged', refused: '✕ Refused' };

export function OutboxTable() {
  const all = useConsole((s) => s.outbox);
  const eventId = useConsole((s) => s.session.eventId);
  const doc = useConsole((s) => s.view?.doc ?? null);
  // Another event's actions wait in the journal until that event is rejoined; they are not this event's.
  const outbox = all.filter((i) => i.eventId === eventId);
  const pending = useConsole((s) => s.pendingCount);
  const [onlyPending, setOnlyPending] = useState(false);
  const list = (onlyPending ? outbox.filter(isPending) : outbox).slice(-SHOW).reverse();
  return (
    <section className="card" aria-labelledby="outbox-title">
      <div className="row spread">
        <h3 id="outbox-title">
          Outbox <span className="count">{pending} waiting</span>
        </h3>
        <label className="check">
          <input type="checkbox" checked={onlyPending} onChange={(e) => setOnlyPending(e.target.checked)} /> Only waiting
        </label>
      </div>
      {list.length === 0 ? (
        <p className="empty">{onlyPending ? 'Nothing waiting: every action has been answered.' : 'No actions yet.'}</p>
      ) : (
        <div className="table-scroll">
          <table className="table" aria-label="Outbox" data-testid="outbox-table">
            <thead>
              <tr>
                <th scope="col">Queued</th>
                <th scope="col">Action</th>
                <th scope="col">On</th>
                <th scope="col">State</th>
                <th scope="col" className="num">
                  Serial
                </th>
                <th scope="col">Note</th>
              </tr>
            </thead>
            <tbody>
              {list.map((i) => (
                <tr key={i.id} data-state={i.state} data-name={i.name}>
                  <td>{fmtClock(i.queuedAt)}</td>
                  <td>{actionLabel(i)}</td>
                  <td title={targetOf(i) ?? undefined}>{targetName(i, doc)}</td>
                  <td className={`state-${i.state}`}>{STATE[i.state]}</td>
                  <td className="num">{i.serial ?? '—'}</td>
                  <td>{i.reason ?? (i.dup ? 'duplicate (already applied)' : i.applied === false ? 'no effect' : '')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {outbox.length > SHOW && !onlyPending && <p className="muted small">Showing the latest {SHOW} of {outbox.length}.</p>}
    </section>
  );
}
