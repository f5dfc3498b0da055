/** The hubs this console connects to, in failover order (session/setHubUrls). */
import { useState, type FormEvent } from 'react';
import { setHubUrls } from '../../store/actions';
import { useConsole } from '../../store/store';
import { FormError } from './form-error';
import { hubUrlsProblem, parseHubUrls } from './hub-urls';

export function HubUrlsForm() {
  const current = useConsole((s) => s.session.hubUrls.join('\n'));
  const [text, setText] = useState(current);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const urls = parseHubUrls(text);
    const problem = hubUrlsProblem(urls);
    if (problem) return setError(problem);
    const r = await setHubUrls(urls);
    setError(r.ok ? null : r.message);
    setSaved(r.ok);
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="hubs-title">
      <h2 id="hubs-title">Hub URLs</h2>
      <label>
        <span className="muted">One per line, tried in order when a hub fails</span>
        <textarea value={text} onChange={(e) => { setText(e.target.value); setSaved(false); }} rows={3} spellCheck={false} aria-label="Hub URLs" />
      </label>
      <FormError message={error} />
      <div className="row">
        <button type="submit" className="button" disabled={text === current}>
          Save hub URLs
        </button>
        {saved && <span role="status">✓ Saved</span>}
      </div>
    </form>
  );
}
