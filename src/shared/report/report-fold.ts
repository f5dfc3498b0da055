/**
 * Folds an event's whole log, in serial order, into the post-event report (report-types.ts).
 * It replays the log through the same reducer the hub runs (domain/apply.ts), so the totals
 * are exactly the hub's, and watches each applied entry for what the views do not keep: when
 * polls opened and closed, each person's quiz answers, when a question was answered, who took
 * part. Pure: entries in, a value out; the caller pages the log in (P17).
 */
import { apply } from '../domain/apply';
import { pget, pvalues } from '../domain/pmap';
import { initialState, type EventState } from '../domain/state';
import type { LogEntry, QuizQuestionView, StaffView } from '../domain/types';
import { staffView } from '../domain/views';
import { MAX_ONLINE_POINTS, type CueReach, type RecordedReach, type ReportData, type ReportQuiz, type ReportQuizAnswer, type ReportQuizPlayer } from './report-types';

interface PollTimes {
  openedAt: number | null;
  closedAt: number | null;
  opens: number;
}

const AUDIENCE_ACTIVITY = {
  voters: ['vote.cast'],
  askers: ['question.ask'],
  upvoters: ['question.upvote'],
  quizPlayers: ['quiz.answer'],
  reactors: ['reaction.send'],
  chatters: ['chat.send'],
} as const;
type Activity = keyof typeof AUDIENCE_ACTIVITY;
const ACTIVITY_OF = new Map<string, Activity>(Object.entries(AUDIENCE_ACTIVITY).flatMap(([k, names]) => names.map((n) => [n, k as Activity] as const)));

/** A record keyed by ids the host chose: no prototype, so a question called "__proto__" is a key like any other. */
const byId = <V>(): Record<string, V> => Object.create(null) as Record<string, V>;

