/**
 * Issue 14.8: a vote changed while offline that reached the hub after the host closed the
 * poll is acked `applied:false` (poll_not_open). The poll's card is gone by then, so the
 * voter is told here, once per poll, until they dismiss it.
 */
import { useState } from 'react';
import type { AudienceView } from '../../shared/domain/types';
import { lastVote } from '../lib/own-state';
import { useAudience } from '../lib/store';

export function LateVotes({ view }: { view: AudienceView }) {
  const records = useAudience((s) => s.outbox);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(() => new Set());
  const late = Object.values(view.polls).filter((p) => {
    if (p.status !== 'closed' || dismissed.has(p.id)) return false;
    const r = lastVote(records, p.id);
    return r?.state === 'refused' && r.reason === 'poll_not_open';
  });
  if (late.length === 0) return null;
  return (
    <>
      {late.map((p) => (
        <section key={p.id} className="card late-vote" role="status" data-testid="late-vote" data-poll={p.id}>
          <p>
            <strong>Your vote was not counted.</strong> The poll “{p.question}” closed before your vote arrived.
          </p>
          <button type="button" className="link-button" onClick={() => setDismissed((d) => new Set(d).add(p.id))}>
            OK
          </button>
        </section>
      ))}
    </>
  );
}
