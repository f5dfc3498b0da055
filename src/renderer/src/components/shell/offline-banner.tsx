/**
 * While the link is not up, says so plainly and what happens to the operator's actions
 * (issue 5.5): they are kept and sent in order when the connection returns.
 */
import { useConsole } from '../../store/store';
import { useNow } from '../../lib/use-now';

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

export function OfflineBanner() {
  const mode = useConsole((s) => s.session.mode);
  const state = useConsole((s) => s.link.state);
  const retryAt = useConsole((s) => s.link.retryAt);
  const reason = useConsole((s) => s.link.reason);
  const pending = useConsole((s) => s.pendingCount);
  // Without the core this status is stale; CoreGoneBanner speaks instead.
  const coreLost = useConsole((s) => s.coreLostAt !== null);
  // The very first connect (nothing has failed yet) is not "offline".
  const firstConnect = state === 'connecting' && reason === null;
  const down = !coreLost && mode !== 'none' && state !== 'connected' && state !== 'closed' && !firstConnect;
  const now = useNow(1000, down && retryAt !== null);
  if (!down) return null;

  const queued = pending > 0
    ? `${plural(pending, 'action', 'actions')} queued; they will be sent in order when the connection returns.`
    : 'Anything you do is queued and sent in order when the connection returns.';
  const retry = retryAt !== null && retryAt > now ? ` Retrying in ${Math.ceil((retryAt - now) / 1000)} s.` : state === 'connecting' ? ' Reconnecting now…' : '';
  const headline = state === 'failed' ? 'Connection failed' : state === 'connecting' ? 'Not connected' : 'Offline';

  return (
    <div className={`banner ${state === 'failed' ? 'banner-bad' : 'banner-warn'}`} role="alert" data-testid="offline-banner">
      <span className="banner-icon" aria-hidden="true">
        {state === 'failed' ? '⚠' : '⇣'}
      </span>
      <p>
        <strong>{headline}</strong> — {queued}
        {retry}
        {reason && <span className="muted"> ({reason})</span>}
      </p>
    </div>
  );
}
