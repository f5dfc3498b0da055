/**
 * The Event settings form's fields (P20, P30) and how they become `event.update` settings:
 * each field checked with a message that names it, and only what changed is sent.
 */
import type { ResolvedSettings } from '../../../shared/domain/types';
import type { EventSettings } from '../../../shared/protocol/messages';
import { MAX_STREAM_DELAY_MS } from '../../../shared/protocol/limits';

/** What the form holds: text where people type, so a half-typed value is never lost. */
export interface SettingsInput {
  moderation: 'pre' | 'post';
  anonymousQuestions: boolean;
  chat: boolean;
  /** Emoji separated by spaces or commas (or typed together). */
  reactions: string;
  wordFilter: boolean;
  /** Extra filter words or phrases, one a line. */
  filterWords: string;
  /** Seconds, as typed. */
  streamDelaySec: string;
}

export type SettingsField = 'reactions' | 'filterWords' | 'streamDelaySec';
export type SettingsErrors = Partial<Record<SettingsField, string>>;

// The hub's limits (src/shared/protocol/messages.ts EventSettings).
export const MAX_REACTIONS = 8;
const MAX_EMOJI_UNITS = 16;
export const MAX_FILTER_WORDS = 500;
export const MAX_FILTER_WORD = 40;

export const inputOf = (s: ResolvedSettings): SettingsInput => ({
  moderation: s.moderation,
  anonymousQuestions: s.anonymousQuestions,
  chat: s.chat === 'on',
  reactions: s.reactions.join(' '),
  wordFilter: s.wordFilter === 'flag',
  filterWords: s.filterWords.join('\n'),
  streamDelaySec: String(s.streamDelayMs / 1000),
});

const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
const graphemes = (s: string): string[] => Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s), (g) => g.segment);

/** Emoji from what was typed: "👍 ❤️,😂" and "👍❤️😂" both give three. */
export function parseReactions(raw: string): { ok: true; value: string[] } | { ok: false; message: string } {
  const out: string[] = [];
  for (const token of raw.split(/[\s,]+/).filter((t) => t.length > 0)) {
    for (const g of graphemes(token)) {
      if (!PICTOGRAPHIC.test(g)) return { ok: false, message: `“${token.slice(0, 20)}” is not an emoji: reactions are emoji, separated by spaces.` };
      if (g.length > MAX_EMOJI_UNITS) return { ok: false, message: `“${g}” is too long for a reaction.` };
      if (out.includes(g)) return { ok: false, message: `${g} is in the set twice.` };
      out.push(g);
    }
  }
  if (out.length > MAX_REACTIONS) return { ok: false, message: `${out.length} reactions: the limit is ${MAX_REACTIONS}. Remove ${out.length - MAX_REACTIONS}.` };
  return { ok: true, value: out };
}

function parseFilterWords(raw: string): { ok: true; value: string[] } | { ok: false; message: string } {
  const words: string[] = [];
  for (const line of raw.split('\n')) {
    const w = line.trim();
    if (!w || words.includes(w)) continue;
    if (w.length > MAX_FILTER_WORD) return { ok: false, message: `“${w.slice(0, 30)}…” is ${w.length} characters; a filter word or phrase may have ${MAX_FILTER_WORD}.` };
    words.push(w);
  }
  if (words.length > MAX_FILTER_WORDS) return { ok: false, message: `${words.length} words: the list may hold ${MAX_FILTER_WORDS}.` };
  return { ok: true, value: words };
}

function parseDelay(raw: string): { ok: true; value: number } | { ok: false; message: string } {
  const max = MAX_STREAM_DELAY_MS / 1000;
  const t = raw.trim();
  const sec = t === '' ? 0 : Number(t);
  if (!/^\d+(\.\d+)?$/.test(t === '' ? '0' : t) || !Number.isFinite(sec)) return { ok: false, message: `The stream delay is a number of seconds, 0 to ${max}.` };
  if (sec > max) return { ok: false, message: `The stream delay may be at most ${max} seconds.` };
  return { ok: true, value: Math.round(sec * 1000) };
}

export type SettingsCheck = { ok: true; settings: Required<EventSettings> } | { ok: false; errors: SettingsErrors };

/** The whole form checked: every field's problem at once, or the settings it means. */
export function checkSettings(input: SettingsInput): SettingsCheck {
  const reactions = parseReactions(input.reactions);
  const filterWords = parseFilterWords(input.filterWords);
  const delay = parseDelay(input.streamDelaySec);
  if (!reactions.ok || !filterWords.ok || !delay.ok) {
    const errors: SettingsErrors = {};
    if (!reactions.ok) errors.reactions = reactions.message;
    if (!filterWords.ok) errors.filterWords = filterWords.message;
    if (!delay.ok) errors.streamDelaySec = delay.message;
    return { ok: false, errors };
  }
  return {
    ok: true,
    settings: {
      moderation: input.moderation,
      anonymousQuestions: input.anonymousQuestions,
      chat: input.chat ? 'on' : 'off',
      reactions: reactions.value,
      wordFilter: input.wordFilter ? 'flag' : 'off',
      filterWords: filterWords.value,
      streamDelayMs: delay.value,
    },
  };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Only the settings that differ from the hub's; null when none do. */
export function changedSettings(current: ResolvedSettings, next: Required<EventSettings>): EventSettings | null {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(next) as Array<keyof EventSettings>) if (!same(current[k], next[k])) out[k] = next[k];
  return Object.keys(out).length ? (out as EventSettings) : null;
}
