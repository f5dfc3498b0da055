/** What the host shows the room: join code, audience URL and its QR code; and the event's status. */
import { useConsole } from '../../store/store';
import { setEventStatus } from '../../store/actions';
import { isLoopbackUrl, LOOPBACK_WARNING } from '../../../../shared/join-url';
import { CopyButton } from './copy-button';
import { QrCode } from './qr-code';

const STATUSES = [
  { value: 'scheduled', label: 'Scheduled' },
  { value: 'live', label: 'Live' },
  { value: 'ended', label: 'Ended' },
] as const;

export function EventCard() {
  const title = useConsole((s) => s.view?.doc.event.title ?? s.session.title ?? 'Event');
  const code = useConsole((s) => s.session.joinCode);
  const url = useConsole((s) => s.session.joinUrl);
  const mode = useConsole((s) => s.session.mode);
  const isHost = useConsole((s) => s.session.role === 'host');
  const status = useConsole((s) => s.view?.doc.event.status ?? null);
  // Only a status change: a queued settings change (Event settings screen) is not this control's.
  const pending = useConsole((s) => s.pendingCount > 0 && s.outbox.some((i) => i.name === 'event.update' && (i.state === 'queued' || i.state === 'sent') && (i.data as { status?: unknown } | null)?.status !== undefined));
  return (
    <section className="card event-card" aria-labelledby="event-card-title">
      <div className="event-card-text">
        <h2 id="event-card-title">{title}</h2>
        <p className="muted">{mode === 'local' ? 'Local event (hub on this computer)' : 'Event on a hub'}</p>
        <dl className="facts">
          <div className="kv">
            <dt>Join code</dt>
            <dd>
              <strong className="big-code" data-testid="join-code">
                {code ?? '—'}
              </strong>
            </dd>
          </div>
          <div className="kv">
            <dt>Audience URL</dt>
            <dd className="url-row">
              {url ? (
                <>
                  <a href={url} target="_blank" rel="noreferrer" data-testid="join-url">
                    {url}
                  </a>
                  <CopyButton text={url} label="Copy audience URL" />
                </>
              ) : (
                <span className="muted">Not available (the audience app is served by the hub)</span>
              )}
            </dd>
          </div>
        </dl>
        {url && isLoopbackUrl(url) && (
          <p className="banner banner-warn" role="alert" data-testid="loopback-warning">
            {LOOPBACK_WARNING}
          </p>
        )}
        {isHost && (
          <fieldset className="segmented" aria-describedby={pending ? 'status-pending' : undefined}>
            <legend>Event status</legend>
            {STATUSES.map((s) => (
              <label key={s.value} className={status === s.value ? 'on' : undefined}>
                <input type="radio" name="event-status" value={s.value} checked={status === s.value} onChange={() => void setEventStatus(s.value)} />
                {status === s.value && <span aria-hidden="true">✓ </span>}
                {s.label}
              </label>
            ))}
            {pending && (
              <span id="status-pending" className="tag tag-queued">
                ⏳ queued
              </span>
            )}
          </fieldset>
        )}
      </div>
      {url && <QrCode text={url} label={`QR code for ${url}`} />}
    </section>
  );
}
