/** Toast-style notices (core `notice` events, refused actions, failed requests); bounded and self-expiring. */
import type { Notice } from './slices/log-slice';
import { useConsole, type ConsoleStore } from './store';

const KEEP = 5;
const LIFETIME_MS: Record<Notice['level'], number> = { info: 6_000, warning: 10_000, error: 15_000 };
let nextId = 1;

export function addNotice(level: Notice['level'], message: string, store: ConsoleStore = useConsole): void {
  const notice: Notice = { id: nextId++, level, message, at: Date.now() };
  store.setState((s) => ({ notices: [...s.notices, notice].slice(-KEEP) }));
  setTimeout(() => dismissNotice(notice.id, store), LIFETIME_MS[level]);
}

export function dismissNotice(id: number, store: ConsoleStore = useConsole): void {
  store.setState((s) => (s.notices.some((n) => n.id === id) ? { notices: s.notices.filter((n) => n.id !== id) } : s));
}
