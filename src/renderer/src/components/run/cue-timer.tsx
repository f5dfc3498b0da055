/** A cue card's timer (P28): time left on the hub clock while it runs, the set duration otherwise. */
import { fmtCountdown } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { useConsole } from '../../store/store';
import type { Cue } from './cue-list';

function running(c: Cue): number | null {
  if (c.kind === 'poll') return c.poll.status === 'open' ? c.poll.closesAt : null;
  const cur = c.quiz.current;
  return c.quiz.status === 'running' && cur && !cur.revealed ? cur.closesAt : null;
}

export function CueTimer({ cue }: { cue: Cue }) {
  const closesAt = running(cue);
  const offset = useConsole((s) => s.link.clockOffsetMs);
  const now = useNow(250, closesAt !== null);
  if (closesAt !== null) {
    const left = Math.max(0, closesAt - (now + offset));
    return (
      <span className="cue-timer" data-testid="cue-timer">
        {' '}
        · ⏱ {left > 0 ? `${fmtCountdown(left)} left` : 'time is up'}
      </span>
    );
  }
  if (cue.kind === 'poll' && cue.poll.durationMs !== null && cue.poll.status === 'draft')
    return <span className="cue-timer"> · ⏱ closes {fmtCountdown(cue.poll.durationMs)} after opening</span>;
  if (cue.kind === 'quiz' && cue.quiz.autoReveal && cue.quiz.status !== 'ended') return <span className="cue-timer"> · reveals by itself</span>;
  return null;
}
