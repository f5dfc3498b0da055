/** Audience Q&A (PROTOCOL.md section 6: question.*; P20/P21/P22). */
import { describe, expect, it } from 'vitest';
import { audienceView, selfView, staffView } from '../../src/shared/domain';
import { Folder, LogBuilder, STAFF_IDS } from './arbitraries';

function event(settings: Record<string, unknown> = {}): { f: Folder; log: LogBuilder } {
  const f = new Folder();
  const log = new LogBuilder();
  if (Object.keys(settings).length) expect(f.push(log.host('event.update', { settings }))).toBe(true);
  return { f, log };
}

const ask = (log: LogBuilder, who: string, questionId: string, text: string, anonymous?: boolean) =>
  log.aud(who, 'question.ask', anonymous === undefined ? { questionId, text } : { questionId, text, anonymous });

describe('questions', () => {
  it('moderation pre: a new question is pending, staff see it, the audience does not', () => {
    const { f, log } = event();
    log.advance(1234);
    expect(f.push(ask(log, 'cid-aud-ann', 'q1', 'How does it scale?'))).toBe(true);
    expect(staffView(f.state).questions.q1).toEqual({
      id: 'q1',
      text: 'How does it scale?',
      authorName: 'Ann',
      status: 'pending',
      pinned: false,
      upvotes: 0,
      askedAt: log.ts,
      assignee: null,
      flagged: false,
    });
    expect(audienceView(f.state).questions).toEqual({});
    expect(f.push(log.mod('question.moderate', { questionId: 'q1', status: 'approved' }))).toBe(true);
    expect(audienceView(f.state).questions.q1).toEqual({ id: 'q1', text: 'How does it scale?', authorName: 'Ann', status: 'approved', pinned: false, upvotes: 0, askedAt: log.ts });
  });

  it('moderation post: a new question is approved at once, unless it matched the word filter', () => {
    const { f, log } = event({ moderation: 'post' });
    f.push(ask(log, 'cid-aud-ann', 'q1', 'Nice talk'));
    f.push(ask(log, 'cid-aud-bob', 'q2', 'what a load of sh1t'));
    const staff = staffView(f.state).questions;
    expect(staff.q1).toMatchObject({ status: 'approved', flagged: false });
    expect(staff.q2).toMatchObject({ status: 'pending', flagged: true });
    expect(Object.keys(audienceView(f.state).questions)).toEqual(['q1']);
  });

  it('P21 a flagged question stays hidden from the audience even once approved', () => {
    const { f, log } = event();
    f.push(ask(log, 'cid-aud-ann', 'q1', 'You b@stard'));
    f.push(log.mod('question.moderate', { questionId: 'q1', status: 'approved' }));
    expect(staffView(f.state).questions.q1).toMatchObject({ status: 'approved', flagged: true });
    expect(audienceView(f.state).questions).toEqual({});
  });

  it('with the word filter off nothing is flagged; extra filterWords are flagged too', () => {
    const a = event({ wordFilter: 'off' });
    a.f.push(ask(a.log, 'cid-aud-ann', 'q1', 'sh1t happens'));
    expect(staffView(a.f.state).questions.q1?.flagged).toBe(false);
    const b = event({ filterWords: ['pineapple', 'cold coffee'] });
    b.f.push(ask(b.log, 'cid-aud-ann', 'q1', 'PINEAPPLE on pizza?'));
    b.f.push(ask(b.log, 'cid-aud-ann', 'q2', 'Why is the cold coffee here?'));
    b.f.push(ask(b.log, 'cid-aud-ann', 'q3', 'Why is the coffee cold?'));
    expect(Object.values(staffView(b.f.state).questions).map((q) => q.flagged)).toEqual([true, true, false]);
  });

  it('anonymous hides the author only while settings.anonymousQuestions is on', () => {
    const { f, log } = event();
    f.push(ask(log, 'cid-aud-ann', 'q1', 'Hidden?', true));
    f.push(log.host('event.update', { settings: { anonymousQuestions: false } }));
    f.push(ask(log, 'cid-aud-bob', 'q2', 'Hidden too?', true));
    f.push(ask(log, 'cid-aud-dee', 'q3', 'I have no name'));
    const qs = staffView(f.state).questions;
    expect([qs.q1?.authorName, qs.q2?.authorName, qs.q3?.authorName]).toEqual([null, 'Bob', null]);
  });

  it('a duplicate questionId is refused (duplicate_id) and changes nothing', () => {
    const { f, log } = event();
    f.push(ask(log, 'cid-aud-ann', 'q1', 'First'));
    const before = f.state;
    expect(f.push(ask(log, 'cid-aud-bob', 'q1', 'Second'))).toBe('duplicate_id');
    expect(f.state).toBe(before);
  });

  it('at most one upvote per client; unvote takes it back; hidden or unknown questions cannot be upvoted', () => {
    const { f, log } = event({ moderation: 'post' });
    f.push(ask(log, 'cid-aud-ann', 'q1', 'Upvote me'));
    expect(f.push(log.aud('cid-aud-bob', 'question.upvote', { questionId: 'q1' }))).toBe(true);
    expect(f.push(log.aud('cid-aud-bob', 'question.upvote', { questionId: 'q1' }))).toBe('already_upvoted');
    expect(f.push(log.aud('cid-aud-cyd', 'question.upvote', { questionId: 'q1' }))).toBe(true);
    expect(staffView(f.state).questions.q1?.upvotes).toBe(2);
    expect(selfView(f.state, 'cid-aud-bob').upvoted).toEqual(['q1']);
    expect(f.push(log.aud('cid-aud-bob', 'question.unvote', { questionId: 'q1' }))).toBe(true);
    expect(f.push(log.aud('cid-aud-bob', 'question.unvote', { questionId: 'q1' }))).toBe('not_upvoted');
    expect(staffView(f.state).questions.q1?.upvotes).toBe(1);
    expect(selfView(f.state, 'cid-aud-bob').upvoted).toEqual([]);
    expect(f.push(log.aud('cid-aud-bob', 'question.upvote', { questionId: 'nope' }))).toBe('unknown_question');
    f.push(log.mod('question.moderate', { questionId: 'q1', status: 'rejected' }));
    expect(f.push(log.aud('cid-aud-dee', 'question.upvote', { questionId: 'q1' }))).toBe('unknown_question');
    // An upvote taken on a visible question can still be taken back after it was hidden.
    expect(f.push(log.aud('cid-aud-cyd', 'question.unvote', { questionId: 'q1' }))).toBe(true);
  });

  it('moderate, pin and assign change their field; the same value again is no_change', () => {
    const { f, log } = event();
    f.push(ask(log, 'cid-aud-ann', 'q1', 'Triage me'));
    expect(f.push(log.mod('question.moderate', { questionId: 'q1', status: 'answered' }))).toBe(true);
    expect(f.push(log.mod('question.moderate', { questionId: 'q1', status: 'answered' }))).toBe('no_change');
    expect(f.push(log.host('question.pin', { questionId: 'q1', pinned: true }))).toBe(true);
    expect(f.push(log.host('question.pin', { questionId: 'q1', pinned: true }))).toBe('no_change');
    expect(f.push(log.mod('question.assign', { questionId: 'q1', to: STAFF_IDS.moderator }))).toBe(true);
    expect(staffView(f.state).questions.q1).toMatchObject({ status: 'answered', pinned: true, assignee: STAFF_IDS.moderator });
    expect(f.push(log.mod('question.assign', { questionId: 'q1', to: null }))).toBe(true);
    expect(staffView(f.state).questions.q1?.assignee).toBeNull();
    expect(f.push(log.mod('question.moderate', { questionId: 'q9', status: 'answered' }))).toBe('unknown_question');
    expect(f.push(log.mod('question.moderate', { questionId: 'q1', status: 'deleted' }))).toBe('invalid');
    expect(f.push(log.aud('cid-aud-ann', 'question.pin', { questionId: 'q1', pinned: false }))).toBe('forbidden');
  });

  it('P22 self lists the status of the client\'s own questions, and only its own', () => {
    const { f, log } = event();
    f.push(ask(log, 'cid-aud-ann', 'q1', 'Mine'));
    f.push(ask(log, 'cid-aud-bob', 'q2', 'Not yours'));
    f.push(log.mod('question.moderate', { questionId: 'q1', status: 'rejected' }));
    expect(selfView(f.state, 'cid-aud-ann').questions).toEqual({ q1: 'rejected' });
    expect(selfView(f.state, 'cid-aud-bob').questions).toEqual({ q2: 'pending' });
    expect(selfView(f.state, 'cid-aud-cyd')).toEqual({ ballots: {}, upvoted: [], questions: {}, quiz: { score: 0, rank: null, streak: 0 } });
  });
});
