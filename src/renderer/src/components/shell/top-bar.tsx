/** Event title, join code, link state and outbox count: what a host glances at mid-show. */
import { useConsole } from '../../store/store';
import { LinkPill } from './link-pill';
import { LoadAlertPill } from './load-alert-pill';
import { OutboxCount } from './outbox-count';
import { ThemeSwitch } from './theme-switch';

export function TopBar() {
  const title = useConsole((s) => s.view?.doc.event.title ?? s.session.title);
  const code = useConsole((s) => s.session.joinCode);
  const role = useConsole((s) => s.session.role);
  const status = useConsole((s) => s.view?.doc.event.status ?? null);
  return (
    <header className="top-bar">
      <div className="brand" aria-hidden="true">
        Stagecall
      </div>
      <div className="event-title">
        <h1>{title ?? 'No event'}</h1>
        {status && <span className={`tag tag-${status}`}>{status === 'live' ? '● Live' : status === 'ended' ? 'Ended' : 'Scheduled'}</span>}
        {role && <span className="tag">{role}</span>}
      </div>
      {code && (
        <div className="join-code" aria-label={`Join code ${code}`}>
          <span className="muted">Join code</span> <strong data-testid="topbar-join-code">{code}</strong>
        </div>
      )}
      <div className="top-bar-end">
        <LoadAlertPill />
        <LinkPill />
        <OutboxCount />
        <ThemeSwitch />
      </div>
    </header>
  );
}
