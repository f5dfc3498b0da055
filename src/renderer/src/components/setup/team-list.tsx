/**
 * The teammate tokens issued from this console (issue 14.7): who has which role, what that role
 * may do, how to use the token, and a Revoke button (P32, with a confirmation step) that makes
 * the hub refuse the token and disconnect that teammate.
 */
import { useState } from 'react';
import type { TeamToken } from '../../../../shared/console-api';
import { revokeTeammate } from '../../store/actions';
import { CopyButton } from './copy-button';

export const ROLE_HINTS: Record<TeamToken['role'], string> = {
  host: 'Runs the show: polls, quizzes, Q&A, event settings and teammate tokens.',
  moderator: 'Moderates Q&A: approves, rejects, pins and assigns questions; can post and delete chat.',
  producer: 'Watches: live engagement, latency and hub load. Cannot change the show.',
};

const dateOf = (ms: number): string => new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function TeamRow({ t, hubUrl, onChanged }: { t: TeamToken; hubUrl: string; onChanged(): void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const revoke = async (): Promise<void> => {
    setBusy(true);
    await revokeTeammate(t.clientId, t.name);
    setBusy(false);
    setConfirming(false);
    onChanged();
  };
  return (
    <li className={`team-token${t.revokedAt ? ' revoked' : ''}`} aria-label={`${t.name} (${t.role})`}>
      <div className="row">
        <strong>{t.name}</strong>
        <span className="tag">{t.role}</span>
        {t.revokedAt ? <span className="tag tag-refused">Revoked {dateOf(t.revokedAt)}</span> : <span className="muted">valid until {dateOf(t.expiresAt)}</span>}
      </div>
      <p className="muted">{ROLE_HINTS[t.role]}</p>
      {!t.revokedAt && (
        <>
          <p className="hint">
            How to use: send it to {t.name} privately. In Stagecall they choose <em>Join with a token</em>, paste it, and give the hub URL <code>{hubUrl}</code>
            {' '}(or run <code>npm run console:web -- --hub {hubUrl} --token …</code>). Anyone holding it acts as {t.role}, so revoke it when they leave.
          </p>
          <div className="row">
            {t.token ? <CopyButton text={t.token} label={`Copy ${t.name}’s token`} /> : <span className="muted">token sealed by another key store</span>}
            {confirming ? (
              <>
                <span>Revoke {t.name}’s token? They are disconnected at once.</span>
                <button type="button" className="button danger small" disabled={busy} onClick={() => void revoke()}>
                  Yes, revoke
                </button>
                <button type="button" className="button small" onClick={() => setConfirming(false)}>
                  Keep
                </button>
              </>
            ) : (
              <button type="button" className="button small" onClick={() => setConfirming(true)}>
                Revoke…
              </button>
            )}
          </div>
        </>
      )}
    </li>
  );
}

export function TeamList({ tokens, hubUrl, onChanged }: { tokens: TeamToken[]; hubUrl: string; onChanged(): void }) {
  if (tokens.length === 0) return <p className="muted">No teammate tokens issued for this event yet.</p>;
  return (
    <ul className="team-tokens" aria-label="Issued team tokens">
      {tokens.map((t) => (
        <TeamRow key={t.clientId} t={t} hubUrl={hubUrl} onChanged={onChanged} />
      ))}
    </ul>
  );
}
