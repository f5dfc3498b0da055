/** The left navigation: the live screens and Setup, each with a number key (new screens take the next numbers, so old keys keep their meaning). */
import { qaCounts, unreadCount } from '../../store/selectors';
import { useConsole } from '../../store/store';
import { navigate } from '../../store/ui-actions';
import type { Screen } from '../../store/slices/ui-slice';

export const SCREENS: Array<{ id: Screen; label: string; key: string; icon: string }> = [
  { id: 'run', label: 'Run of show', key: '1', icon: '▶' },
  { id: 'qa', label: 'Q&A', key: '2', icon: '?' },
  { id: 'live', label: 'Live', key: '3', icon: '∿' },
  { id: 'connection', label: 'Connection', key: '4', icon: '⇅' },
  { id: 'chat', label: 'Chat', key: '6', icon: '✉' },
  { id: 'settings', label: 'Event settings', key: '7', icon: '☰' },
  { id: 'overlays', label: 'Overlays', key: '8', icon: '▣' },
  { id: 'setup', label: 'Setup', key: '5', icon: '⚙' },
];

export function Nav() {
  const screen = useConsole((s) => s.screen);
  const pendingQ = useConsole((s) => qaCounts(s.view?.doc ?? null)?.pending ?? 0);
  const unreadChat = useConsole((s) => (s.screen === 'chat' ? 0 : unreadCount(s.view?.doc.chat ?? [], s.chatSeenTs)));
  return (
    <nav className="nav" aria-label="Screens">
      <ul>
        {SCREENS.map((s) => (
          <li key={s.id} className={s.id === 'setup' ? 'nav-setup' : undefined}>
            <button type="button" aria-current={screen === s.id ? 'page' : undefined} aria-keyshortcuts={s.key} onClick={() => navigate(s.id)}>
              <span className="nav-icon" aria-hidden="true">
                {s.icon}
              </span>
              <span className="nav-label">{s.label}</span>
              {s.id === 'qa' && pendingQ > 0 && <span className="badge" aria-label={`${pendingQ} pending`}>{pendingQ}</span>}
              {s.id === 'chat' && unreadChat > 0 && <span className="badge" aria-label={`${unreadChat} unread`}>{unreadChat}</span>}
              <kbd aria-hidden="true">{s.key}</kbd>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
