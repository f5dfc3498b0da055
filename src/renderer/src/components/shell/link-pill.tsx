/** The link state in words and an icon (never colour alone). */
import type { LinkState } from '../../../../shared/console-api';
import { useConsole } from '../../store/store';

const LABEL: Record<LinkState, { text: string; icon: string; tone: string }> = {
  closed: { text: 'Not connected', icon: '○', tone: 'muted' },
  connecting: { text: 'Connecting…', icon: '◌', tone: 'warn' },
  connected: { text: 'Connected', icon: '●', tone: 'ok' },
  disconnected: { text: 'Offline', icon: '✕', tone: 'bad' },
  suspended: { text: 'Offline (suspended)', icon: '✕', tone: 'bad' },
  failed: { text: 'Connection failed', icon: '⚠', tone: 'bad' },
};

export const linkLabel = (s: LinkState): string => LABEL[s].text;

export function LinkPill() {
  const state = useConsole((s) => s.link.state);
  const l = LABEL[state];
  return (
    <span className={`pill pill-${l.tone}`} role="status" aria-label={`Link: ${l.text}`} data-link-state={state}>
      <span aria-hidden="true">{l.icon}</span> {l.text}
    </span>
  );
}
