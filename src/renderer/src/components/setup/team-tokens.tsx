/**
 * Invite a teammate: issue a moderator, producer or host token (needs the admin key, i.e.
 * canIssueTokens), then the list of issued tokens with their usage hint and Revoke (team-list.tsx).
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { TeamToken } from '../../../../shared/console-api';
import { issueToken, listTeamTokens } from '../../store/actions';
import { useConsole } from '../../store/store';
import { CopyButton } from './copy-button';
import { hubOrigin } from '../../../../shared/join-url';
import { FormError } from './form-error';
import { ROLE_HINTS, TeamList } from './team-list';

type Role = 'host' | 'moderator' | 'producer';

export function TeamTokens() {
  const [role, setRole] = useState<Role>('moderator');
  const [name, setName] = useState('');
  const [token, setToken] = useState<{ token: string; name: string; role: Role } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tokens, setTokens] = useState<TeamToken[]>([]);
  const eventId = useConsole((s) => s.session.eventId);
  const joinUrl = useConsole((s) => s.session.joinUrl);
  const hubUrls = useConsole((s) => s.session.hubUrls);
  const refresh = useCallback(() => {
    void listTeamTokens().then((r) => r.ok && setTokens(r.value));
  }, []);
  useEffect(refresh, [refresh, eventId]);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!name.trim()) return setError('Give the teammate’s name.');
    const r = await issueToken(role, name);
    setError(r.ok ? null : r.message);
    setToken(r.ok ? { token: r.value.token, name: r.value.name, role } : null);
    refresh();
  };
  return (
    <section className="card form" aria-labelledby="team-title">
      <h2 id="team-title">Team tokens</h2>
      <form className="form" onSubmit={submit} aria-label="Invite a teammate">
        <div className="row">
          <label>
            Role
            <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
              <option value="moderator">Moderator</option>
              <option value="producer">Producer</option>
              <option value="host">Host</option>
            </select>
          </label>
          <label className="grow">
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={60} />
          </label>
        </div>
        <p className="muted">{ROLE_HINTS[role]}</p>
        <FormError message={error} />
        <button type="submit" className="button">
          Issue token
        </button>
      </form>
      {token && (
        <div className="token-out">
          <label>
            Token for {token.name} ({token.role})
            <textarea readOnly value={token.token} rows={3} spellCheck={false} />
          </label>
          <CopyButton text={token.token} label="Copy token" />
        </div>
      )}
      <TeamList tokens={tokens} hubUrl={hubOrigin(joinUrl, hubUrls) ?? ''} onChanged={refresh} />
    </section>
  );
}
