/** The reducer is a pure, deterministic fold (DESIGN.md "The hub"; P15 views are a function of the serial). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apply, initialState, reduce, type EventState, type LogEntry } from '../../src/shared/domain';
import { arbLog, arbOddCmd, finalState, foldLog, freshState, LogBuilder, META, toLog } from './arbitraries';

const roundTrip = (s: EventState): EventState => JSON.parse(JSON.stringify(s)) as EventState;

describe('fold', () => {
  it('folding the same log twice gives deep-equal states', () => {
    fc.assert(
      fc.property(arbLog(), (log) => {
        expect(finalState(log)).toEqual(finalState(log));
      }),
      { numRuns: 200 },
    );
  });

  it('folding from a JSON snapshot taken mid-log gives the same state as folding from the start', () => {
    fc.assert(
      fc.property(arbLog(80), fc.nat(), (log, at) => {
        const cut = at % (log.length + 1);
        const fromStart = finalState(log);
        const snapshot = roundTrip(finalState(log.slice(0, cut)));
        expect(finalState(log.slice(cut), snapshot)).toEqual(fromStart);
      }),
      { numRuns: 200 },
    );
  });

  it('the state is plain JSON at every step (a snapshot parses back deep-equal)', () => {
    fc.assert(
      fc.property(arbLog(40), (log) => {
        for (const s of foldLog(log)) expect(roundTrip(s)).toEqual(s);
      }),
      { numRuns: 50 },
    );
  });

  it('a refused entry leaves the very same state object, and apply never throws or hits internal_error', () => {
    fc.assert(
      fc.property(fc.oneof(arbLog(60), fc.array(arbOddCmd, { maxLength: 30 }).map((c) => toLog(c))), (log) => {
        let s = freshState();
        for (const e of log) {
          const r = apply(s, e);
          if (!r.applied) {
            expect(r.state).toBe(s);
            expect(r.reason).toMatch(/^[a-z_]+$/);
            expect(r.reason).not.toBe('internal_error');
          }
          s = r.state;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('entries that are not entries at all are refused as invalid', () => {
    const s = freshState();
    const entry = { serial: 1, ts: 1, clientId: 'c', name: 'vote.cast', id: 'x', data: {} };
    // A hand-edited log's roles: none of the four, nor a key every object has.
    const badRoles = ['admin', 'Audience', '', 'toString', '__proto__'].map((role) => ({ ...entry, role }));
    const odd: unknown[] = [null, 42, 'vote.cast', [], {}, { name: 'vote.cast' }, { ...entry, role: 'audience', ts: NaN }, ...badRoles];
    for (const e of odd) expect(apply(s, e as LogEntry)).toEqual({ state: s, applied: false, reason: 'invalid' });
  });

  it('unknown names and malformed data are invalid; a role outside section 6 is forbidden', () => {
    const log = new LogBuilder();
    const s = freshState();
    expect(apply(s, log.host('poll.destroy', { pollId: 'p1' }))).toMatchObject({ applied: false, reason: 'invalid' });
    expect(apply(s, log.host('constructor', {}))).toMatchObject({ applied: false, reason: 'invalid' });
    expect(apply(s, log.host('poll.create', { pollId: 7 }))).toMatchObject({ applied: false, reason: 'invalid' });
    expect(apply(s, log.host('poll.create', 'not an object'))).toMatchObject({ applied: false, reason: 'invalid' });
    expect(apply(s, log.aud('cid-aud-ann', 'poll.create', { pollId: 'p', question: 'q', kind: 'wordcloud' }))).toMatchObject({ applied: false, reason: 'forbidden' });
    expect(apply(s, log.aud('cid-aud-ann', 'hub.presence', { online: 3 }))).toMatchObject({ applied: false, reason: 'forbidden' });
  });

  it('initialState holds the event meta, status scheduled and the default settings', () => {
    const s = initialState(META);
    expect(s.event).toEqual({
      id: META.eventId,
      title: META.title,
      status: 'scheduled',
      settings: { moderation: 'pre', anonymousQuestions: true, chat: 'on', reactions: ['👍', '❤️', '😂', '👏', '🎉', '😮'], wordFilter: 'flag', filterWords: [], streamDelayMs: 0 },
    });
    expect(s.createdAt).toBe(META.createdAt);
  });

  it('reduce is apply(...).state', () => {
    fc.assert(
      fc.property(arbLog(30), (log) => {
        let a = freshState();
        let b = freshState();
        for (const e of log) {
          a = reduce(a, e);
          b = apply(b, e).state;
        }
        expect(a).toEqual(b);
      }),
      { numRuns: 50 },
    );
  });
});
