/** One click: the embedded hub on this machine and a fresh event on it (session/startLocal). */
import { useState, type FormEvent } from 'react';
import { startLocal } from '../../store/actions';
import { FormError } from './form-error';

export function StartLocalForm() {
  const [title, setTitle] = useState('My event');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!title.trim()) return setError('Give the event a title.');
    setBusy(true);
    setError(null);
    const r = await startLocal(title);
    setBusy(false);
    if (!r.ok) setError(r.message);
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="local-title">
      <h2 id="local-title">Start a local event</h2>
      <p className="muted">Runs the hub on this computer. The audience joins over the local network.</p>
      <label>
        Event title
        <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} required />
      </label>
      <FormError message={error} />
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? 'Starting…' : 'Start local event'}
      </button>
    </form>
  );
}
