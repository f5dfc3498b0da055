/**
 * Issue 18: foldBatch folds a batch with transient mutation (src/shared/domain/owner.ts) and must
 * be indistinguishable from folding one entry at a time: same final state, same per-entry
 * outcomes, the input state untouched, and the same objects kept by identity (views memoise on them).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apply, foldBatch, staffView, type EventState, type LogEntry } from '../../src/shared/domain';
import { Owner } from '../../src/shared/domain/owner';
import { emptyMap, pdelete, pget, pset, type PMap } from '../../src/shared/domain/pmap';
import { arbLog, freshState, LogBuilder, OPTION_IDS, POLL_IDS } from './arbitraries';

/** Per-entry fold: the final state and each entry's outcome (null: applied). */
function oneByOne(from: EventState, entries: readonly LogEntry[]): { state: EventState; outcomes: Array<string | null> } {
  let state = from;
  const outcomes: Array<string | null> = [];
  for (const e of entries) {
    const r = apply(state, e);
    state = r.state;
    outcomes.push(r.applied ? null : r.reason);
  }
  return { state, outcomes };
}

/** The sub-objects views memoise on, each with a name to report. */
function memoKeys(s: EventState): Map<string, unknown> {
  const out = new Map<string, unknown>([['event', s.event], ['chat', s.chat], ['reactions', s.reactions], ['order', s.order]]);
  for (const [kind, map] of [['poll', s.polls], ['question', s.questions], ['quiz', s.quizzes]] as const)
    for (const id of [...POLL_IDS, 'q1', 'q2', 'q3', 'q4', 'constructor', 'z1', 'z2']) {
      const v = pget(map as PMap<unknown>, id);
      if (v !== undefined) out.set(`${kind}:${id}`, v);
    }
  return out;
}

/** Which memo keys of `after` are still the very objects of `before`. */
const kept = (before: EventState, after: EventState): string[] => {
  const b = memoKeys(before);
  return [...memoKeys(after)].filter(([k, v]) => b.get(k) === v).map(([k]) => k);
};

describe('foldBatch', () => {
  it('folds a random log cut into random batches exactly as apply() one by one', () => {
    fc.assert(
      fc.property(arbLog(80), fc.array(fc.nat(), { maxLength: 4 }), (log, cutsRaw) => {
        const cuts = [...new Set(cutsRaw.map((c) => c % (log.length + 1)))].sort((a, b) => a - b);
        const bounds = [0, ...cuts, log.length];
        let batched = freshState();
        let serial = freshState();
        for (let i = 0; i + 1 < bounds.length; i++) {
          const chunk = log.slice(bounds[i], bounds[i + 1]);
          const before = batched;
          const snapshot = JSON.stringify(before);
          staffView(before); // views of the input computed first, as the hub has
          const outcomes: Array<string | null> = [];
          batched = foldBatch(before, chunk, (_e, reason) => outcomes.push(reason));
          const expected = oneByOne(serial, chunk);
          expect(batched).toEqual(expected.state);
          expect(outcomes).toEqual(expected.outcomes);
          expect(JSON.stringify(before)).toBe(snapshot); // the batch never wrote into its input
          expect(kept(before, batched)).toEqual(kept(serial, expected.state));
          if (chunk.length === 0) expect(batched).toBe(before);
          serial = expected.state;
          batched = JSON.parse(JSON.stringify(batched)) as EventState; // a snapshot folds on alike
          serial = JSON.parse(JSON.stringify(serial)) as EventState;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('an untouched poll keeps its view object across a batch of votes on another poll', () => {
    const log = new LogBuilder();
    const setup = [
      log.host('event.update', { status: 'live' }),
      ...['p1', 'p2'].flatMap((pollId) => [
        log.host('poll.create', { pollId, question: `${pollId}?`, kind: 'single', options: OPTION_IDS.map((id) => ({ id, label: id })) }),
        log.host('poll.open', { pollId }),
      ]),
    ];
    const s1 = foldBatch(freshState(), setup);
    const votes = Array.from({ length: 500 }, (_, i) => log.aud(`cid-aud-${i % 120}`, 'vote.cast', { pollId: 'p1', optionIds: [OPTION_IDS[i % 4]] }));
    const a = staffView(s1);
    const s2 = foldBatch(s1, votes);
    const b = staffView(s2);
    expect(b.polls.p2).toBe(a.polls.p2);
    expect(b.polls.p1).not.toBe(a.polls.p1);
    expect(b.polls.p1?.ballots).toBe(120);
    expect(s2).toEqual(oneByOne(s1, votes).state);
  });

  it('many clients (trie leaves split and shrink inside one batch) fold as one by one, word clouds too', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ c: fc.nat(400), o: fc.constantFrom(...OPTION_IDS), w: fc.constantFrom('alpha', 'beta', 'Beta', 'gamma', 'delta') }), { minLength: 1, maxLength: 1_500 }),
        (ballots) => {
          const log = new LogBuilder();
          const setup = [
            log.host('event.update', { status: 'live' }),
            log.host('poll.create', { pollId: 'p1', question: 'Pick', kind: 'multiple', options: OPTION_IDS.map((id) => ({ id, label: id })) }),
            log.host('poll.create', { pollId: 'p2', question: 'Word?', kind: 'wordcloud' }),
            log.host('poll.open', { pollId: 'p1' }),
            log.host('poll.open', { pollId: 'p2' }),
          ];
          const s0 = oneByOne(freshState(), setup).state;
          const votes = ballots.flatMap(({ c, o, w }) => [
            log.aud(`cid-aud-${c}`, 'vote.cast', { pollId: 'p1', optionIds: [o] }),
            log.aud(`cid-aud-${c}`, 'vote.cast', { pollId: 'p2', text: w }),
          ]);
          expect(foldBatch(s0, votes)).toEqual(oneByOne(s0, votes).state);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('pmap with an owner', () => {
  it('gives the same map as the persistent path and never changes a map from before the batch', () => {
    const op = fc.record({ del: fc.boolean(), k: fc.nat(300).map((n) => `k${n}`), v: fc.integer({ min: 0, max: 3 }) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fc.array(op, { maxLength: 600 }), (pre, batch) => {
        const run = (m: PMap<number>, ops: typeof pre, owner: Owner | null) =>
          ops.reduce((acc, o) => (o.del ? pdelete(acc, o.k, owner) : pset(acc, o.k, o.v, owner)), m);
        const base = run(emptyMap(), pre, null);
        const snapshot = JSON.stringify(base);
        const transient = run(base, batch, new Owner());
        expect(transient).toEqual(run(base, batch, null));
        expect(JSON.stringify(base)).toBe(snapshot);
      }),
      { numRuns: 200 },
    );
  });
});
