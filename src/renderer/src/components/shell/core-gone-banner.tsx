/**
 * Issue 14.3: a browser tab whose web host stopped (or restarted on another port, with a new
 * session) can never reach its console again; it says so instead of looking merely offline.
 * A short blip (under 3 s) is not worth a banner: the bridge reconnects by itself.
 */
import { useConsole } from '../../store/store';
import { useNow } from '../../lib/use-now';

const GRACE_MS = 3_000;

export function CoreGoneBanner() {
  const lostAt = useConsole((s) => s.coreLostAt);
  const now = useNow(1000, lostAt !== null);
  if (lostAt === null || now - lostAt < GRACE_MS) return null;
  return (
    <div className="banner banner-bad" role="alert" data-testid="core-gone-banner">
      <span className="banner-icon" aria-hidden="true">
        ⚠
      </span>
      <p>
        <strong>This window lost its console</strong> — the console program behind it stopped or restarted ({Math.round((now - lostAt) / 1000)} s ago). Nothing you do here is
        saved or sent. Open the <code>Console ready:</code> address the console printed when it started again; its outbox kept everything queued before.
      </p>
    </div>
  );
}
