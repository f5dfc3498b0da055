/** Enter the code (prefilled from /j/<code>) and, if you like, a name. */
import { useId, useState, type FormEvent } from 'react';
import { fullJitterDelay } from '../../shared/client/backoff';
import { safeStorage } from '../lib/controller';
import { checkLength, isPlausibleCode, NAME_MAX, normaliseCode } from '../lib/limits';
import { join, loadSession, type Session } from '../lib/session';

const JOIN_RETRIES = 5;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function JoinScreen({ initialCode, hubs, onJoined }: { initialCode: string; hubs: string[]; onJoined(s: Session): void }) {
  const [code, setCode] = useState(initialCode);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = { code: useId(), name: useId(), nameHelp: useId(), codeHelp: useId() };

  const cleanCode = normaliseCode(code);
  const nameCheck = checkLength(name, NAME_MAX, 'name', false);
  const codeProblem = code.trim() && !isPlausibleCode(cleanCode) && cleanCode.length >= 6 ? 'Codes are 6 letters and digits, like K7QW2X.' : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (!isPlausibleCode(cleanCode)) {
      setError('Please enter the 6-character code shown on the screen.');
      return;
    }
    if (!nameCheck.ok) return;
    const stored = loadSession(safeStorage(), cleanCode);
    if (stored) {
      onJoined(stored); // same person as before on this phone: same ballots, same score
      return;
    }
    setBusy(true);
    setError(null);
    for (let attempt = 0; ; attempt++) {
      const r = await join(hubs, cleanCode, nameCheck.text || null);
      if (r.ok) {
        setBusy(false);
        onJoined(r.session);
        return;
      }
      if (r.error.code !== 'rate_limited' || attempt >= JOIN_RETRIES) {
        setBusy(false);
        setError(r.error.message);
        return;
      }
      setError(r.error.message);
      await sleep(fullJitterDelay(attempt + 1, Math.random, { baseMs: 400, capMs: 10_000 }));
    }
  }

  return (
    <main className="join">
      <div className="join-card">
        <p className="brand" aria-hidden="true">Stagecall</p>
        <h1>Join the event</h1>
        <form onSubmit={submit} noValidate aria-label="Join the event">
          <label htmlFor={ids.code}>Event code</label>
          <input
            id={ids.code}
            className="code-input"
            value={code}
            onChange={(e) => setCode(e.target.value.toUpperCase())}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={12}
            placeholder="K7QW2X"
            aria-describedby={ids.codeHelp}
            aria-invalid={codeProblem ? true : undefined}
          />
          <p id={ids.codeHelp} className={codeProblem ? 'field-error' : 'field-help'}>
            {codeProblem ?? 'The code is on the big screen.'}
          </p>
          <label htmlFor={ids.name}>Your name (optional)</label>
          <input
            id={ids.name}
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoComplete="nickname"
            placeholder="Shown with your questions and on the leaderboard"
            aria-describedby={ids.nameHelp}
            aria-invalid={nameCheck.ok ? undefined : true}
          />
          <p id={ids.nameHelp} className={nameCheck.ok ? 'field-help' : 'field-error'} role={nameCheck.ok ? undefined : 'alert'}>
            {nameCheck.ok ? `Up to ${NAME_MAX} characters. Leave empty to stay anonymous.` : nameCheck.message}
          </p>
          <button type="submit" className="primary" disabled={busy || !nameCheck.ok}>
            {busy ? 'Joining…' : 'Join'}
          </button>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
        </form>
      </div>
    </main>
  );
}
