/**
 * Issue 18: foldBatch folds a batch with transient mutation (src/shared/domain/owner.ts) and must
 * be indistinguishable from folding one entry at a time: same final state, same per-entry
 * outcomes, the input state untouched, and the same objects kept by identity (views memoise on them).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apply, audienceView, BatchFold, foldBatch, selfView, staffView, type EventState, type LogEntry } from '../../src/shared/domain';
import { Owner } from '../../src/shared/domain/owner';
import { emptyMap, pdelete, pget, pset, type PMap } from '../../src/shared/domain/pmap';
import { arbLog, AUDIENCE_IDS, foldLog, freshState, LogBuilder, OPTION_IDS, POLL_IDS } from './arbitraries';

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

/**
 * One published state, as the hub hands it out (to views, to the resume ring): what it was then,
 * to check it never changes however many batches fold on after it.
 */
interface Published {
  serial: number;
  state: EventState;
  json: string;
  staff: string;
  audience: string;
  self: string;
}

function publish(serial: number, state: EventState): Published {
  // Views first, as the hub has them: their memo caches then hold this state's objects.
  const staff = JSON.stringify(staffView(state));
  const audience = JSON.stringify(audienceView(state));
  const self = JSON.stringify(selfView(state, AUDIENCE_IDS[0]));
  return { serial, state, json: JSON.stringify(state), staff, audience, self };
}

/**
 * A random history folded by one BatchFold in random steps (several steps make one batch until a
 * publish), checked against apply() one by one: each published state equals the per-entry state at
 * its serial, and after all the later batches it, and its memoised views, are exactly what they were.
 */
function checkPublishedStates(log: readonly LogEntry[], steps: readonly number[], publishes: readonly boolean[]): void {
  const expected = foldLog(log);
  const fold = new BatchFold(expected[0] as EventState);
  const published: Published[] = [publish(0, fold.publish())];
  let at = 0;
  for (let i = 0; at < log.length; i++) {
    const step = Math.max(1, steps.length ? (steps[i % steps.length] as number) : log.length);
    fold.fold(log.slice(at, at + step));
    at = Math.min(log.length, at + step);
    if (at === log.length || publishes[i % Math.max(1, publishes.length)]) published.push(publish(at, fold.publish()));
  }
  expect(fold.publish()).toEqual(expected[log.length]);
  for (const p of published) {
    expect(p.state).toEqual(expected[p.serial]);
    expect(JSON.stringify(p.state)).toBe(p.json);
    expect(JSON.stringify(staffView(p.state))).toBe(p.staff);
    expect(JSON.stringify(audienceView(p.state))).toBe(p.audience);
    expect(JSON.stringify(selfView(p.state, AUDIENCE_IDS[0]))).toBe(p.self);
    // Memo caches hit on unchanged objects: the views must also equal those of a fresh copy.
    const copy = JSON.parse(p.json) as EventState;
    expect(JSON.stringify(staffView(copy))).toBe(p.staff);
  }
}

describe('BatchFold: a batch across calls, published states never written again', () => {
  it('random histories in random steps and publishes: every published state and its views stay as they were', () => {
    fc.assert(
      fc.property(arbLog(80), fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 6 }), fc.array(fc.boolean(), { maxLength: 6 }), (log, steps, pubs) =>
        checkPublishedStates(log, steps, pubs),
      ),
      { numRuns: 200 },
    );
  });

  it('vote-heavy histories over many clients (leaves copied, split and rewritten in place across steps) keep published states intact', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ c: fc.nat(300), p: fc.constantFrom('p1', 'p2', 'p3'), o: fc.subarray([...OPTION_IDS], { minLength: 1 }), w: fc.constantFrom('alpha', 'beta', 'gamma') }), { minLength: 1, maxLength: 1_200 }),
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
        (ballots, steps, pubs) => {
          const log = new LogBuilder();
          const options = OPTION_IDS.map((id) => ({ id, label: id }));
          const entries = [
            log.host('event.update', { status: 'live' }),
            log.host('poll.create', { pollId: 'p1', question: 'Pick', kind: 'multiple', options }),
            log.host('poll.create', { pollId: 'p2', question: 'One', kind: 'single', options }),
            log.host('poll.create', { pollId: 'p3', question: 'Word?', kind: 'wordcloud' }),
            ...['p1', 'p2', 'p3'].map((pollId) => log.host('poll.open', { pollId })),
            ...ballots.map(({ c, p, o, w }, i) =>
              i % 97 === 96
                ? log.host('poll.close', { pollId: p }) // some refusals after this, and a reopen below
                : i % 97 === 0 && i > 0
                  ? log.host('poll.open', { pollId: 'p1' })
                  : log.aud(`cid-aud-${c}`, 'vote.cast', p === 'p3' ? { pollId: p, text: w } : { pollId: p, optionIds: p === 'p1' ? o : [o[0]] }),
            ),
          ];
          checkPublishedStates(entries, steps, pubs);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('BatchFold: two live batches from one state', () => {
  // Ownership is a tag naming the batch on each object it made (owner.ts): two batches folding on
  // from the same published state at once (a resume fold beside the live one) must each copy the
  // shared objects, and never write into what the other made or into the state they share.
  it('interleaved folds from one published state each equal apply() one by one, and leave it as it was', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ c: fc.nat(200), p: fc.constantFrom('p1', 'p2'), o: fc.constantFrom(...OPTION_IDS) }), { minLength: 1, maxLength: 600 }),
        fc.array(fc.record({ c: fc.nat(200), p: fc.constantFrom('p1', 'p2'), o: fc.constantFrom(...OPTION_IDS) }), { minLength: 1, maxLength: 600 }),
        fc.integer({ min: 1, max: 50 }),
        (left, right, step) => {
          const log = new LogBuilder();
          const options = OPTION_IDS.map((id) => ({ id, label: id }));
          const setup = [
            log.host('event.update', { status: 'live' }),
            ...['p1', 'p2'].map((pollId) => log.host('poll.create', { pollId, question: 'Pick', kind: 'single', options })),
            ...['p1', 'p2'].map((pollId) => log.host('poll.open', { pollId })),
            ...Array.from({ length: 300 }, (_, c) => log.aud(`cid-aud-${c}`, 'vote.cast', { pollId: c % 2 ? 'p1' : 'p2', optionIds: [OPTION_IDS[c % OPTION_IDS.length]] })),
          ];
          // The shared state comes out of a batch of votes, so its polls and trie nodes carry that batch's tag.
          const shared = foldBatch(freshState(), setup);
          const json = JSON.stringify(shared);
          const votes = (xs: typeof left) => xs.map(({ c, p, o }) => log.aud(`cid-aud-${c}`, 'vote.cast', { pollId: p, optionIds: [o] }));
          const [a, b] = [votes(left), votes(right)];
          const foldA = new BatchFold(shared);
          const foldB = new BatchFold(shared);
          for (let i = 0; i < Math.max(a.length, b.length); i += step) {
            foldA.fold(a.slice(i, i + step));
            foldB.fold(b.slice(i, i + step));
          }
          expect(foldA.publish()).toEqual(oneByOne(shared, a).state);
          expect(foldB.publish()).toEqual(oneByOne(shared, b).state);
          expect(JSON.stringify(shared)).toBe(json);
        },
      ),
      { numRuns: 60 },
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
