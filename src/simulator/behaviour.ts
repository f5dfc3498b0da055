/**
 * What one attendee does, given what it sees: votes on polls it sees open (after a human
 * delay, sometimes changing its mind), answers quiz questions before they close, asks and
 * upvotes questions, chats, and reacts in bursts. Pure decisions over an Actor, timers only.
 */
import type { PollView } from '../shared/domain/types';
import type { MessageName } from '../shared/protocol';
import type { HubClock } from '../shared/client';
import { between, expDelayMs, logNormalMs, pick, type Profile } from './profiles';
import type { CounterName } from './stats';
import { derive, type Derived } from './view-cache';

export interface Actor {
  readonly ready: boolean;
  /** The attendee's mirror of the audience view. */
  readonly doc: unknown;
  /** Sends a pub (queued until connected). Optional pubs are dropped when over the rate budget. */
  publish(name: MessageName, data: unknown, essential: boolean): void;
  count(name: CounterName): void;
}

const WORDS = ['energy', 'clarity', 'fun', 'insightful', 'long', 'inspiring', 'loud', 'fast', 'great', 'more'];
const ASKS = ['Will the slides be shared?', 'How does this scale?', 'What was the hardest part?', 'Can you say more about that?', 'Is there a recording?', 'What comes next?'];
const CHATS = ['Hello from the back row!', 'Great point', 'Loving this', 'Can you hear me?', 'Which room is next?', '+1'];

export class Behaviour {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly seenPolls = new Set<string>();
  private readonly seenQuiz = new Set<string>();
  private readonly upvoted = new Set<string>();
  private n = 0;
  private active = false;
  private done = false;

  constructor(
    private readonly actor: Actor,
    private readonly profile: Profile,
    private readonly rand: () => number,
    private readonly clock: HubClock,
    private readonly tag: string,
  ) {}

  /** Starts the attendee's own Poisson activities (questions, upvotes, chat, reactions). */
  start(): void {
    if (this.active || this.done) return;
    this.active = true;
    const p = this.profile;
    this.every(p.questionsPerMin, () => this.ask());
    this.every(p.upvotesPerMin, () => this.upvote());
    this.every(p.chatPerMin, () => this.chat());
    this.every(p.burstsPerMin, () => this.burst());
  }

  /** No new actions from now on (the run is draining). */
  stop(): void {
    this.done = true;
    this.active = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Called after each applied sync frame: reacts to polls and quiz questions seen for the first time. */
  onView(d: Derived): void {
    if (!this.active) return;
    for (const poll of d.openPolls) {
      if (this.seenPolls.has(poll.id)) continue;
      this.seenPolls.add(poll.id);
      if (this.rand() >= this.profile.voteChance) continue;
      this.after(logNormalMs(this.rand, this.profile.voteDelay), () => {
        if (!this.vote(poll.id)) return;
        if (this.rand() < this.profile.changeChance) this.after(logNormalMs(this.rand, this.profile.voteDelay), () => this.vote(poll.id, true));
      });
    }
    for (const q of d.quizzes) {
      const key = `${q.quizId}/${q.questionId}`;
      if (this.seenQuiz.has(key)) continue;
      this.seenQuiz.add(key);
      if (this.rand() >= this.profile.answerChance || q.options.length === 0) continue;
      const left = q.closesAt - this.clock.now() - 300;
      if (left <= 0) continue;
      const delay = Math.min(logNormalMs(this.rand, { medianMs: 3_000, sigma: 0.6, minMs: 500, maxMs: 20_000 }), left * 0.9);
      this.after(delay, () => this.answer(q.quizId, q.questionId));
    }
  }

  private current(): Derived {
    return derive(this.actor.doc);
  }

  private vote(pollId: string, change = false): boolean {
    const poll = this.current().openPolls.find((p) => p.id === pollId);
    if (!poll) return false; // closed meanwhile: people who missed it just don't vote
    this.actor.publish('vote.cast', this.ballot(poll), true);
    this.actor.count(change ? 'voteChanges' : 'votes');
    return true;
  }

  private ballot(poll: PollView): { pollId: string; optionIds: string[] } | { pollId: string; text: string } {
    if (poll.kind === 'wordcloud') return { pollId: poll.id, text: pick(this.rand, WORDS) ?? 'great' };
    const ids = poll.options.map((o) => o.id);
    if (poll.kind !== 'multiple') return { pollId: poll.id, optionIds: [pick(this.rand, ids) ?? ids[0] ?? 'a'] };
    const want = between(this.rand, 1, Math.min(3, ids.length));
    const chosen = new Set<string>();
    while (chosen.size < want) chosen.add(pick(this.rand, ids) ?? '');
    return { pollId: poll.id, optionIds: [...chosen] };
  }

  private answer(quizId: string, questionId: string): void {
    const q = this.current().quizzes.find((x) => x.quizId === quizId && x.questionId === questionId);
    if (!q || this.clock.now() > q.closesAt - 100) return;
    const optionId = pick(this.rand, q.options);
    if (!optionId) return;
    this.actor.publish('quiz.answer', { quizId, questionId, optionId }, true);
    this.actor.count('quizAnswers');
  }

  private ask(): void {
    const questionId = `${this.tag}q${this.n++}`;
    this.actor.publish('question.ask', { questionId, text: pick(this.rand, ASKS) ?? 'Why?' }, false);
    this.actor.count('questions');
  }

  private upvote(): void {
    const open = this.current().approvedQuestions.filter((id) => !this.upvoted.has(id));
    const id = pick(this.rand, open);
    if (!id) return;
    this.upvoted.add(id);
    this.actor.publish('question.upvote', { questionId: id }, false);
    this.actor.count('upvotes');
  }

  private chat(): void {
    if (!this.current().chatOn) return;
    const messageId = `${this.tag}c${this.n++}`;
    this.actor.publish('chat.send', { messageId, text: pick(this.rand, CHATS) ?? 'hi' }, false);
    this.actor.count('chats');
  }

  /** A burst: several reactions 100-300 ms apart, as thumbs hammer the button. */
  private burst(): void {
    const emoji = pick(this.rand, this.current().reactions);
    if (!emoji) return;
    const size = between(this.rand, this.profile.burstSize.min, this.profile.burstSize.max);
    let t = 0;
    for (let i = 0; i < size; i++) {
      this.after(t, () => {
        this.actor.publish('reaction.send', { emoji }, false);
        this.actor.count('reactions');
      });
      t += 100 + this.rand() * 200;
    }
  }

  private every(perMin: number, fn: () => void): void {
    const delay = expDelayMs(this.rand, perMin);
    if (!Number.isFinite(delay)) return;
    this.after(delay, () => {
      if (this.actor.ready) fn();
      this.every(perMin, fn);
    });
  }

  private after(ms: number, fn: () => void): void {
    if (!this.active) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.active) fn();
    }, ms);
    this.timers.add(t);
  }
}
