/** Status filter (with counts) for the moderation queue. */
import { qaCounts } from '../../store/selectors';
import { useConsole } from '../../store/store';
import { setQaFilter } from '../../store/ui-actions';
import type { QaFilter } from '../../store/slices/ui-slice';

const FILTERS: Array<{ value: QaFilter; label: string }> = [
  { value: 'pending', label: 'Pending' },
  { value: 'approved', label: 'Approved' },
  { value: 'answered', label: 'Answered' },
  { value: 'rejected', label: 'Rejected' },
  { value: 'archived', label: 'Archived' },
  { value: 'flagged', label: 'Flagged' },
  { value: 'all', label: 'All' },
];

export function QaFilters() {
  const filter = useConsole((s) => s.qaFilter);
  const counts = useConsole((s) => qaCounts(s.view?.doc ?? null));
  return (
    <div className="qa-filters row wrap">
      <fieldset className="segmented">
        <legend className="sr-only">Show questions</legend>
        {FILTERS.map((f) => (
          <label key={f.value} className={filter === f.value ? 'on' : undefined}>
            <input type="radio" name="qa-filter" value={f.value} checked={filter === f.value} onChange={() => setQaFilter(f.value)} />
            {f.label} <span className="count" data-testid={`qa-count-${f.value}`}>{counts ? counts[f.value] : 0}</span>
          </label>
        ))}
      </fieldset>
    </div>
  );
}
