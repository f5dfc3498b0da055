/**
 * Input limits the hub enforces, repeated here so the forms can say so before sending
 * (issue 6, item 5). Sources: POST /v1/join `name` (src/hub/http/api.ts, trimmed, ≤ 40),
 * `question.ask` text (PROTOCOL.md section 6, 1-500 chars), word-cloud votes (1-40 chars), `chat.send` text (1-280 chars).
 * Lengths are counted like zod does: UTF-16 units of the trimmed text.
 */
export const NAME_MAX = 40;
export const QUESTION_MAX = 500;
export const WORD_MAX = 40;
export { CHAT_TEXT_MAX as CHAT_MAX } from '../../shared/protocol/limits';
export const JOIN_CODE_LENGTH = 6;

export type LengthCheck = { ok: true; text: string } | { ok: false; message: string };

export function checkLength(raw: string, max: number, what: string, required: boolean): LengthCheck {
  const text = raw.trim();
  if (required && text.length === 0) return { ok: false, message: `Please write your ${what} first.` };
  if (text.length > max) return { ok: false, message: `Your ${what} is ${text.length} characters; the limit is ${max}. Please shorten it by ${text.length - max}.` };
  return { ok: true, text };
}

/** Join codes: 6 characters from an alphabet without 0/O/1/I (P4); spaces and dashes are ignored. */
export const normaliseCode = (raw: string): string => raw.trim().toUpperCase().replace(/[\s-]/g, '');
export const isPlausibleCode = (code: string): boolean => /^[A-HJ-NP-Z2-9]{6}$/.test(code);
