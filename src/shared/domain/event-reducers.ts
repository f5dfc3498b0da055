/** event.update, reactions, chat, and the hub-authored presence entry (PROTOCOL.md section 6). */
import { CHAT_KEEP, MAX_STREAM_DELAY_MS } from '../protocol/limits';
import { isStaff } from '../protocol/roles';
import { asData, isBool, isCount, isId, isStringArray, isText, oneOf, type Data } from './data-guards';
import { getOwn, withKey } from './own';
import { closeAllPolls } from './polls';
import { endAllQuizzes } from './quizzes';
import { no, ok, type Handler } from './result';
import type { ChatMessage } from './state';
import type { EventStatus, ResolvedSettings } from './types';

const STATUSES: readonly EventStatus[] = ['scheduled', 'live', 'ended'];

/** Merges the given settings over the current ones; null when a given field is malformed. */
function mergeSettings(cur: ResolvedSettings, raw: unknown): ResolvedSettings | null {
  const d = asData(raw);
  if (!d) return null;
  const next = { ...cur };
  if (d.moderation !== undefined) {
    if (!oneOf(d.moderation, ['pre', 'post'] as const)) return null;
    next.moderation = d.moderation;
  }
  if (d.anonymousQuestions !== undefined) {
    if (!isBool(d.anonymousQuestions)) return null;
    next.anonymousQuestions = d.anonymousQuestions;
  }
  if (d.chat !== undefined) {
    if (!oneOf(d.chat, ['on', 'off'] as const)) return null;
    next.chat = d.chat;
  }
  if (d.reactions !== undefined) {
    if (!isStringArray(d.reactions) || d.reactions.some((r) => r.length === 0)) return null;
    next.reactions = [...new Set(d.reactions)];
  }
  if (d.wordFilter !== undefined) {
    if (!oneOf(d.wordFilter, ['flag', 'off'] as const)) return null;
    next.wordFilter = d.wordFilter;
  }
  if (d.filterWords !== undefined) {
    if (!isStringArray(d.filterWords)) return null;
    next.filterWords = d.filterWords.slice();
  }
  if (d.streamDelayMs !== undefined) {
    const ms = d.streamDelayMs;
    if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > MAX_STREAM_DELAY_MS) return null;
    next.streamDelayMs = ms;
  }
  return next;
}

/**
 * Title, status, settings merged. Changing the filter or moderation mode does not re-judge earlier
 * items. Ending the event closes every open poll and ends every running quiz in the same entry (P29).
 */
export const eventUpdate: Handler = (s, e, d) => {
  const { title, status, settings } = d;
  if (title !== undefined && !isText(title)) return no(s, 'invalid');
  if (status !== undefined && !oneOf(status, STATUSES)) return no(s, 'invalid');
  const merged = settings === undefined ? s.event.settings : mergeSettings(s.event.settings, settings);
  if (!merged) return no(s, 'invalid');
  const event = { ...s.event, title: title ?? s.event.title, status: status ?? s.event.status, settings: merged };
  const next = { ...s, event };
  return ok(event.status === 'ended' && s.event.status !== 'ended' ? endAllQuizzes(closeAllPolls(next, e.ts), e.ts) : next);
};

export const reactionSend: Handler = (s, _e, d) => {
  const emoji = d.emoji;
  if (typeof emoji !== 'string') return no(s, 'invalid');
  if (!s.event.settings.reactions.includes(emoji)) return no(s, 'not_allowed_emoji');
  return ok({ ...s, reactions: withKey(s.reactions, emoji, (getOwn(s.reactions, emoji) ?? 0) + 1) });
};

/** Appended when chat is on (staff may always post); the latest CHAT_KEEP are kept. Ids are unique among those kept. */
export const chatSend: Handler = (s, e, d) => {
  const { messageId, text } = d;
  if (!isId(messageId) || !isText(text)) return no(s, 'invalid');
  if (s.event.settings.chat === 'off' && !isStaff(e.role)) return no(s, 'chat_off');
  if (s.chat.some((m) => m.id === messageId)) return no(s, 'duplicate_id');
  const msg: ChatMessage = { id: messageId, clientId: e.clientId, authorName: e.author ?? null, role: e.role, text, ts: e.ts };
  const chat = s.chat.length >= CHAT_KEEP ? [...s.chat.slice(s.chat.length - CHAT_KEEP + 1), msg] : [...s.chat, msg];
  return ok({ ...s, chat });
};

export const chatDelete: Handler = (s, _e, d: Data) => {
  if (!isId(d.messageId)) return no(s, 'invalid');
  const i = s.chat.findIndex((m) => m.id === d.messageId);
  if (i < 0) return no(s, 'unknown_message');
  return ok({ ...s, chat: s.chat.filter((_, j) => j !== i) });
};

/** `hub.presence` {online}: written by the hub at most once a second, so views stay a function of the serial. */
export const hubPresence: Handler = (s, _e, d) => {
  const online = d.online;
  if (!isCount(online)) return no(s, 'invalid');
  if (online === s.audience.online && online <= s.audience.peak) return no(s, 'no_change');
  return ok({ ...s, audience: { online, peak: Math.max(s.audience.peak, online) } });
};
