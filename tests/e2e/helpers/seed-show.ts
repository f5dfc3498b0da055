/** A realistic mid-show state for screenshots: polls of every kind with votes, a quiz mid-way, a busy Q&A. */
import { TestClient } from '../../helpers/test-client';
import type { Member } from './audience';

const QUESTIONS = [
  'Will the new API be backwards compatible with v2 clients?',
  'When does the beta open for teams outside the US?',
  'How does pricing change for non-profits?',
  'Can we self-host the hub behind our own load balancer?',
  'What is the roadmap for offline support on mobile?',
  'Is there an export to our data warehouse?',
  'How many people can join a single event?',
  'Any spoiler for the finale demo?',
  'Will recordings be available after the keynote?',
  'Does the quiz scoring account for slow networks?',
  'What accessibility standards does the audience app meet?',
  'Can moderators work from a phone?',
  'How are flagged words configured per event?',
  'Is SSO supported for staff accounts?',
  'What happens to votes if the venue Wi-Fi drops?',
  'Can we brand the audience page with our colours?',
  'Which languages does the word filter cover?',
  'How long is event data retained?',
  'Can polls be scheduled ahead of time?',
  'Is there a dark mode for the audience app?',
  'How do we rehearse with a simulated audience?',
  'Will there be an on-prem licence?',
  'Does the console work on Windows?',
  'What is the latency budget for a vote?',
];

export interface SeededShow {
  pollId: string;
}

/** Seeds through a host's protocol client and the audience members; returns ids the spec may need. */
export async function seedShow(hubUrl: string, hostToken: string, members: Member[]): Promise<SeededShow> {
  const host = await TestClient.connect(hubUrl, hostToken);
  let n = 0;
  const pub = async (name: string, data: unknown): Promise<void> => {
    const f = await host.pub(`seed-${n++}`, name, data);
    if (f.t !== 'ack') throw new Error(`${name} refused: ${JSON.stringify(f)}`);
  };
  await pub('event.update', { status: 'live', settings: { filterWords: ['spoiler'] } });
  await pub('poll.create', { pollId: 'p-words', question: 'One word for this quarter?', kind: 'wordcloud' });
  await pub('poll.create', { pollId: 'p-rate', question: 'How useful was the demo?', kind: 'rating', options: ['1', '2', '3', '4', '5'].map((l) => ({ id: `r${l}`, label: l })) });
  await pub('poll.create', {
    pollId: 'p-main',
    question: 'Which feature should we ship next?',
    kind: 'single',
    options: [
      { id: 'o1', label: 'Offline mode for the audience app' },
      { id: 'o2', label: 'Live translation of questions' },
      { id: 'o3', label: 'Breakout rooms' },
      { id: 'o4', label: 'Slide sync' },
    ],
  });
  await pub('quiz.create', {
    quizId: 'quiz-1',
    title: 'Product trivia',
    questions: [
      { id: 'q1', prompt: 'What year did we ship v1?', options: [{ id: 'a', label: '2019' }, { id: 'b', label: '2020' }, { id: 'c', label: '2021' }], correctOptionId: 'b', timeLimitMs: 20_000, points: 1000 },
      { id: 'q2', prompt: 'How many hub regions run today?', options: [{ id: 'a', label: '3' }, { id: 'b', label: '5' }, { id: 'c', label: '8' }, { id: 'd', label: '12' }], correctOptionId: 'c', timeLimitMs: 600_000, points: 1000 },
    ],
  });
  for (const id of ['p-words', 'p-rate', 'p-main']) await pub('poll.open', { pollId: id });

  const words = ['growth', 'focus', 'growth', 'shipping', 'hiring', 'focus', 'growth', 'calm', 'speed', 'growth', 'focus', 'quality'];
  await Promise.all(
    members.map(async (m, i) => {
      await m.client.pub(`w-${i}`, 'vote.cast', { pollId: 'p-words', text: words[i % words.length] as string });
      await m.client.pub(`r-${i}`, 'vote.cast', { pollId: 'p-rate', optionIds: [`r${[5, 4, 4, 3, 5, 4, 2, 5][i % 8]}`] });
      await m.client.pub(`m-${i}`, 'vote.cast', { pollId: 'p-main', optionIds: [['o1', 'o1', 'o2', 'o1', 'o3', 'o2', 'o4', 'o1', 'o2'][i % 9] as string] });
    }),
  );
  await pub('poll.close', { pollId: 'p-rate' });
  await pub('poll.reveal', { pollId: 'p-rate', visible: true });

  // Quiz: first question answered and revealed, second one running.
  await pub('quiz.next', { quizId: 'quiz-1' });
  await Promise.all(members.map((m, i) => m.client.pub(`qa1-${i}`, 'quiz.answer', { quizId: 'quiz-1', questionId: 'q1', optionId: i % 3 === 0 ? 'a' : 'b' })));
  await pub('quiz.reveal', { quizId: 'quiz-1' });
  await pub('quiz.next', { quizId: 'quiz-1' });
  await Promise.all(members.slice(0, 20).map((m, i) => m.client.pub(`qa2-${i}`, 'quiz.answer', { quizId: 'quiz-1', questionId: 'q2', optionId: i % 4 === 0 ? 'b' : 'c' })));

  // Q&A: questions with upvotes, a few already moderated.
  for (const [i, text] of QUESTIONS.entries()) {
    const m = members[i % members.length] as Member;
    await m.client.pub(`ask-${i}`, 'question.ask', { questionId: `q-${i + 1}`, text, anonymous: i % 5 === 4 });
  }
  for (const [id, status] of [['q-2', 'approved'], ['q-3', 'approved'], ['q-5', 'approved'], ['q-9', 'approved'], ['q-15', 'approved'], ['q-7', 'answered'], ['q-12', 'rejected']] as const)
    await pub('question.moderate', { questionId: id, status });
  // Upvotes (the audience can only upvote what it can see: approved or answered questions).
  const votes: Record<string, number> = { 'q-3': 25, 'q-9': 18, 'q-2': 12, 'q-7': 9, 'q-5': 7, 'q-15': 3 };
  await Promise.all(
    Object.entries(votes).map(async ([id, count]) => {
      for (let i = 0; i < count; i++) await (members[i] as Member).client.pub(`up-${id}-${i}`, 'question.upvote', { questionId: id });
    }),
  );
  await pub('question.pin', { questionId: 'q-3', pinned: true });
  host.close();
  return { pollId: 'p-main' };
}

/** Keeps the audience busy (reactions, a few vote changes) until `stop` is called, within the hub's rate limits. */
export function keepBusy(members: Member[]): () => void {
  let running = true;
  let n = 0;
  const emoji = ['👍', '❤️', '😂', '👏', '🎉', '😮'];
  const loop = async (): Promise<void> => {
    while (running) {
      const burst = 3 + (n % 7);
      for (let k = 0; k < burst; k++) {
        const m = members[(n * 13 + k) % members.length] as Member;
        m.client.send({ t: 'pub', id: `busy-${n}-${k}`, name: 'reaction.send', data: { emoji: emoji[(n + k) % emoji.length] } });
      }
      if (n % 4 === 0) {
        const m = members[n % members.length] as Member;
        m.client.send({ t: 'pub', id: `busy-v-${n}`, name: 'vote.cast', data: { pollId: 'p-main', optionIds: [['o1', 'o2', 'o3'][n % 3]] } });
      }
      n++;
      await new Promise((r) => setTimeout(r, 400));
    }
  };
  void loop();
  return () => {
    running = false;
  };
}
