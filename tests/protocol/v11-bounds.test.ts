/**
 * The 1.1 messages (P26-P34) at and past their edges, as a hostile host or phone sends them: each
 * out-of-range value is refused `invalid` with the field named, each edge value is taken. The hub
 * runs exactly these checks before the log (connection.ts onPub, decodeFrame), so a refusal here
 * is a nack and nothing in the log.
 */
import { describe, expect, it } from 'vitest';
import { checkPub, decodeFrame, MAX_STREAM_DELAY_MS } from '../../src/shared/protocol';

const OPTS = [
  { id: 'a', label: 'A' },
  { id: 'b', label: 'B' },
];
const refused = (name: string, data: unknown, field: string): void => {
  const r = checkPub('host', name, data);
  expect(r, `${name} ${JSON.stringify(data).slice(0, 80)}`).toMatchObject({ ok: false, code: 'invalid' });
  if (!r.ok) expect(r.message).toContain(field);
};
const taken = (name: string, data: unknown): void => expect(checkPub('host', name, data), `${name} ${JSON.stringify(data).slice(0, 80)}`).toMatchObject({ ok: true });

describe('1.1 messages at their edges', () => {
  it('P30 streamDelayMs: 0 to 60,000 whole milliseconds; negative, over, fractional, huge (1e999 parses as Infinity) or a string is invalid', () => {
    for (const v of [0, MAX_STREAM_DELAY_MS]) taken('event.update', { settings: { streamDelayMs: v } });
    for (const v of [-1, MAX_STREAM_DELAY_MS + 1, 1.5, JSON.parse('1e999') as number, 2 ** 53, '5000', null]) refused('event.update', { settings: { streamDelayMs: v } }, 'streamDelayMs');
  });

  it('P28 durationMs: 1,000 to 3,600,000 on create and update; null removes it on update only', () => {
    for (const v of [1_000, 3_600_000]) {
      taken('poll.create', { pollId: 'p', question: 'Q', kind: 'single', options: OPTS, durationMs: v });
      taken('poll.update', { pollId: 'p', durationMs: v });
    }
    taken('poll.update', { pollId: 'p', durationMs: null });
    for (const v of [999, 3_600_001, 0, -1, 1_000.5, JSON.parse('1e999') as number, '1000']) {
      refused('poll.create', { pollId: 'p', question: 'Q', kind: 'single', options: OPTS, durationMs: v }, 'durationMs');
      refused('poll.update', { pollId: 'p', durationMs: v }, 'durationMs');
    }
    refused('poll.create', { pollId: 'p', question: 'Q', kind: 'single', options: OPTS, durationMs: null }, 'durationMs');
  });

  it('P28 cue.order: at most 1,000 ids of 1-64 characters', () => {
    taken('cue.order', { order: Array.from({ length: 1_000 }, (_, i) => `c${i}`) });
    taken('cue.order', { order: [] });
    refused('cue.order', { order: Array.from({ length: 1_001 }, (_, i) => `c${i}`) }, 'order');
    refused('cue.order', { order: ['x'.repeat(65)] }, 'order');
    refused('cue.order', { order: [''] }, 'order');
    refused('cue.order', { order: [1] }, 'order');
    refused('cue.order', { order: 'p1' }, 'order');
  });

  it('P28 updates and deletes: ids, options and questions bounded as on create; unknown fields refused', () => {
    refused('poll.update', { pollId: 'x'.repeat(65) }, 'pollId');
    refused('poll.update', { pollId: 'p', options: Array.from({ length: 31 }, (_, i) => ({ id: `o${i}`, label: 'L' })) }, 'options');
    refused('poll.update', { pollId: 'p', question: 'x'.repeat(501) }, 'question');
    refused('poll.delete', { pollId: 'p', also: 'x' }, '');
    refused('quiz.update', { quizId: 'q', questions: [] }, 'questions');
    refused('quiz.delete', {}, 'quizId');
  });

  it('P27 `at`: a whole serial from 0 within the safe integers, view staff or audience; anything else is malformed', () => {
    expect(decodeFrame('{"t":"at","view":"audience","serial":0}')).toMatchObject({ ok: true });
    expect(decodeFrame(`{"t":"at","view":"staff","serial":${Number.MAX_SAFE_INTEGER}}`)).toMatchObject({ ok: true });
    for (const serial of ['-1', '1.5', '9007199254740993', '1e999', '"5"', 'null'])
      expect(decodeFrame(`{"t":"at","view":"audience","serial":${serial}}`), serial).toMatchObject({ ok: false, code: 'malformed' });
    for (const view of ['"log"', '"stats"', '"__proto__"', '1']) expect(decodeFrame(`{"t":"at","view":${view},"serial":1}`), view).toMatchObject({ ok: false, code: 'malformed' });
  });
});
