/** Every action the console queued and what became of it: queued, sent, acknowledged, refused (why). */
import { useState } from 'react';
import type { OutboxItem } from '../../../../shared/console-api';
import { fmtClock } from '../../lib/format';
import { isPending, targetOf } from '../../store/outbox-merge';
import { useConsole } from '../../store/store';
import { actionLabel } from '../common/pending-badge';

const SHOW = 200;
const STATE: Record<OutboxItem['state'], string> = { queued: '⏳ Queued', sent: '⇡ Sent', acknowledged: '✓ Acknowledged', refused: '✕ Refused' };

export function OutboxTable() {
  const outbox = useConsole((s) => s.outbox);
  const pending = useConsole((s) => s.pendingCount);
  const [onlyPending, setOnlyPending] = useState(false);
  const list = (onlyPending ? outbox.filter(isPending) : outbox).slice(-SHOW).reverse();
  return (
    <section className="card" aria-labelledby="outbox-title">
      <div className="row spread">
        <h3 id="outbox-title">
          Outbox <span className="count">{pending} waiting</span>
        </h3>
        <label className="check">
          <input type="checkbox" checked={onlyPending} onChange={(e) => setOnlyPending(e.target.checked)} /> Only waiting
        </label>
      </div>
      {list.length === 0 ? (
        <p className="empty">{onlyPending ? 'Nothing waiting: every action has been answered.' : 'No actions yet.'}</p>
      ) : (
        <div className="table-scroll">
          <table className="table" aria-label="Outbox" data-testid="outbox-table">
            <thead>
              <tr>
                <th scope="col">Queued</th>
                <th scope="col">Action</th>
                <th scope="col">On</th>
                <th scope="col">State</th>
                <th scope="col" className="num">
                  Serial
                </th>
                <th scope="col">Note</th>
              </tr>
            </thead>
            <tbody>
              {list.map((i) => (
                <tr key={i.id} data-state={i.state} data-name={i.name}>
                  <td>{fmtClock(i.queuedAt)}</td>
                  <td>{actionLabel(i)}</td>
                  <td>
                    <code>{targetOf(i) ?? '—'}</code>
                  </td>
                  <td className={`state-${i.state}`}>{STATE[i.state]}</td>
                  <td className="num">{i.serial ?? '—'}</td>
                  <td>{i.reason ?? (i.dup ? 'duplicate (already applied)' : i.applied === false ? 'no effect' : '')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {outbox.length > SHOW && !onlyPending && <p className="muted small">Showing the latest {SHOW} of {outbox.length}.</p>}
    </section>
  );
}
