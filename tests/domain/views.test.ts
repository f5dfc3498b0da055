/** View selectors: P20 (staff), P21 (audience: what it must never see), P22 (self), memoisation by identity. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { audienceView, reduce, selfView, staffView, type AudienceView, type EventState, type StaffView } from '../../src/shared/domain';
import { applyPatch, diff } from '../../src/shared/json-patch';
import { arbLog, CLIENT_IDS, Folder, foldLog, freshState, LogBuilder } from './arbitraries';

/** Every rule of P21, checked against the staff view of the same state. */
function checkAudience(staff: StaffView, aud: AudienceView): void {
  for (const [id, q] of Object.entries(aud.questions)) {
    const full = staff.questions[id];
    expect(full).toBeDefined();
    expect(['approved', 'answered']).toContain(q.status);
    expect(full?.flagged).toBe(false);
    expect(q).not.toHaveProperty('assignee');
    expect(q).not.toHaveProperty('flagged');
  }
  // Nothing visible is missing either: the audience sees exactly the approved/answered, unflagged ones.
  const visible = Object.values(staff.questions).filter((q) => !q.flagged && (q.status === 'approved' || q.status === 'answered'));
  expect(Object.keys(aud.questions).sort()).toEqual(visible.map((q) => q.id).sort());
  // Draft polls and quizzes are the host's preparation; upcoming quiz questions stay hidden too.
  for (const [id, p] of Object.entries(staff.polls)) if (p.status === 'draft') expect(Object.hasOwn(aud.polls, id)).toBe(false);
  for (const [id, q] of Object.entries(staff.quizzes)) {
    if (q.status === 'draft') expect(Object.hasOwn(aud.quizzes, id)).toBe(false);
    else expect(Object.hasOwn(aud.quizzes, id) ? aud.quizzes[id]?.questions.length : -1).toBe((q.currentIndex ?? -1) + 1);
  }
  for (const [id, p] of Object.entries(aud.polls)) {
    const full = staff.polls[id];
    if (!p.resultsVisible) expect(p.tallies).toBeNull();
    else for (const w of full?.flaggedWords ?? []) expect(Object.hasOwn(p.tallies ?? {}, w)).toBe(false);
    expect(p).not.toHaveProperty('flaggedWords');
  }
  for (const quiz of Object.values(aud.quizzes)) {
    for (const q of quiz.questions) if (!q.revealed) expect(q).not.toHaveProperty('correctOptionId');
    expect(quiz.leaderboard.length).toBeLessThanOrEqual(10);
    for (const row of quiz.leaderboard) expect(Object.keys(row).sort()).toEqual(['name', 'score', 'streak']);
  }
  const json = JSON.stringify(aud);
  for (const clientId of CLIENT_IDS) expect(json).not.toContain(clientId);
}

