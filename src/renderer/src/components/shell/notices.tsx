/** Transient messages: refused actions, failed requests, the core's notices. */
import { useConsole } from '../../store/store';
import { dismissNotice } from '../../store/notices';

const ICON = { info: 'ℹ', warning: '⚠', error: '✕' } as const;

export function Notices() {
  const notices = useConsole((s) => s.notices);
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.level}`}>
          <span aria-hidden="true">{ICON[n.level]}</span>
          <p>{n.message}</p>
          <button type="button" className="icon-button" onClick={() => dismissNotice(n.id)} aria-label="Dismiss message">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
