/** Join an event with a token a teammate issued (session/joinRemote). */
import { useState, type FormEvent } from 'react';
import { joinRemote } from '../../store/actions';
import { useConsole } from '../../store/store';
import { FormError } from './form-error';
import { hubUrlsProblem, parseHubUrls } from './hub-urls';

export function JoinEventForm() {
  const [hubs, setHubs] = useState(() => useConsole.getState().session.hubUrls.join('\n'));
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const hubUrls = parseHubUrls(hubs);
    const problem = hubUrlsProblem(hubUrls) ?? (token.trim().length < 10 ? 'Paste the token you were given.' : null);
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    const r = await joinRemote(hubUrls, token.trim());
    setBusy(false);
    if (!r.ok) setError(r.message);
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="join-title">
      <h2 id="join-title">Join with a token</h2>
      <p className="muted">For moderators and producers a host invited.</p>
      <label>
        Hub URLs
        <textarea value={hubs} onChange={(e) => setHubs(e.target.value)} rows={2} placeholder="https://hub.example.com" spellCheck={false} />
      </label>
      <label>
        Token
        <textarea value={token} onChange={(e) => setToken(e.target.value)} rows={3} spellCheck={false} />
      </label>
      <FormError message={error} />
      <button type="submit" className="button" disabled={busy}>
        {busy ? 'Joining…' : 'Join event'}
      </button>
    </form>
  );
}
