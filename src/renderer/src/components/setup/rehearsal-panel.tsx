/** A simulated audience for rehearsing the show (rehearsal/start, rehearsal/stop). */
import { useState } from 'react';
import { startRehearsal, stopRehearsal } from '../../store/actions';
import { useConsole } from '../../store/store';

type Profile = 'quiet' | 'lively' | 'storm';

export function RehearsalPanel() {
  const status = useConsole((s) => s.rehearsal);
  const [audience, setAudience] = useState(200);
  const [profile, setProfile] = useState<Profile>('lively');
  const running = status?.running ?? false;
  return (
    <section className="card form" aria-labelledby="rehearsal-title">
      <h2 id="rehearsal-title">Rehearsal audience</h2>
      <p className="muted">Simulated people who join, vote, ask and react, so you can practise the show.</p>
      <div className="row">
        <label>
          People
          <input type="number" min={1} max={20000} value={audience} onChange={(e) => setAudience(Number(e.target.value))} disabled={running} />
        </label>
        <label>
          Behaviour
          <select value={profile} onChange={(e) => setProfile(e.target.value as Profile)} disabled={running}>
            <option value="quiet">Quiet</option>
            <option value="lively">Lively</option>
            <option value="storm">Storm</option>
          </select>
        </label>
      </div>
      <div className="row">
        {running ? (
          <button type="button" className="button" onClick={() => void stopRehearsal()}>
            Stop rehearsal
          </button>
        ) : (
          <button type="button" className="button" onClick={() => void startRehearsal(Math.max(1, Math.min(20000, Math.round(audience) || 1)), profile)}>
            Start rehearsal
          </button>
        )}
        {status && (
          <span role="status" className="muted">
            {status.running ? `▶ Running: ${status.connected} of ${status.audience} connected` : 'Stopped'}
            {status.lastError && ` — ${status.lastError}`}
          </span>
        )}
      </div>
    </section>
  );
}
