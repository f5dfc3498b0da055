/** Polls and votes (PROTOCOL.md section 6: poll.*, vote.cast; P20/P21 tallies). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { audienceView, selfView, staffView, type PollKind } from '../../src/shared/domain';
import { AUDIENCE_IDS, Folder, LogBuilder } from './arbitraries';

const OPTS = [
  { id: 'o1', label: 'One' },
  { id: 'o2', label: 'Two' },
  { id: 'o3', label: 'Three' },
];

function pollWith(kind: PollKind, open = true): { f: Folder; log: LogBuilder } {
  const f = new Folder();
  const log = new LogBuilder();
  const data = kind === 'wordcloud' ? { pollId: 'p', question: 'Word?', kind } : { pollId: 'p', question: 'Pick?', kind, options: OPTS };
  expect(f.push(log.host('poll.create', data))).toBe(true);
  if (open) expect(f.push(log.host('poll.open', { pollId: 'p' }))).toBe(true);
  return { f, log };
}

const tallies = (f: Folder) => staffView(f.state).polls.p?.tallies;

type Op = { t: 'open' } | { t: 'close' } | { t: 'cast'; who: string; ids: string[] } | { t: 'word'; who: string; text: string };

const arbOps = fc.array(
  fc.oneof(
    { weight: 1, arbitrary: fc.constant<Op>({ t: 'open' }) },
    { weight: 1, arbitrary: fc.constant<Op>({ t: 'close' }) },
    {
      weight: 6,
      arbitrary: fc
        .record({
          who: fc.constantFrom(...AUDIENCE_IDS),
          ids: fc.oneof(
            fc.constantFrom<string[]>(['o1'], ['o2'], ['o3'], ['o1', 'o3']),
            fc.array(fc.constantFrom<string>('o1', 'o2', 'o3', 'zz'), { minLength: 0, maxLength: 4 }),
          ),
        })
        .map((c): Op => ({ t: 'cast', ...c })),
    },
    {
      weight: 3,
      arbitrary: fc.record({ who: fc.constantFrom(...AUDIENCE_IDS), text: fc.constantFrom('Blue', ' blue ', 'RED', 'green', 'Dark  Green', 'constructor') }).map((c): Op => ({ t: 'word', ...c })),
    },
  ),
  { maxLength: 60 },
);

/** The rule written independently of the reducer: when a ballot is accepted, and what it counts. */
function modelBallot(kind: PollKind, op: Op): string[] | null {
  if (op.t === 'word') return kind === 'wordcloud' ? [op.text.trim().toLowerCase().replace(/\s+/g, ' ')] : null;
  if (op.t !== 'cast' || kind === 'wordcloud') return null;
  const valid = op.ids.length > 0 && new Set(op.ids).size === op.ids.length && op.ids.every((id) => OPTS.some((o) => o.id === id));
  if (!valid || (kind !== 'multiple' && op.ids.length !== 1)) return null;
  return op.ids;
}

