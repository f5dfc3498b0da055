/**
 * Enter the code (prefilled from /j/<code>) and, if you like, a name. When the join answer says
 * the event has a stream delay (P30, protocol note 37), ask whether the person is in the room or
 * watching the stream; the stream joins again with `watching: "stream"` (a fresh token with `wat`).
 */
import { useId, useState, type FormEvent } from 'react';
import { fullJitterDelay } from '../../shared/client/backoff';
import { safeStorage } from '../lib/controller';
import { checkLength, isPlausibleCode, NAME_MAX, normaliseCode } from '../lib/limits';
import { join, loadSession, type Session, type Watching } from '../lib/session';
import { WatchingChoice } from './watching-choice';

const JOIN_RETRIES = 5;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function JoinScreen({ initialCode, hubs, onJoined }: { initialCode: string; hubs: string[]; onJoined(s: Session): void }) {
  const [code, setCode] = useState(initialCode);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** Joined as a room viewer, waiting for the answer to "in the room or watching the stream?". */
  const [asking, setAsking] = useState<Session | null>(null);
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
    const s = await joinWithRetries('room');
    if (!s) return;
    if (s.streamDelayMs > 0) setAsking(s);
    else onJoined(s);
  }

  async function joinWithRetries(watching: Watching): Promise<Session | null> {
    setBusy(true);
    setError(null);
    for (let attempt = 0; ; attempt++) {
      const r = await join(hubs, cleanCode, (nameCheck.ok && nameCheck.text) || null, watching);
      if (r.ok) {
        setBusy(false);
        return r.session;
      }
      if (r.error.code !== 'rate_limited' || attempt >= JOIN_RETRIES) {
        setBusy(false);
        setError(r.error.message);
        return null;
      }
      setError(r.error.message);
      await sleep(fullJitterDelay(attempt + 1, Math.random, { baseMs: 400, capMs: 10_000 }));
    }
  }

  async function pick(w: Watching) {
    if (!asking || busy) return;
    if (w === 'room') return onJoined(asking);
    const s = await joinWithRetries('stream');
    if (s) onJoined(s);
  }

  if (asking) return <WatchingChoice delayMs={asking.streamDelayMs} busy={busy} error={error} onPick={(w) => void pick(w)} />;

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
