/** Sort order of the moderation queue. */
import { useConsole } from '../../store/store';
import { setQaSort } from '../../store/ui-actions';
import type { QaSort as QaSortOrder } from '../../store/slices/ui-slice';

export function QaSort() {
  const sort = useConsole((s) => s.qaSort);
  return (
    <label className="qa-sort">
      Sort
      <select value={sort} onChange={(e) => setQaSort(e.target.value as QaSortOrder)}>
        <option value="upvotes">Most upvoted</option>
        <option value="newest">Newest first</option>
        <option value="oldest">Oldest first</option>
      </select>
    </label>
  );
}