describe('polls', () => {
  it('a poll\'s tallies always equal the latest ballot of each client, whatever the order of casts, recasts and closes', () => {
    fc.assert(
      fc.property(fc.constantFrom<PollKind>('single', 'multiple', 'rating', 'wordcloud'), arbOps, (kind, ops) => {
        const { f, log } = pollWith(kind, true);
        let open = true;
        const latest = new Map<string, string[]>();
        for (const op of ops) {
          if (op.t === 'open') {
            f.push(log.host('poll.open', { pollId: 'p' }));
            open = true;
          } else if (op.t === 'close') {
            f.push(log.host('poll.close', { pollId: 'p' }));
            open = false;
          } else {
            const data = op.t === 'cast' ? { pollId: 'p', optionIds: op.ids } : { pollId: 'p', text: op.text };
            const outcome = f.push(log.aud(op.who, 'vote.cast', data));
            const ballot = modelBallot(kind, op);
            if (open && ballot) {
              expect(outcome).toBe(true);
              latest.set(op.who, ballot);
            } else expect(outcome).toBe(open ? 'bad_option' : 'poll_not_open');
          }
          const expected = new Map<string, number>(kind === 'wordcloud' ? [] : OPTS.map((o) => [o.id, 0]));
          for (const b of latest.values()) for (const k of b) expected.set(k, (expected.get(k) ?? 0) + 1);
          expect(tallies(f)).toEqual(Object.fromEntries(expected));
          expect(staffView(f.state).polls.p?.ballots).toBe(latest.size);
          for (const who of AUDIENCE_IDS) {
            const mine = selfView(f.state, who).ballots.p;
            const want = latest.get(who);
            // Option ballots are reported in option order, a word as [word].
            const inOptionOrder = (w: string[]) => OPTS.map((o) => o.id).filter((id) => w.includes(id));
            expect(mine).toEqual(want === undefined ? undefined : kind === 'wordcloud' ? want : inOptionOrder(want));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('poll.create makes a draft poll with zero tallies; an existing pollId is duplicate_id', () => {
    const { f, log } = pollWith('single', false);
    expect(staffView(f.state).polls.p).toEqual({
      id: 'p',
      question: 'Pick?',
      kind: 'single',
      options: OPTS,
      status: 'draft',
      resultsVisible: false,
      tallies: { o1: 0, o2: 0, o3: 0 },
      ballots: 0,
      durationMs: null,
      closesAt: null,
    });
    expect(f.push(log.host('poll.create', { pollId: 'p', question: 'Again', kind: 'wordcloud' }))).toBe('duplicate_id');
  });

  it('votes count only while open: draft and closed polls refuse them (poll_not_open); reopening keeps the ballots', () => {
    const { f, log } = pollWith('single', false);
    expect(f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'p', optionIds: ['o1'] }))).toBe('poll_not_open');
    expect(f.push(log.host('poll.open', { pollId: 'p' }))).toBe(true);
    expect(f.push(log.host('poll.open', { pollId: 'p' }))).toBe('no_change');
    expect(f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'p', optionIds: ['o1'] }))).toBe(true);
    expect(f.push(log.host('poll.close', { pollId: 'p' }))).toBe(true);
    expect(f.push(log.host('poll.close', { pollId: 'p' }))).toBe('poll_not_open');
    expect(f.push(log.aud('cid-aud-bob', 'vote.cast', { pollId: 'p', optionIds: ['o2'] }))).toBe('poll_not_open');
    expect(f.push(log.host('poll.open', { pollId: 'p' }))).toBe(true);
    expect(tallies(f)).toEqual({ o1: 1, o2: 0, o3: 0 });
    expect(f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'nope', optionIds: ['o1'] }))).toBe('unknown_poll');
    expect(f.push(log.host('poll.open', { pollId: 'nope' }))).toBe('unknown_poll');
  });

  it('single and rating take exactly one known option, multiple 1..n distinct known options; else bad_option', () => {
    for (const kind of ['single', 'rating'] as const) {
      const { f, log } = pollWith(kind);
      expect(f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'p', optionIds: ['o1', 'o2'] }))).toBe('bad_option');
      expect(f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'p', optionIds: [] }))).toBe('bad_option');
      expect(f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'p', optionIds: ['o9'] }))).toBe('bad_option');
      expect(f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'p', text: 'o1' }))).toBe('bad_option');
      expect(f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'p', optionIds: ['o3'] }))).toBe(true);
    }
    const { f, log } = pollWith('multiple');
    expect(f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'p', optionIds: ['o1', 'o1'] }))).toBe('bad_option');
    expect(f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'p', optionIds: ['o1', 'o4'] }))).toBe('bad_option');
    expect(f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'p', optionIds: ['o3', 'o1', 'o2'] }))).toBe(true);
    expect(tallies(f)).toEqual({ o1: 1, o2: 1, o3: 1 });
  });

  it('a recast replaces the previous ballot: tallies move, ballots stay one per client', () => {
    const { f, log } = pollWith('multiple');
    f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'p', optionIds: ['o1', 'o2'] }));
    f.push(log.aud('cid-aud-bob', 'vote.cast', { pollId: 'p', optionIds: ['o2'] }));
    expect(f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'p', optionIds: ['o3'] }))).toBe(true);
    expect(tallies(f)).toEqual({ o1: 0, o2: 1, o3: 1 });
    expect(staffView(f.state).polls.p?.ballots).toBe(2);
    expect(selfView(f.state, 'cid-aud-ann').ballots).toEqual({ p: ['o3'] });
  });

  it('word clouds key on the trimmed, lower-cased word; a flagged word is counted for staff but never shown to the audience', () => {
    const { f, log } = pollWith('wordcloud');
    expect(f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'p', text: '  Blue ' }))).toBe(true);
    expect(f.push(log.aud('cid-aud-bob', 'vote.cast', { pollId: 'p', text: 'BLUE' }))).toBe(true);
    expect(f.push(log.aud('cid-aud-cyd', 'vote.cast', { pollId: 'p', text: 'Sh1t' }))).toBe(true);
    expect(f.push(log.aud('cid-aud-dee', 'vote.cast', { pollId: 'p', optionIds: ['o1'] }))).toBe('bad_option');
    const staff = staffView(f.state).polls.p;
    expect(staff?.tallies).toEqual({ blue: 2, sh1t: 1 });
    expect(staff?.flaggedWords).toEqual(['sh1t']);
    expect(selfView(f.state, 'cid-aud-ann').ballots).toEqual({ p: ['blue'] });
    expect(audienceView(f.state).polls.p?.tallies).toBeNull();
    f.push(log.host('poll.reveal', { pollId: 'p', visible: true }));
    const seen = audienceView(f.state).polls.p;
    expect(seen?.tallies).toEqual({ blue: 2 });
    expect(seen).not.toHaveProperty('flaggedWords');
    // A word whose count drops to zero leaves the cloud.
    f.push(log.aud('cid-aud-cyd', 'vote.cast', { pollId: 'p', text: 'green' }));
    expect(staffView(f.state).polls.p?.tallies).toEqual({ blue: 2, green: 1 });
  });

  it('one phone recasting 1,000 different flagged words leaves one flagged word in the staff view, not 1,000 (flaggedWords lists only words that have a tally)', () => {
    const { f, log } = pollWith('wordcloud');
    expect(f.push(log.aud('cid-aud-bob', 'vote.cast', { pollId: 'p', text: 'Sh1t' }))).toBe(true);
    // Before: every flagged word ever cast stayed listed, so one attendee grew the staff view (and
    // the audience view's filter, a scan of the list per word) by a word per recast, for ever.
    for (let i = 0; i < 1_000; i++) expect(f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'p', text: `shit ${i}` }))).toBe(true);
    const staff = staffView(f.state).polls.p;
    expect(staff?.tallies).toEqual({ sh1t: 1, 'shit 999': 1 });
    expect(staff?.flaggedWords).toEqual(['sh1t', 'shit 999']);
    expect(f.push(log.aud('cid-aud-bob', 'vote.cast', { pollId: 'p', text: 'blue' }))).toBe(true);
    expect(staffView(f.state).polls.p?.flaggedWords).toEqual(['shit 999']);
    f.push(log.host('poll.reveal', { pollId: 'p', visible: true }));
    expect(audienceView(f.state).polls.p?.tallies).toEqual({ blue: 1 });
  });

  it('poll.reveal shows or hides tallies for the audience; staff always see them', () => {
    const { f, log } = pollWith('single');
    f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'p', optionIds: ['o2'] }));
    expect(audienceView(f.state).polls.p?.tallies).toBeNull();
    expect(f.push(log.host('poll.reveal', { pollId: 'p', visible: true }))).toBe(true);
    expect(audienceView(f.state).polls.p?.tallies).toEqual({ o1: 0, o2: 1, o3: 0 });
    expect(f.push(log.host('poll.reveal', { pollId: 'p', visible: true }))).toBe('no_change');
    expect(f.push(log.host('poll.reveal', { pollId: 'p', visible: false }))).toBe(true);
    expect(audienceView(f.state).polls.p?.tallies).toBeNull();
    expect(staffView(f.state).polls.p?.tallies).toEqual({ o1: 0, o2: 1, o3: 0 });
  });

  it('ids that name Object.prototype members ("__proto__", "constructor") are ordinary keys', () => {
    const f = new Folder();
    const log = new LogBuilder();
    const options = [
      { id: '__proto__', label: 'Proto' },
      { id: 'constructor', label: 'Ctor' },
    ];
    expect(f.push(log.host('poll.create', { pollId: '__proto__', question: 'Q', kind: 'single', options }))).toBe(true);
    f.push(log.host('poll.open', { pollId: '__proto__' }));
    expect(f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: '__proto__', optionIds: ['constructor'] }))).toBe(true);
    const polls = staffView(f.state).polls;
    expect(Object.keys(polls)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(polls)).toBe(Object.prototype);
    expect(JSON.stringify(polls.__proto__?.tallies)).toBe('{"__proto__":0,"constructor":1}');
    expect(f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'constructor', optionIds: ['x'] }))).toBe('unknown_poll');
  });
});
