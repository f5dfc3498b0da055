/** Invite a teammate: issue a moderator, producer or host token (needs the admin key, i.e. canIssueTokens). */
import { useState, type FormEvent } from 'react';
import { issueToken } from '../../store/actions';
import { CopyButton } from './copy-button';
import { FormError } from './form-error';

type Role = 'host' | 'moderator' | 'producer';

export function TeamTokens() {
  const [role, setRole] = useState<Role>('moderator');
  const [name, setName] = useState('');
  const [token, setToken] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!name.trim()) return setError('Give the teammate’s name.');
    const r = await issueToken(role, name);
    setError(r.ok ? null : r.message);
    setToken(r.ok ? r.value.token : null);
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="team-title">
      <h2 id="team-title">Invite a teammate</h2>
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
      <FormError message={error} />
      <button type="submit" className="button">
        Issue token
      </button>
      {token && (
        <div className="token-out">
          <label>
            Token for {name} ({role})
            <textarea readOnly value={token} rows={3} spellCheck={false} />
          </label>
          <CopyButton text={token} label="Copy token" />
        </div>
      )}
    </form>
  );
}
