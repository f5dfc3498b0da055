/** The presenter view shows what the audience may see, never more (P21 applied to the staff view). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { audienceView, staffView } from '../../src/shared/domain';
import { presenterSlide, type PresenterMode } from '../../src/renderer/src/presenter/presenter-model';
import { arbLog, Folder, foldLog, LogBuilder } from '../domain/arbitraries';

const JOIN = { title: 'T', code: 'ABCDEF', url: 'http://192.0.2.2:1/j/ABCDEF' };
const MODES: PresenterMode[] = ['follow', 'join', 'qa', 'podium'];

describe('presenter model', () => {
  it('every slide of every mode is made only of what the audience view holds', () => {
    fc.assert(
      fc.property(arbLog(60), (log) => {
        const s = foldLog(log).at(-1);
        if (!s) return;
        const staff = staffView(s);
        const aud = audienceView(s);
        for (const mode of MODES) {
          const slide = presenterSlide(staff, mode, JOIN);
          if (slide.kind === 'poll') {
            const p = aud.polls[slide.id];
            expect(p, 'a presented poll is one the audience sees').toBeDefined();
            if (!p?.tallies) expect(slide.bars ?? slide.words).toBeNull();
            for (const b of slide.bars ?? []) expect(b.count).toBe(p?.tallies?.[b.id] ?? 0);
            for (const w of slide.words ?? []) expect(p?.tallies && Object.hasOwn(p.tallies, w.word)).toBe(true);
          }
          if (slide.kind === 'qa') for (const q of slide.questions) expect(Object.hasOwn(aud.questions, q.id)).toBe(true);
          if (slide.kind === 'quiz') {
            const q = aud.quizzes[slide.id];
            const shown = q?.questions[slide.index];
            expect(shown).toBeDefined();
            if (shown?.correctOptionId === undefined) expect(slide.options.every((o) => o.correct === null && o.count === null)).toBe(true);
          }
          if (slide.kind === 'podium') expect(JSON.stringify(slide)).not.toMatch(/cid-/);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a flagged word and a flagged question never reach the slide', () => {
    const f = new Folder();
    const log = new LogBuilder();
    f.push(log.host('event.update', { settings: { moderation: 'post', filterWords: ['secretword'] } }));
    f.push(log.host('poll.create', { pollId: 'w', question: 'One word?', kind: 'wordcloud' }));
    f.push(log.host('poll.open', { pollId: 'w' }));
    f.push(log.host('poll.reveal', { pollId: 'w', visible: true }));
    f.push(log.aud('cid-aud-ann', 'vote.cast', { pollId: 'w', text: 'secretword' }));
    f.push(log.aud('cid-aud-bob', 'vote.cast', { pollId: 'w', text: 'hello' }));
    f.push(log.aud('cid-aud-cyd', 'question.ask', { questionId: 'q', text: 'about secretword' }));
    f.push(log.mod('question.moderate', { questionId: 'q', status: 'approved' }));
    const staff = staffView(f.state);
    expect(JSON.stringify(presenterSlide(staff, 'follow', JOIN))).not.toContain('secretword');
    expect(presenterSlide(staff, 'follow', JOIN)).toMatchObject({ kind: 'poll', words: [{ word: 'hello', count: 1 }] });
    expect(presenterSlide(staff, 'qa', JOIN)).toMatchObject({ kind: 'qa', questions: [] });
  });
});
