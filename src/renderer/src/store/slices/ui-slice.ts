/** What the operator is looking at: screen, theme, and the Q&A queue's cursor and selection. */
export type Screen = 'run' | 'qa' | 'live' | 'connection' | 'setup' | 'settings' | 'chat' | 'overlays';
export type ThemeChoice = 'system' | 'light' | 'dark';
export type QaFilter = 'pending' | 'approved' | 'answered' | 'rejected' | 'archived' | 'flagged' | 'all';
export type QaSort = 'upvotes' | 'newest' | 'oldest';

export interface UiSlice {
  screen: Screen;
  theme: ThemeChoice;
  /** The theme in effect (system preference resolved), for chart colours. */
  resolvedTheme: 'light' | 'dark';
  qaFilter: QaFilter;
  qaSort: QaSort;
  /** The question the keyboard acts on, and its last index (to land nearby when it leaves the list). */
  qaCursorId: string | null;
  qaCursorIndex: number;
  qaSelected: ReadonlySet<string>;
  /** The poll or quiz Run-of-show hotkeys act on. */
  cueId: string | null;
  helpOpen: boolean;
  /** Hub time of the newest chat message shown on the Chat screen: newer ones count as unread. */
  chatSeenTs: number;
}

export const createUiSlice = (): UiSlice => ({
  screen: 'setup',
  theme: 'system',
  resolvedTheme: 'light',
  qaFilter: 'pending',
  qaSort: 'upvotes',
  qaCursorId: null,
  qaCursorIndex: 0,
  qaSelected: new Set(),
  cueId: null,
  helpOpen: false,
  chatSeenTs: 0,
});
