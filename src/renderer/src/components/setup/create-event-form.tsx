/** Create an event on a hub with its admin key, and connect to it as host (session/createRemote). */
import { useState, type FormEvent } from 'react';
import { createRemote } from '../../store/actions';
import { useConsole } from '../../store/store';
import { FormError } from './form-error';
import { hubUrlsProblem, parseHubUrls } from './hub-urls';

export function CreateEventForm() {
  const [hubs, setHubs] = useState(() => useConsole.getState().session.hubUrls.join('\n'));
  const [adminKey, setAdminKey] = useState('');
  const [title, setTitle] = useState('');
  const [name, setName] = useState('Host');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const hubUrls = parseHubUrls(hubs);
    const problem = hubUrlsProblem(hubUrls) ?? (!adminKey ? 'Give the admin key.' : !title.trim() ? 'Give the event a title.' : !name.trim() ? 'Give your name.' : null);
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    const r = await createRemote({ hubUrls, adminKey, title, name });
    setBusy(false);
    if (!r.ok) setError(r.message);
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="create-title">
      <h2 id="create-title">Create an event on a hub</h2>
      <label>
        Hub URLs <span className="muted">(one per line; the console fails over in order)</span>
        <textarea value={hubs} onChange={(e) => setHubs(e.target.value)} rows={2} placeholder="https://hub.example.com" spellCheck={false} />
      </label>
      <label>
        Admin key
        <input type="password" value={adminKey} onChange={(e) => setAdminKey(e.target.value)} autoComplete="off" />
      </label>
      <div className="row">
        <label className="grow">
          Event title
          <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} />
        </label>
        <label>
          Your name
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={60} />
        </label>
      </div>
      <FormError message={error} />
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? 'Creating…' : 'Create event'}
      </button>
    </form>
  );
}
