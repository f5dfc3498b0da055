/** The hub-load alert and its threshold, on the Live screen. */
import { useConsole } from '../../store/store';
import { setLoadThreshold } from '../../store/ui-actions';
import { useLoadAlert } from '../shell/load-alert-pill';

export function LoadAlert() {
  const alert = useLoadAlert();
  const threshold = useConsole((s) => s.loadThreshold);
  return (
    <div className="row wrap load-row">
      {alert ? (
        <div className="banner banner-bad inline" role="alert" data-testid="load-alert">
          <span aria-hidden="true">⚠</span>
          <p>
            <strong>Hub load {Math.round(alert.load * 100)}%</strong> — at or above the {Math.round(alert.threshold * 100)}% alert threshold. Expect slower updates; consider pausing rehearsal load or adding a hub.
          </p>
        </div>
      ) : (
        <p className="muted">
          <span aria-hidden="true">✓ </span>Hub load below the alert threshold.
        </p>
      )}
      <label className="threshold">
        Alert at load %
        <input type="number" min={0} max={100} step={5} value={Math.round(threshold * 100)} onChange={(e) => setLoadThreshold(Number(e.target.value) / 100)} />
      </label>
    </div>
  );
}