describe('views', () => {
  it('P21 audienceView never contains a pending, rejected, archived or flagged question, a draft poll or quiz, an upcoming or unrevealed quiz answer, hidden tallies, or any clientId — for any log', () => {
    fc.assert(
      fc.property(arbLog(80), (log) => {
        for (const s of foldLog(log)) checkAudience(staffView(s), audienceView(s));
      }),
      { numRuns: 150 },
    );
  });

  it('the P21 check can fail: a staff view passed off as the audience view is caught', () => {
    const f = new Folder();
    const log = new LogBuilder();
    f.push(log.aud('cid-aud-ann', 'question.ask', { questionId: 'q1', text: 'pending one' }));
    const staff = staffView(f.state);
    expect(() => checkAudience(staff, staff as unknown as AudienceView)).toThrow();
  });

  it('P20 the staff view has exactly the documented top-level shape and JSON-only values', () => {
    fc.assert(
      fc.property(arbLog(40), (log) => {
        const s = foldLog(log).at(-1) as EventState;
        const top = ['audience', 'chat', 'event', 'polls', 'questions', 'quizzes', 'reactions'];
        // P28: only the staff view carries the run-of-show order (it names draft cues).
        expect(Object.keys(staffView(s)).sort()).toEqual([...top.slice(0, 3), 'order', ...top.slice(3)]);
        expect(Object.keys(audienceView(s)).sort()).toEqual(top);
        for (const v of [staffView(s), audienceView(s)]) expect(JSON.parse(JSON.stringify(v))).toEqual(v);
      }),
      { numRuns: 50 },
    );
  });

  it('views are memoised: the same state gives the same view object, and an unrelated entry keeps every unchanged poll, question and quiz', () => {
    const f = new Folder();
    const log = new LogBuilder();
    f.push(log.host('event.update', { settings: { moderation: 'post' } }));
    for (const p of ['p1', 'p2']) {
      f.push(log.host('poll.create', { pollId: p, question: 'Q', kind: 'single', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] }));
      f.push(log.host('poll.open', { pollId: p }));
    }
    f.push(log.aud('cid-aud-ann', 'question.ask', { questionId: 'q1', text: 'One' }));
    f.push(log.aud('cid-aud-ann', 'question.ask', { questionId: 'q2', text: 'Two' }));
    const s1 = f.state;
    expect(staffView(s1)).toBe(staffView(s1));
    expect(audienceView(s1)).toBe(audienceView(s1));
    const s2 = reduce(s1, log.aud('cid-aud-bob', 'vote.cast', { pollId: 'p1', optionIds: ['a'] }));
    const [a, b] = [staffView(s1), staffView(s2)];
    expect(b.polls.p1).not.toBe(a.polls.p1);
    expect(b.polls.p2).toBe(a.polls.p2);
    expect(b.questions).toBe(a.questions);
    expect(b.event).toBe(a.event);
    expect(b.chat).toBe(a.chat);
    expect(audienceView(s2).questions).toBe(audienceView(s1).questions);
    const s3 = reduce(s2, log.aud('cid-aud-bob', 'question.upvote', { questionId: 'q1' }));
    expect(staffView(s3).questions.q1).not.toBe(b.questions.q1);
    expect(staffView(s3).questions.q2).toBe(b.questions.q2);
    expect(staffView(s3).polls).toBe(b.polls);
  });

  it('after one more entry on a 10,000-question event, every question but the changed one is the same object', () => {
    const log = new LogBuilder();
    let s = reduce(freshState(), log.host('event.update', { settings: { moderation: 'post' } }));
    for (let i = 0; i < 10_000; i++) s = reduce(s, log.aud(`cid-asker-${i}`, 'question.ask', { questionId: `q${i}`, text: `Question ${i}` }));
    const before = staffView(s);
    const beforeAud = audienceView(s);
    const next = reduce(s, log.aud('cid-aud-ann', 'question.upvote', { questionId: 'q1234' }));
    const after = staffView(next);
    const afterAud = audienceView(next);
    const changed = Object.keys(after.questions).filter((id) => after.questions[id] !== before.questions[id]);
    const changedAud = Object.keys(afterAud.questions).filter((id) => afterAud.questions[id] !== beforeAud.questions[id]);
    expect(changed).toEqual(['q1234']);
    expect(changedAud).toEqual(['q1234']);
    expect(Object.keys(after.questions)).toHaveLength(10_000);
    // The rebuilt record declares its one changed key, so the patch is one op without walking 10,000.
    expect(diff(before, after)).toEqual([{ op: 'replace', path: '/questions/q1234/upvotes', value: 1 }]);
    expect(diff(beforeAud, afterAud)).toEqual([{ op: 'replace', path: '/questions/q1234/upvotes', value: 1 }]);
  });

  it('P19 on an event past the delta threshold (300 questions), diffs of consecutive views still reproduce every view', () => {
    const log = new LogBuilder();
    let base = reduce(freshState(), log.host('event.update', { settings: { moderation: 'post' } }));
    for (let i = 0; i < 300; i++) base = reduce(base, log.aud(`cid-asker-${i % 7}`, 'question.ask', { questionId: `q${i}`, text: `Question ${i}` }));
    const qid = fc.nat(320).map((n) => `q${n}`);
    const step = fc.oneof(
      fc.tuple(qid, fc.constantFrom(...CLIENT_IDS.slice(0, 5))).map(([questionId, who]) => log.aud(who, 'question.upvote', { questionId })),
      fc.tuple(qid, fc.constantFrom(...CLIENT_IDS.slice(0, 5))).map(([questionId, who]) => log.aud(who, 'question.unvote', { questionId })),
      fc.tuple(qid, fc.constantFrom('pending', 'approved', 'rejected', 'answered', 'archived')).map(([questionId, status]) => log.mod('question.moderate', { questionId, status })),
      fc.tuple(qid, fc.constantFrom(...CLIENT_IDS.slice(0, 5))).map(([questionId, who]) => log.aud(who, 'question.ask', { questionId, text: 'New one' })),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (entries) => {
        const states = foldLog(entries, base);
        for (const view of [staffView, audienceView] as Array<(s: EventState) => unknown>) {
          let mirror: unknown = JSON.parse(JSON.stringify(view(base)));
          for (let i = 1; i < states.length; i++) {
            const r = applyPatch(mirror, diff(view(states[i - 1] as EventState), view(states[i] as EventState)));
            if (!r.ok) throw new Error(r.error);
            mirror = r.doc;
            expect(mirror).toEqual(view(states[i] as EventState));
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('P22 selfView: ballots (a word cloud as [word]), upvoted, own questions, quiz', () => {
    const f = new Folder();
    const log = new LogBuilder();
    f.push(log.host('event.update', { settings: { moderation: 'post' } }));
    f.push(log.host('poll.create', { pollId: 'p', question: 'Q', kind: 'multiple', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }, { id: 'c', label: 'C' }] }));
    f.push(log.host('poll.create', { pollId: 'w', question: 'W', kind: 'wordcloud' }));
    f.push(log.host('poll.open', { pollId: 'p' }));
    f.push(log.host('poll.open', { pollId: 'w' }));
    f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'p', optionIds: ['c', 'a'] }));
    f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'w', text: ' Rust ' }));
    f.push(log.aud('cid-aud-bob', 'question.ask', { questionId: 'q1', text: 'Bob asks' }));
    f.push(log.aud('cid-aud-ann', 'question.ask', { questionId: 'q2', text: 'Ann asks' }));
    f.push(log.aud('cid-aud-ann', 'question.upvote', { questionId: 'q1' }));
    expect(selfView(f.state, 'cid-aud-ann')).toEqual({
      ballots: { p: ['a', 'c'], w: ['rust'] },
      upvoted: ['q1'],
      questions: { q2: 'approved' },
      quiz: { score: 0, rank: null, streak: 0 },
    });
  });
});
