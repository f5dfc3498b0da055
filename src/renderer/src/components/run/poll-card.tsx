/** One poll in detail: status, the host's controls, and live results. */
import type { OutboxItem } from '../../../../shared/console-api';
import type { PollView } from '../../../../shared/domain/types';
import { closePoll, openPoll, revealPoll } from '../../store/actions';
import { pollBars, ratingAverage } from '../../store/selectors';
import { useConsole } from '../../store/store';
import { PendingBadge } from '../common/pending-badge';
import { CueReach } from './cue-reach';
import { percentLabel } from '../../../../shared/domain/poll-percent';
import { ResultBars } from './result-bars';
import { WordCloud } from './word-cloud';

const KIND: Record<PollView['kind'], string> = { single: 'Single choice', multiple: 'Multiple choice', rating: 'Rating', wordcloud: 'Word cloud' };
const STATUS: Record<PollView['status'], string> = { draft: '○ Draft', open: '● Voting open', closed: '■ Closed' };

export const pollStatusText = (p: PollView): string => STATUS[p.status];

/** While an open (or close) of this poll is still queued, pressing it again would only queue a no-op. */
const queued = (pending: readonly OutboxItem[], name: string): boolean => pending.some((i) => i.name === name);
export const canOpen = (p: PollView, pending: readonly OutboxItem[]): boolean => p.status !== 'open' && !queued(pending, 'poll.open');
export const canClose = (p: PollView, pending: readonly OutboxItem[]): boolean => p.status === 'open' && !queued(pending, 'poll.close');
const NONE: OutboxItem[] = [];

export function PollCard({ poll, canControl }: { poll: PollView; canControl: boolean }) {
  const avg = poll.kind === 'rating' ? ratingAverage(poll) : null;
  const pending = useConsole((s) => s.pendingByTarget.get(poll.id) ?? NONE);
  return (
    <article className="card cue-detail" aria-labelledby={`poll-${poll.id}-q`} data-testid="poll-card" data-poll-id={poll.id}>
      <header className="cue-head">
        <span className="muted">{KIND[poll.kind]}</span>
        <span className={`tag tag-poll-${poll.status}`} data-testid="poll-status">
          {STATUS[poll.status]}
        </span>
        <span className="tag">{poll.resultsVisible ? '👁 Results shown to audience' : 'Results hidden from audience'}</span>
      </header>
      <h3 id={`poll-${poll.id}-q`} className="cue-question">
        {poll.question}
      </h3>
      {canControl && (
        <div className="row wrap controls" role="group" aria-label="Poll controls">
          <button type="button" className={poll.status === 'open' ? 'button' : 'button primary'} onClick={() => void openPoll(poll.id)} disabled={!canOpen(poll, pending)} aria-keyshortcuts="o">
            {poll.status === 'closed' ? 'Reopen voting' : 'Open voting'}
          </button>
          <button type="button" className={poll.status === 'open' ? 'button primary' : 'button'} onClick={() => void closePoll(poll.id)} disabled={!canClose(poll, pending)} aria-keyshortcuts="c">
            Close voting
          </button>
          <button type="button" className="button" onClick={() => void revealPoll(poll.id, !poll.resultsVisible)} aria-keyshortcuts="v">
            {poll.resultsVisible ? 'Hide results' : 'Show results'}
          </button>
        </div>
      )}
      <PendingBadge target={poll.id} />
      <p className="figure">
        <strong data-testid="ballots">{poll.ballots}</strong> {poll.ballots === 1 ? 'ballot' : 'ballots'}
        {avg !== null && <span> · average {avg.toFixed(2)}</span>}
      </p>
      {poll.status === 'open' && <CueReach cueId={poll.id} what="poll" />}
      {poll.kind === 'wordcloud' ? <WordCloud poll={poll} /> : <ResultBars rows={pollBars(poll)} label="Results" note={percentLabel(poll.kind, poll.ballots)} />}
    </article>
  );
}
