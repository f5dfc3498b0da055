/** How many actions are waiting for the hub's answer; a button to the Connection screen's outbox. */
import { useConsole } from '../../store/store';
import { navigate } from '../../store/ui-actions';

export function OutboxCount() {
  const pending = useConsole((s) => s.pendingCount);
  const online = useConsole((s) => s.link.state === 'connected');
  const text = pending === 0 ? 'Outbox empty' : `${pending} ${online ? 'sending' : 'queued'}`;
  return (
    <button type="button" className={`pill pill-button ${pending ? 'pill-warn' : 'pill-muted'}`} onClick={() => navigate('connection')} aria-label={`Outbox: ${text}`} data-testid="outbox-count">
      <span aria-hidden="true">{pending ? '⇡' : '✓'}</span> {text}
    </button>
  );
}
