/** Bulk actions on the checked questions. */
import { moderateMany } from '../../store/actions';
import { useConsole } from '../../store/store';
import { setQaSelection } from '../../store/ui-actions';
import { QaSort } from './qa-sort';

export function QaBulkBar({ visibleIds }: { visibleIds: string[] }) {
  const selected = useConsole((s) => s.qaSelected);
  const n = selected.size;
  const allShown = visibleIds.length > 0 && visibleIds.every((id) => selected.has(id));
  const run = (status: 'approved' | 'rejected' | 'archived'): void => void moderateMany([...selected], status);
  return (
    <div className="bulk-bar row wrap" role="group" aria-label="Bulk actions">
      <label className="check">
        <input type="checkbox" checked={allShown} onChange={() => setQaSelection(allShown ? [] : visibleIds)} disabled={visibleIds.length === 0} aria-label={`Select all ${visibleIds.length} shown`} />
        All {visibleIds.length} shown
      </label>
      <span className="muted" aria-live="polite">
        {n} selected:
      </span>
      <button type="button" className="button small" disabled={n === 0} onClick={() => run('approved')} aria-label="Approve selected">
        ✓ Approve
      </button>
      <button type="button" className="button small" disabled={n === 0} onClick={() => run('rejected')} aria-label="Reject selected">
        ✕ Reject
      </button>
      <button type="button" className="button small" disabled={n === 0} onClick={() => run('archived')} aria-label="Archive selected">
        ▣ Archive
      </button>
      {n > 0 && (
        <button type="button" className="button small ghost" onClick={() => setQaSelection([])}>
          Clear selection
        </button>
      )}
      <QaSort />
    </div>
  );
}