const idOf = (data: unknown, key: string): string | null => {
  const v = data && typeof data === 'object' ? (data as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' ? v : null;
};

/** Keeps at most `max` points: the highest of each run of points (peaks must survive). */
export function downsample(points: Array<{ t: number; online: number }>, max = MAX_ONLINE_POINTS): Array<{ t: number; online: number }> {
  if (points.length <= max) return points;
  const per = Math.ceil(points.length / max);
  const out: Array<{ t: number; online: number }> = [];
  for (let i = 0; i < points.length; i += per) {
    let best = points[i] as { t: number; online: number };
    for (const p of points.slice(i, i + per)) if (p.online > best.online) best = p;
    out.push(best);
  }
  return out;
}

export class ReportFold {
  private state: EventState;
  private serial = 0;
  private firstAt: number | null = null;
  private lastAt: number | null = null;
  private peakAt: number | null = null;
  private readonly online: Array<{ t: number; online: number }> = [];
  private readonly participants = new Set<string>();
  private readonly activity = new Map<Activity, Set<string>>(Object.keys(AUDIENCE_ACTIVITY).map((k) => [k as Activity, new Set<string>()]));
  private readonly staffNames = new Map<string, string>();
  private readonly pollTimes = new Map<string, PollTimes>();
  private readonly quizTimes = new Map<string, { startedAt: number | null; endedAt: number | null; opened: Map<string, number> }>();
  /** quizId → questionId → clientId → answer. */
  private readonly answers = new Map<string, Map<string, Map<string, ReportQuizAnswer & { name: string }>>>();
  private readonly answeredAt = new Map<string, number>();

  constructor(meta: { eventId: string; title: string; createdAt: number }) {
    this.state = initialState(meta);
  }

  get lastSerial(): number {
    return this.serial;
  }

  add(entries: readonly LogEntry[]): void {
    for (const e of entries) this.addOne(e);
  }

  private addOne(e: LogEntry): void {
    if (e.serial <= this.serial) return; // a page overlapping the last one
    this.serial = e.serial;
    this.firstAt ??= e.ts;
    this.lastAt = e.ts;
    if (e.role === 'audience') this.participants.add(e.clientId);
    else if (e.author && e.clientId !== 'hub') this.staffNames.set(e.clientId, e.author);
    const before = this.state;
    const r = apply(before, e);
    if (!r.applied) return;
    const after = r.state;
    this.state = after;
    const act = e.role === 'audience' ? ACTIVITY_OF.get(e.name) : undefined;
    if (act) this.activity.get(act)?.add(e.clientId);
    if (after.audience.peak > before.audience.peak) this.peakAt = e.ts;
    if (e.name === 'hub.presence') this.online.push({ t: e.ts, online: after.audience.online });
    if (e.name.startsWith('poll.') || e.name === 'event.update') this.pollChanges(before, after, e.ts);
    if (e.name.startsWith('quiz.') || e.name === 'event.update') this.quizChanges(before, after, e);
    if (e.name === 'question.moderate' && idOf(e.data, 'status') === 'answered') {
      const id = idOf(e.data, 'questionId');
      if (id) this.answeredAt.set(id, e.ts);
    }
  }

  private pollChanges(before: EventState, after: EventState, ts: number): void {
    if (before.polls === after.polls) return;
    for (const p of pvalues(after.polls)) {
      const was = pget(before.polls, p.id)?.status;
      if (was === p.status) continue;
      const t = this.pollTimes.get(p.id) ?? { openedAt: null, closedAt: null, opens: 0 };
      if (p.status === 'open') this.pollTimes.set(p.id, { openedAt: t.openedAt ?? ts, closedAt: null, opens: t.opens + 1 });
      else if (was === 'open') this.pollTimes.set(p.id, { ...t, closedAt: ts });
    }
  }

  private quizChanges(before: EventState, after: EventState, e: LogEntry): void {
    if (before.quizzes === after.quizzes) return;
    for (const q of pvalues(after.quizzes)) {
      const prev = pget(before.quizzes, q.id);
      if (prev === q) continue;
      const t = this.quizTimes.get(q.id) ?? { startedAt: null, endedAt: null, opened: new Map<string, number>() };
      this.quizTimes.set(q.id, t);
      if (q.status === 'running') t.startedAt ??= e.ts;
      if (q.status === 'ended' && prev?.status !== 'ended') t.endedAt = e.ts;
      const cur = q.current;
      if (cur && cur.questionId !== prev?.current?.questionId) t.opened.set(cur.questionId, cur.openedAt);
      if (e.name === 'quiz.answer' && cur && e.role === 'audience') {
        const a = pget(q.answers, e.clientId);
        const question = q.questions.find((x) => x.id === cur.questionId);
        if (!a || !question) continue;
        const byQuestion = this.answers.get(q.id) ?? new Map<string, Map<string, ReportQuizAnswer & { name: string }>>();
        this.answers.set(q.id, byQuestion);
        const byClient = byQuestion.get(question.id) ?? new Map<string, ReportQuizAnswer & { name: string }>();
        byQuestion.set(question.id, byClient);
        byClient.set(e.clientId, { optionId: a.optionId, correct: a.optionId === question.correctOptionId, points: a.score, name: a.name });
      }
    }
  }

  result(extra: { joinCode: string | null; reach: RecordedReach; generatedAt: number }): ReportData {
    const view = staffView(this.state);
    const reachOf = (id: string): CueReach | null => extra.reach.cues.get(id) ?? null;
    const order = view.order.length ? view.order : [...Object.keys(view.polls), ...Object.keys(view.quizzes)];
    const count = (a: Activity): number => this.activity.get(a)?.size ?? 0;
    return {
      event: { id: view.event.id, title: view.event.title, status: view.event.status, joinCode: extra.joinCode, firstAt: this.firstAt, lastAt: this.lastAt, serial: this.serial, generatedAt: extra.generatedAt },
      participation: {
        uniqueParticipants: this.participants.size,
        peakOnline: view.audience.peak,
        peakAt: this.peakAt,
        online: this.onlineSeries(),
        voters: count('voters'),
        askers: count('askers'),
        upvoters: count('upvoters'),
        quizPlayers: count('quizPlayers'),
        reactors: count('reactors'),
        chatters: count('chatters'),
        reactions: Object.values(view.reactions).reduce((a, b) => a + b, 0),
      },
      polls: order.flatMap((id) => {
        const poll = view.polls[id];
        if (!poll) return [];
        const t = this.pollTimes.get(id) ?? { openedAt: null, closedAt: null, opens: 0 };
        return [{ poll, ...t, reach: reachOf(id) }];
      }),
      quizzes: order.flatMap((id) => (view.quizzes[id] ? [this.quizReport(view, id, reachOf(id), extra.reach.questions.get(id))] : [])),
      questions: Object.values(view.questions)
        .sort((a, b) => a.askedAt - b.askedAt || (a.id < b.id ? -1 : 1))
        .map((q) => ({
          id: q.id,
          text: q.text,
          authorName: q.authorName,
          status: q.status,
          upvotes: q.upvotes,
          pinned: q.pinned,
          flagged: q.flagged ?? false,
          askedAt: q.askedAt,
          assignee: q.assignee ?? null,
          assigneeName: q.assignee ? (this.staffNames.get(q.assignee) ?? null) : null,
          answeredAt: this.answeredAt.get(q.id) ?? null,
        })),
    };
  }

  /** A step series: none online before the first presence entry, the last count held to the end of the log. */
  private onlineSeries(): Array<{ t: number; online: number }> {
    if (this.firstAt === null || this.lastAt === null) return [];
    const first = this.online[0];
    const head = first && first.t === this.firstAt ? [] : [{ t: this.firstAt, online: 0 }];
    const last = this.online[this.online.length - 1];
    const tail = last && last.t === this.lastAt ? [] : [{ t: this.lastAt, online: this.state.audience.online }];
    return downsample([...head, ...this.online, ...tail]);
  }

  private quizReport(view: StaffView, id: string, reach: CueReach | null, questionReach: ReadonlyMap<string, CueReach> | undefined): ReportQuiz {
    const quiz = view.quizzes[id] as StaffView['quizzes'][string];
    const t = this.quizTimes.get(id);
    const byQuestion = this.answers.get(id);
    const players = new Map<string, ReportQuizPlayer>();
    quiz.leaderboard.forEach((r, i) => players.set(r.clientId, { ...r, rank: i + 1, correct: 0, answers: byId() }));
    const questions = quiz.questions.map((q: QuizQuestionView) => {
      const given = byQuestion?.get(q.id) ?? new Map<string, ReportQuizAnswer & { name: string }>();
      const counts = byId<number>();
      for (const o of q.options) counts[o.id] = 0;
      for (const [clientId, a] of given) {
        counts[a.optionId] = (counts[a.optionId] ?? 0) + 1;
        let p = players.get(clientId);
        if (!p) players.set(clientId, (p = { clientId, name: a.name, score: 0, streak: 0, rank: 0, correct: 0, answers: byId() }));
        p.answers[q.id] = { optionId: a.optionId, correct: a.correct, points: a.points };
        if (a.correct) p.correct++;
      }
      return { id: q.id, prompt: q.prompt, options: q.options, correctOptionId: q.correctOptionId ?? null, points: q.points, openedAt: t?.opened.get(q.id) ?? null, counts, answers: given.size, reach: questionReach?.get(q.id) ?? null };
    });
    // Those the leaderboard does not list (no reveal yet, or never right) rank after it, by name.
    const ranked = [...players.values()].sort((a, b) => (a.rank || Infinity) - (b.rank || Infinity) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    ranked.forEach((p, i) => (p.rank = i + 1));
    return { id, title: quiz.title, status: quiz.status, startedAt: t?.startedAt ?? null, endedAt: t?.endedAt ?? null, questions, players: ranked, reach };
  }
}
