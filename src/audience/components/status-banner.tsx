/** The event's status and the state of the link, in words. */
import { linkPhase, type LinkPhase } from '../lib/hub-link';
import { useAudience } from '../lib/store';

const LINK_TEXT: Partial<Record<LinkPhase, string>> = {
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting… what you do is saved and will be sent.',
  offline: 'You are offline. What you do is saved on this phone and sent when you are back.',
};

/** The link's trouble, if any: lives in the sticky header so it stays in sight while scrolling. */
export function LinkBanner({ onLeave }: { onLeave(): void }) {
  const phase = useAudience((s) => linkPhase(s.link));
  const waiting = useAudience((s) => s.outbox.filter((r) => r.state === 'queued' || r.state === 'sent').length);
  // P32: a revoked token is refused for good; say who ended it, not that it ran out.
  const revoked = useAudience((s) => /revoked/.test(s.link.detail ?? ''));

  if (phase === 'unauthorized') {
    return (
      <div className="banner banner-error" role="alert">
        <p>{revoked ? 'The organisers removed this phone from the event.' : 'Your place at this event has expired.'}</p>
        <button type="button" onClick={onLeave}>
          Join again
        </button>
      </div>
    );
  }
  const link = LINK_TEXT[phase];
  if (!link) return null;
  return (
    <div className={`banner banner-${phase}`} role="status" aria-live="polite">
      <p>
        {link}
        {waiting > 0 && phase !== 'connecting' ? ` (${waiting} waiting)` : ''}
      </p>
    </div>
  );
}

/** Whether the event has started or ended. */
export function EventBanner() {
  const status = useAudience((s) => s.view?.event.status ?? null);
  return (
    <>
      {status === 'scheduled' && (
        <div className="banner banner-info" role="status">
          <p>The event has not started yet. Keep this page open.</p>
        </div>
      )}
      {status === 'ended' && (
        <div className="banner banner-info" role="status">
          <p>This event has ended. Thank you for taking part!</p>
        </div>
      )}
    </>
  );
}

export function LinkDot() {
  const phase = useAudience((s) => linkPhase(s.link));
  const hub = useAudience((s) => s.link.hub);
  const status = useAudience((s) => s.view?.event.status ?? null);
  // A refused token is not retried: "Connecting" would promise what will not happen.
  const label = phase === 'online' ? (status === 'live' ? 'Live' : 'Connected') : phase === 'offline' ? 'Offline' : phase === 'unauthorized' ? 'Disconnected' : 'Connecting';
  return (
    <span className={`link-dot link-${phase === 'online' ? 'on' : 'off'}`} aria-label={`Connection: ${label}`} role="img" data-hub={hub ?? undefined}>
      {label}
    </span>
  );
}
