/**
 * One poll: vote (and change the vote while it is open), then results once the host reveals
 * them. While `tallies` is null nothing numeric about the poll is rendered (P21).
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { percentLabel } from '../../shared/domain/poll-percent';
import type { PollView } from '../../shared/domain/types';
import { checkLength, WORD_MAX } from '../lib/limits';
import { lastVote, ownBallot } from '../lib/own-state';
import { tallyRows } from '../lib/select';
import { useAudience } from '../lib/store';
import { SendState } from './send-state';
import { useHubNow } from './use-hub-now';

export function PollCard({ poll }: { poll: PollView }) {
  const records = useAudience((s) => s.outbox);
  const self = useAudience((s) => s.self);
  const actions = useAudience((s) => s.actions);
  const ballot = ownBallot(records, self, poll.id);
  const open = poll.status === 'open';
  const rows = tallyRows(poll);
  const headingId = useId();

  return (
    <section className="card poll" aria-labelledby={headingId} data-poll={poll.id}>
      <header className="card-head">
        <span className={`chip ${open ? 'chip-live' : ''}`}>{open ? 'Poll · voting open' : 'Poll · closed'}</span>
        <h2 id={headingId}>{poll.question}</h2>
      </header>
      {open && poll.closesAt !== null && <PollTimer closesAt={poll.closesAt} durationMs={poll.durationMs ?? 1} />}
      {open && actions && (
        <>
            {(poll.kind === 'single' || poll.kind === 'rating') && (
              <div className={poll.kind === 'rating' ? 'options rating' : 'options'} role="group" aria-label="Choices">
                {poll.options.map((o) => (
                  <button
                    key={o.id}
                    type="button"
                    className="option"
                    aria-pressed={ballot.includes(o.id)}
                    onClick={() => actions.vote(poll.id, [o.id])}
                  >
                    {o.label}
                  </button>
                ))}
              </div>
            )}
            {poll.kind === 'multiple' && <MultipleChoice poll={poll} ballot={ballot} onVote={(ids) => actions.vote(poll.id, ids)} />}
            {poll.kind === 'wordcloud' && <WordForm ballot={ballot} onVote={(w) => actions.voteWord(poll.id, w)} />}
            <SendState record={lastVote(records, poll.id)} noun="vote" receipt />
        </>
      )}
      {rows ? (
        <Results poll={poll} rows={rows} ballot={ballot} />
      ) : (
        <p className="muted">Results are hidden until the host reveals them.</p>
      )}
    </section>
  );
}

/** P28: a timed poll's countdown on the hub clock (the hub closes it; this only shows when). */
function PollTimer({ closesAt, durationMs }: { closesAt: number; durationMs: number }) {
  const now = useHubNow(true);
  const left = Math.max(0, closesAt - now);
  return (
    <div className="countdown" role="timer" aria-label="Time left to vote">
      <div className="bar" aria-hidden="true">
        <div className="bar-fill" style={{ width: `${Math.round((left / Math.max(1, durationMs)) * 100)}%` }} />
      </div>
      <span>{left > 0 ? `${Math.ceil(left / 1000)} s left to vote` : 'Time is up'}</span>
    </div>
  );
}

function MultipleChoice({ poll, ballot, onVote }: { poll: PollView; ballot: string[]; onVote(ids: string[]): void }) {
  const ballotKey = ballot.join('\u0000');
  const [picked, setPicked] = useState<string[]>(ballot);
  // When the confirmed ballot changes (another tab, a reload), start from it again.
  useEffect(() => setPicked(ballotKey ? ballotKey.split('\u0000') : []), [ballotKey]);
  const changed = picked.slice().sort().join() !== ballot.slice().sort().join();
  return (
    <form
      className="options"
      aria-label="Choices (pick any)"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        if (picked.length > 0) onVote(picked);
      }}
    >
      {poll.options.map((o) => (
        <label key={o.id} className="option check">
          <input
            type="checkbox"
            checked={picked.includes(o.id)}
            onChange={(e) => setPicked((p) => (e.target.checked ? [...p, o.id] : p.filter((x) => x !== o.id)))}
          />
          <span>{o.label}</span>
        </label>
      ))}
      <button type="submit" className="primary" disabled={picked.length === 0 || !changed}>
        {ballot.length === 0 ? 'Submit vote' : changed ? 'Update vote' : 'Vote submitted'}
      </button>
    </form>
  );
}

function WordForm({ ballot, onVote }: { ballot: string[]; onVote(word: string): void }) {
  const [word, setWord] = useState('');
  const check = checkLength(word, WORD_MAX, 'word', true);
  const id = useId();
  const tooLong = !check.ok && word.trim().length > 0;
  return (
    <form
      className="word-form"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        if (!check.ok) return;
        onVote(check.text);
        setWord('');
      }}
    >
      <label htmlFor={id}>Your word</label>
      <div className="row">
        <input id={id} value={word} onChange={(e) => setWord(e.target.value)} autoComplete="off" aria-invalid={tooLong || undefined} />
        <button type="submit" className="primary" disabled={!check.ok}>
          Send word
        </button>
      </div>
      {tooLong && !check.ok && (
        <p className="field-error" role="alert">
          {check.message}
        </p>
      )}
      {ballot[0] && <p className="muted">You said: “{ballot[0]}”</p>}
    </form>
  );
}

function Results({ poll, rows, ballot }: { poll: PollView; rows: NonNullable<ReturnType<typeof tallyRows>>; ballot: string[] }) {
  if (poll.kind === 'wordcloud') {
    const max = Math.max(1, ...rows.map((r) => r.count));
    return (
      <ul className="cloud" aria-label="Results">
        {rows.map((r) => (
          <li key={r.key} style={{ fontSize: `${1 + (r.count / max) * 1.4}rem` }}>
            {r.label} <span className="count">{r.count}</span>
          </li>
        ))}
      </ul>
    );
  }
  return (
    <>
      <ul className="results" aria-label="Results">
        {rows.map((r) => (
          <li key={r.key} className={ballot.includes(r.key) ? 'mine' : undefined}>
            <div className="result-label">
              <span>{r.label}</span>
              <span className="count">
                {r.pct}% · {r.count}
              </span>
            </div>
            <div className="bar" aria-hidden="true">
              <div className="bar-fill" style={{ width: `${r.pct}%` }} />
            </div>
          </li>
        ))}
      </ul>
      <p className="percent-note" data-testid="percent-note">
        {percentLabel(poll.kind, poll.ballots)}
      </p>
    </>
  );
}
