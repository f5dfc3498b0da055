/** Q&A moderation: filters, bulk bar, the virtualized queue with keys, and what the audience sees. */
import { useHotkeys } from '../../lib/hotkeys';
import { qaQueue } from '../../store/selectors';
import { useTeamRefresh } from '../../store/screen-needs';
import { useConsole } from '../../store/store';
import { AudiencePreview } from './audience-preview';
import { QaBulkBar } from './qa-bulk-bar';
import { QaFilters } from './qa-filters';
import { QaSort } from './qa-sort';
import { cursorOf, qaHotkeys } from './qa-keys';
import { QaList } from './qa-list';

export function QaScreen() {
  const doc = useConsole((s) => s.view?.doc ?? null);
  const filter = useConsole((s) => s.qaFilter);
  const sort = useConsole((s) => s.qaSort);
  const cursorId = useConsole((s) => s.qaCursorId);
  const cursorIndex = useConsole((s) => s.qaCursorIndex);
  const canModerate = useConsole((s) => s.session.role === 'host' || s.session.role === 'moderator');
  const rows = qaQueue(doc, filter, sort);
  const cur = cursorOf(rows, cursorId, cursorIndex);
  useHotkeys(qaHotkeys, canModerate);
  useTeamRefresh(doc !== null); // teammates to assign to, from one log page rather than the per-vote stream

  return (
    <div className="screen-inner qa">
      <header className="screen-head">
        <h2 className="screen-title">Q&amp;A moderation</h2>
        <p className="hint muted">
          <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>a</kbd> approve · <kbd>r</kbd> reject · <kbd>d</kbd> answered · <kbd>p</kbd> pin · <kbd>e</kbd> archive · <kbd>x</kbd> select
        </p>
      </header>
      {!doc ? (
        <p className="empty">Waiting for the event’s state from the hub…</p>
      ) : (
        <div className="qa-grid">
          <section className="qa-main" aria-label="Moderation queue">
            <QaFilters />
            {canModerate ? <QaBulkBar visibleIds={rows.map((r) => r.id)} /> : <QaSort />}
            <QaList rows={rows} />
            <p className="sr-only" aria-live="polite" data-testid="qa-cursor">
              {cur ? `Question ${cur.index + 1} of ${rows.length}, ${cur.q.status}: ${cur.q.text}` : 'No question selected'}
            </p>
          </section>
          <AudiencePreview />
        </div>
      )}
    </div>
  );
}
