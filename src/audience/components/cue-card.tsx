/** A quiz or a poll card, whichever the cue is. */
import type { PhoneCue } from '../lib/select';
import { PollCard } from './poll-card';
import { QuizCard } from './quiz-card';

export function CueCard({ cue }: { cue: PhoneCue }) {
  return cue.kind === 'quiz' ? <QuizCard quiz={cue.quiz} /> : <PollCard poll={cue.poll} />;
}
