/**
 * Issue 14.9's selectors over real folded logs: on any history, the phone's Live list holds
 * exactly the running quizzes and open polls (quizzes first), Earlier exactly the ended quizzes and
 * the closed polls with results out, nothing twice, no drafts; Q&A splits approved from answered.
 * Issue 14.10: every palette emoji has a Twemoji glyph, and the default set is in the palette.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { audienceView } from '../../src/shared/domain';
import { DEFAULT_REACTIONS, glyphKey, REACTION_PALETTE } from '../../src/shared/domain/reaction-palette';
import { cueKey, phoneCues, questionLists, type PhoneCue } from '../../src/audience/lib/select';
import { arbLog, foldLog } from '../domain/arbitraries';
import { ROOT } from '../helpers/hub-process';

const status = (c: PhoneCue): string => (c.kind === 'quiz' ? c.quiz.status : c.poll.status);

describe('phoneCues', () => {
  it('14.9 Live is what runs or is open, Earlier what finished with something to show; each cue once', () => {
    const seen = { live: 0, earlier: 0, quizFirst: 0 };
    fc.assert(
      fc.property(arbLog(60), (log) => {
        for (const s of foldLog(log)) {
          const view = audienceView(s);
          const { live, earlier } = phoneCues(view);
          if (live.length) seen.live++;
          if (earlier.length) seen.earlier++;
          if (live.length > 1 && live[0]?.kind === 'quiz') seen.quizFirst++;
          const keys = [...live, ...earlier].map(cueKey);
          expect(new Set(keys).size).toBe(keys.length);
          for (const c of live) expect(['running', 'open']).toContain(status(c));
          for (const c of earlier) {
            expect(['ended', 'closed']).toContain(status(c));
            if (c.kind === 'poll') expect(c.poll.tallies).not.toBeNull();
          }
          // Quizzes lead the Live list: a running quiz question is never below a poll.
          const firstPoll = live.findIndex((c) => c.kind === 'poll');
          if (firstPoll >= 0) expect(live.slice(firstPoll).every((c) => c.kind === 'poll')).toBe(true);
          const want = [
            ...Object.values(view.quizzes).filter((q) => q.status === 'running').map((q) => `quiz:${q.id}`),
            ...Object.values(view.polls).filter((p) => p.status === 'open').map((p) => `poll:${p.id}`),
          ];
          expect(live.map(cueKey).sort()).toEqual(want.sort());
          const done = [
            ...Object.values(view.quizzes).filter((q) => q.status === 'ended').map((q) => `quiz:${q.id}`),
            ...Object.values(view.polls).filter((p) => p.status === 'closed' && p.resultsVisible).map((p) => `poll:${p.id}`),
          ];
          expect(earlier.map(cueKey).sort()).toEqual(done.sort());
          const qs = questionLists(view);
          expect(qs.open.every((q) => q.status === 'approved')).toBe(true);
          expect(qs.answered.every((q) => q.status === 'answered')).toBe(true);
          expect(qs.open.length + qs.answered.length).toBe(Object.keys(view.questions).length);
        }
      }),
      { numRuns: 150 },
    );
    // The histories reached every case the checks speak about.
    expect(seen.live).toBeGreaterThan(0);
    expect(seen.earlier).toBeGreaterThan(0);
    expect(seen.quizFirst).toBeGreaterThan(0);
  });
});

describe('REACTION_PALETTE', () => {
  it('14.10 holds the default set, has no repeats, and every emoji has a Twemoji glyph to ship', () => {
    for (const e of DEFAULT_REACTIONS) expect(REACTION_PALETTE).toContain(e);
    const keys = REACTION_PALETTE.map(glyphKey);
    expect(new Set(keys).size).toBe(keys.length);
    const dir = path.join(ROOT, 'node_modules/@iconify-json/twemoji');
    const chars = JSON.parse(fs.readFileSync(path.join(dir, 'chars.json'), 'utf8')) as Record<string, string>;
    const icons = (JSON.parse(fs.readFileSync(path.join(dir, 'icons.json'), 'utf8')) as { icons: Record<string, unknown> }).icons;
    const missing = keys.filter((k) => {
      const name = chars[k] ?? chars[`${k}-fe0f`];
      return !name || !Object.hasOwn(icons, name);
    });
    expect(missing).toEqual([]);
  });

  it('14.10 glyphKey ignores the presentation selector and keeps joined sequences apart', () => {
    expect(glyphKey('❤️')).toBe('2764');
    expect(glyphKey('❤')).toBe('2764');
    expect(glyphKey('👍')).toBe('1f44d');
    expect(glyphKey('❤️‍🔥')).toBe('2764-200d-1f525');
  });
});
