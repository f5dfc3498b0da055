/** The poll on stream: the question, then bars that move as votes come in once results are revealed. */
import { percentLabel } from '../../shared/domain/poll-percent';
import type { AudienceView } from '../../shared/domain/types';
import { overlayPoll, tallyRows } from '../lib/select';

/** `cue`: always this poll (once it is open), else whichever is open or was last revealed. */
export function PollOverlay({ view, cue }: { view: AudienceView; cue: string | null }) {
  const poll = cue ? (Object.hasOwn(view.polls, cue) ? (view.polls[cue] ?? null) : null) : overlayPoll(view);
  if (!poll) return null;
  const rows = tallyRows(poll);
  return (
    <section className="ov-panel" aria-label="Poll">
      <p className="ov-kicker">{poll.status === 'open' ? 'Live poll · vote on your phone' : 'Poll results'}</p>
      <h1 className="ov-title">{poll.question}</h1>
      {rows ? (
        poll.kind === 'wordcloud' ? (
          <ul className="ov-cloud">
            {rows.map((r) => (
              <li key={r.key} style={{ fontSize: `${0.9 + (r.count / Math.max(1, rows[0]?.count ?? 1)) * 1.6}em` }}>
                {r.label}
              </li>
            ))}
          </ul>
        ) : (
          <ul className="ov-bars">
            {rows.map((r) => (
              <li key={r.key}>
                <div className="ov-bar-label">
                  <span>{r.label}</span>
                  <span className="ov-num">{r.pct}%</span>
                </div>
                <div className="ov-bar">
                  <div className="ov-bar-fill" style={{ width: `${r.pct}%` }} />
                </div>
              </li>
            ))}
          </ul>
        )
      ) : (
        <ul className="ov-options">
          {poll.options.map((o) => (
            <li key={o.id}>{o.label}</li>
          ))}
        </ul>
      )}
      {rows && poll.kind !== 'wordcloud' && <p className="ov-note">{percentLabel(poll.kind, poll.ballots)}</p>}
    </section>
  );
}
