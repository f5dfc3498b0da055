/**
 * What the presenter view may show (DESIGN.md: "rendering only what the audience may see"): a
 * pure projection of the staff view down to P21's audience rules: tallies only once revealed
 * and never a flagged word, questions only approved or answered and never flagged, a quiz's
 * correct option only once revealed, the leaderboard as names and scores. The presenter's
 * components read only this model, so a hidden tally cannot reach its DOM.
 */
import type { StaffView } from '../../../shared/domain/types';
import { cuesInOrder } from '../store/selectors';

export interface SlideBar {
  id: string;
  label: string;
  count: number;
  /** 0..1 of all ballots (rounded for display by the component). */
  share: number;
}

export type Slide =
  | { kind: 'join'; title: string; code: string | null; url: string | null }
  | {
      kind: 'poll';
      id: string;
      question: string;
      pollKind: 'single' | 'multiple' | 'rating' | 'wordcloud';
      open: boolean;
      closesAt: number | null;
      ballots: number;
      /** null while the host hides the results. */
      bars: SlideBar[] | null;
      words: Array<{ word: string; count: number }> | null;
      average: number | null;
    }
  | {
      kind: 'quiz';
      id: string;
      title: string;
      index: number;
      of: number;
      prompt: string;
      options: Array<{ id: string; label: string; correct: boolean | null; count: number | null }>;
      openedAt: number;
      closesAt: number;
      revealed: boolean;
      answers: number;
    }
  | { kind: 'podium'; title: string; rows: Array<{ name: string; score: number }> }
  | { kind: 'qa'; title: string; questions: Array<{ id: string; text: string; author: string | null; upvotes: number; pinned: boolean }> };

export type PresenterMode = 'follow' | 'join' | 'qa' | 'podium';

const WALL_MAX = 12;

function pollSlide(p: StaffView['polls'][string]): Slide {
  const visible = p.resultsVisible && p.tallies !== null;
  const flagged = new Set(p.flaggedWords ?? []);
  let bars: SlideBar[] | null = null;
  let words: Array<{ word: string; count: number }> | null = null;
  let average: number | null = null;
  if (visible && p.tallies) {
    const t = p.tallies;
    if (p.kind === 'wordcloud') {
      words = Object.entries(t)
        .filter(([w, n]) => n > 0 && !flagged.has(w))
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, 40)
        .map(([word, count]) => ({ word, count }));
    } else {
      const total = p.options.reduce((s, o) => s + (t[o.id] ?? 0), 0);
      bars = p.options.map((o) => ({ id: o.id, label: o.label, count: t[o.id] ?? 0, share: total ? (t[o.id] ?? 0) / total : 0 }));
      if (p.kind === 'rating' && total > 0) average = p.options.reduce((s, o) => s + Number(o.label) * (t[o.id] ?? 0), 0) / total;
    }
  }
  return { kind: 'poll', id: p.id, question: p.question, pollKind: p.kind, open: p.status === 'open', closesAt: p.status === 'open' ? p.closesAt : null, ballots: p.ballots, bars, words, average };
}

function quizSlide(q: StaffView['quizzes'][string]): Slide | null {
  const cur = q.current;
  const question = q.currentIndex === null ? undefined : q.questions[q.currentIndex];
  if (!cur || !question || q.currentIndex === null) return null;
  const revealed = cur.revealed;
  return {
    kind: 'quiz',
    id: q.id,
    title: q.title,
    index: q.currentIndex,
    of: q.questions.length,
    prompt: question.prompt,
    options: question.options.map((o) => ({
      id: o.id,
      label: o.label,
      correct: revealed ? o.id === question.correctOptionId : null,
      count: revealed ? (cur.distribution?.[o.id] ?? 0) : null,
    })),
    openedAt: cur.openedAt,
    closesAt: cur.closesAt,
    revealed,
    answers: cur.answers,
  };
}

const podium = (q: StaffView['quizzes'][string]): Slide => ({ kind: 'podium', title: q.title, rows: q.leaderboard.slice(0, 5).map((r) => ({ name: r.name, score: r.score })) });

function qaWall(doc: StaffView): Slide {
  const questions = Object.values(doc.questions)
    .filter((q) => (q.status === 'approved' || q.status === 'answered') && !q.flagged)
    .sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.upvotes - a.upvotes || a.askedAt - b.askedAt)
    .slice(0, WALL_MAX)
    .map((q) => ({ id: q.id, text: q.text, author: q.authorName, upvotes: q.upvotes, pinned: q.pinned }));
  return { kind: 'qa', title: doc.event.title, questions };
}

export interface JoinInfo {
  title: string;
  code: string | null;
  url: string | null;
}

/**
 * Follow mode goes with the show: the running quiz or open poll latest in the run of show; else
 * the latest cue that showed something (a quiz's podium, a poll's shown results); else the join
 * slide. The other modes pin one slide.
 */
export function presenterSlide(doc: StaffView | null, mode: PresenterMode, join: JoinInfo): Slide {
  const joinSlide: Slide = { kind: 'join', ...join };
  if (!doc || mode === 'join') return joinSlide;
  if (mode === 'qa') return qaWall(doc);
  const cues = cuesInOrder(doc.polls, doc.quizzes, doc.order ?? null);
  const quizzes = cues.flatMap((c) => (c.kind === 'quiz' && c.quiz.status !== 'draft' ? [c.quiz] : []));
  if (mode === 'podium') {
    const last = quizzes.at(-1);
    return last ? podium(last) : joinSlide;
  }
  // Something live wins (the latest in the run of show); then the latest cue that showed something.
  for (const c of [...cues].reverse()) {
    if (c.kind === 'quiz' && c.quiz.status === 'running') return quizSlide(c.quiz) ?? joinSlide;
    if (c.kind === 'poll' && c.poll.status === 'open') return pollSlide(c.poll);
  }
  for (const c of [...cues].reverse()) {
    if (c.kind === 'quiz' && c.quiz.status === 'ended' && c.quiz.leaderboard.length) return podium(c.quiz);
    if (c.kind === 'poll' && c.poll.status === 'closed' && c.poll.resultsVisible) return pollSlide(c.poll);
  }
  return joinSlide;
}
