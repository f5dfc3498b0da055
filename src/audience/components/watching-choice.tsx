/**
 * P30: asked once after joining, only when the event has a stream delay: someone watching the
 * stream sees everything seconds late, so the hub opens, closes and times polls and quizzes for
 * them by that delay.
 */
import type { Watching } from '../lib/session';

export function WatchingChoice({ delayMs, busy, error, onPick }: { delayMs: number; busy: boolean; error: string | null; onPick(w: Watching): void }) {
  const seconds = Math.max(1, Math.round(delayMs / 1000));
  return (
    <main className="join">
      <div className="join-card">
        <p className="brand" aria-hidden="true">Stagecall</p>
        <h1>Where are you watching?</h1>
        <p className="field-help">
          The stream runs about {seconds} s behind the room. Tell us which you see, and polls and quizzes will keep time with you.
        </p>
        <div className="watching-choice" role="group" aria-label="Where are you watching?">
          <button type="button" className="primary" disabled={busy} onClick={() => onPick('room')}>
            In the room
          </button>
          <button type="button" className="primary" disabled={busy} onClick={() => onPick('stream')}>
            {busy ? 'Joining…' : 'Watching the stream'}
          </button>
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </main>
  );
}
