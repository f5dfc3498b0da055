/**
 * The audience app's state (zustand): fed from outside React by the controller, read by the
 * screens through small selectors.
 */
import { create } from 'zustand';
import type { AudienceView, SelfView } from '../../shared/domain/types';
import { initialLink, type LinkStatus } from './hub-link';
import type { OutboxRecord } from './outbox';
import type { Session } from './session';

export interface AudienceActions {
  vote(pollId: string, optionIds: string[]): void;
  voteWord(pollId: string, text: string): void;
  ask(text: string, anonymous: boolean): void;
  chat(text: string): void;
  toggleUpvote(questionId: string, upvoted: boolean): void;
  answer(quizId: string, questionId: string, optionId: string): void;
  /** False when the reaction was not sent (offline, or too many too fast). */
  react(emoji: string): boolean;
  /** The hub's clock now (ms since the epoch), for countdowns. */
  hubNow(): number;
}

export interface AudienceState {
  session: Session | null;
  link: LinkStatus;
  view: AudienceView | null;
  self: SelfView | null;
  outbox: readonly OutboxRecord[];
  actions: AudienceActions | null;
}

export { initialLink };

export const useAudience = create<AudienceState>(() => ({
  session: null,
  link: initialLink,
  view: null,
  self: null,
  outbox: [],
  actions: null,
}));
