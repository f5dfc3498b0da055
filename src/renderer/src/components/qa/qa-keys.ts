/**
 * The moderation keys (issue 5.3): they act on the question under the cursor and read the queue
 * fresh from the store, so a fast run of keystrokes never acts on a stale list.
 */
import type { QuestionStatus, QuestionView } from '../../../../shared/domain/types';
import { moderate, pinQuestion } from '../../store/actions';
import { qaQueue } from '../../store/selectors';
import { useConsole } from '../../store/store';
import { setQaCursor, toggleQaSelected } from '../../store/ui-actions';
import type { HotkeyMap } from '../../lib/hotkeys';

/** The question under the cursor: the one it names, or (when that one left the list) whatever took its place. */
export function cursorOf(rows: readonly QuestionView[], cursorId: string | null, cursorIndex: number): { q: QuestionView; index: number } | null {
  if (rows.length === 0) return null;
  if (cursorId) {
    const i = rows.findIndex((r) => r.id === cursorId);
    if (i >= 0) return { q: rows[i] as QuestionView, index: i };
  }
  const index = Math.min(Math.max(0, cursorIndex), rows.length - 1);
  return { q: rows[index] as QuestionView, index };
}

function current(): { rows: QuestionView[]; cur: { q: QuestionView; index: number } | null } {
  const s = useConsole.getState();
  const rows = qaQueue(s.view?.doc ?? null, s.qaFilter, s.qaSort);
  return { rows, cur: cursorOf(rows, s.qaCursorId, s.qaCursorIndex) };
}

function step(d: number): void {
  const { rows, cur } = current();
  if (rows.length === 0) return;
  const index = cur ? Math.min(rows.length - 1, Math.max(0, cur.index + d)) : 0;
  setQaCursor((rows[index] as QuestionView).id, index);
}

/** Moderates the current question, then moves on (the next one is what a moderator reads next). */
function act(status: QuestionStatus): void {
  const { cur } = current();
  if (!cur) return;
  void moderate(cur.q.id, status);
  step(1);
}

export const qaHotkeys: HotkeyMap = {
  j: () => step(1),
  ArrowDown: () => step(1),
  k: () => step(-1),
  ArrowUp: () => step(-1),
  a: () => act('approved'),
  r: () => act('rejected'),
  d: () => act('answered'),
  e: () => act('archived'),
  u: () => act('pending'),
  p: () => {
    const { cur } = current();
    if (cur) void pinQuestion(cur.q.id, !cur.q.pinned);
  },
  x: () => {
    const { cur } = current();
    if (cur) toggleQaSelected(cur.q.id);
  },
};
