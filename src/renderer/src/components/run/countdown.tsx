/** Time left on a quiz question, on the hub's clock (local clock + LinkStatus.clockOffsetMs). */
import { useConsole } from '../../store/store';
import { fmtCountdown } from '../../lib/format';
import { useNow } from '../../lib/use-now';

export function Countdown({ closesAt, openedAt, revealed }: { closesAt: number; openedAt: number; revealed: boolean }) {
  const offset = useConsole((s) => s.link.clockOffsetMs);
  const now = useNow(250, !revealed);
  const hubNow = now + offset;
  const left = Math.max(0, closesAt - hubNow);
  const total = Math.max(1, closesAt - openedAt);
  const closed = revealed || left === 0;
  return (
    <div className="countdown" data-testid="countdown">
      <span className="countdown-text" aria-live="off">
        {closed ? (revealed ? '■ Answer revealed' : '■ Time is up') : `⏱ ${fmtCountdown(left)} left`}
      </span>
      <span className="countdown-track" aria-hidden="true">
        <span className="countdown-fill" style={{ width: `${closed ? 0 : Math.round((left / total) * 100)}%` }} />
      </span>
    </div>
  );
}
