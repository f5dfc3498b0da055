/** Raised while the hub's load is at or above the operator's threshold (issue 5.4). */
import { useConsole } from '../../store/store';
import { navigate } from '../../store/ui-actions';

export function useLoadAlert(): { load: number; threshold: number } | null {
  const load = useConsole((s) => s.latestStats?.load ?? null);
  const threshold = useConsole((s) => s.loadThreshold);
  return load !== null && load >= threshold ? { load, threshold } : null;
}

export function LoadAlertPill() {
  const alert = useLoadAlert();
  if (!alert) return null;
  return (
    <button type="button" className="pill pill-button pill-bad" onClick={() => navigate('live')} aria-label={`Hub load alert: ${Math.round(alert.load * 100)}%`}>
      <span aria-hidden="true">⚠</span> Load {Math.round(alert.load * 100)}%
    </button>
  );
}
