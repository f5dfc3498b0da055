/** P27: the warning that an open cue has not reached 95% of the phones for more than 5 s (reach-watch.ts). */
import { fmtInt, fmtPct } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { REACH_WARN_BELOW } from '../../store/metrics/reach-watch';
import { useConsole } from '../../store/store';

export function ReachAlert() {
  const alert = useConsole((s) => s.reachAlert);
  const title = useConsole((s) => {
    const id = s.reachAlert?.cueId;
    const doc = s.view?.doc;
    if (!id || !doc) return null;
    return doc.polls[id]?.question ?? doc.quizzes[id]?.title ?? null;
  });
  const now = useNow(1_000, alert !== null);
  if (!alert) return null;
  const secs = Math.max(1, Math.round((now - alert.belowSince) / 1000));
  return (
    <div className="banner banner-bad inline" role="alert" data-testid="reach-alert">
      <span aria-hidden="true">⚠</span>
      <p>
        <strong>
          Only {fmtInt(alert.shown)} of {fmtInt(alert.of)} phones ({fmtPct(alert.shown, alert.of)}) show {title ? `“${title}”` : 'the open cue'}
        </strong>{' '}
        — below {Math.round(REACH_WARN_BELOW * 100)}% for {secs} s. Some phones are offline or not keeping up; they catch up when their connection recovers.
      </p>
    </div>
  );
}
