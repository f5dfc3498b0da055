/** UI-only state changes (no API): screens, theme, the Q&A cursor and selection, the current cue. */
import type { QaFilter, QaSort, Screen, ThemeChoice } from './slices/ui-slice';
import { useConsole } from './store';

const THEME_KEY = 'stagecall.theme';

export const navigate = (screen: Screen): void => useConsole.setState({ screen });
/** The Chat screen showed messages up to this hub time: the nav counts only newer ones as unread. */
export const markChatSeen = (ts: number): void => useConsole.setState((s) => (ts > s.chatSeenTs ? { chatSeenTs: ts } : s));
export const toggleHelp = (open?: boolean): void => useConsole.setState((s) => ({ helpOpen: open ?? !s.helpOpen }));

export function setTheme(theme: ThemeChoice): void {
  try {
    localStorage.setItem(THEME_KEY, theme);
  } catch {
    // storage may be unavailable (private mode): the choice lasts for this session only
  }
  useConsole.setState({ theme });
}

export function savedTheme(): ThemeChoice {
  try {
    const v = localStorage.getItem(THEME_KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

export const setResolvedTheme = (resolvedTheme: 'light' | 'dark'): void => useConsole.setState({ resolvedTheme });
export const setLoadThreshold = (loadThreshold: number): void => useConsole.setState({ loadThreshold: Number.isFinite(loadThreshold) ? Math.min(1, Math.max(0, loadThreshold)) : 0.8 });

export const setQaFilter = (qaFilter: QaFilter): void => useConsole.setState({ qaFilter, qaSelected: new Set(), qaCursorIndex: 0, qaCursorId: null });
export const setQaSort = (qaSort: QaSort): void => useConsole.setState({ qaSort });
export const setQaCursor = (id: string | null, index: number): void => useConsole.setState({ qaCursorId: id, qaCursorIndex: Math.max(0, index) });

export function toggleQaSelected(id: string): void {
  useConsole.setState((s) => {
    const next = new Set(s.qaSelected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return { qaSelected: next };
  });
}

export const setQaSelection = (ids: Iterable<string>): void => useConsole.setState({ qaSelected: new Set(ids) });
export const selectCue = (cueId: string | null): void => useConsole.setState({ cueId });
