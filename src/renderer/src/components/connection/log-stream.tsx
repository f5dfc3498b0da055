/** The event's log as it streams in, newest first; pausable so a line can be read during a storm. */
import { memo, useState } from 'react';
import type { WireEntry } from '../../../../shared/protocol/frames';
import { fmtClock } from '../../lib/format';
import { useLogWatch } from '../../store/screen-needs';
import { useConsole } from '../../store/store';

const SHOW = 60;

function summary(data: unknown): string {
  if (data === null || typeof data !== 'object') return String(data ?? '');
  const text = JSON.stringify(data);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

const LogRow = memo(function LogRow({ e }: { e: WireEntry }) {
  return (
    <tr>
      <td className="num">{e.serial}</td>
      <td>{fmtClock(e.ts)}</td>
      <td>
        <code>{e.name}</code>
      </td>
      <td>{e.clientId === 'hub' ? 'hub' : `${e.author ?? e.clientId.slice(0, 10)}${e.role ? ` (${e.role})` : ''}`}</td>
      <td className="log-data">
        <code>{summary(e.data)}</code>
      </td>
    </tr>
  );
});

/** The only view of the log: the hub streams it to this console only while this is shown. */
export function LogStream() {
  useLogWatch();
  const live = useConsole((s) => s.log);
  const [paused, setPaused] = useState<WireEntry[] | null>(null);
  const log = paused ?? live;
  const list = log.slice(-SHOW).reverse();
  return (
    <section className="card" aria-labelledby="log-title">
      <div className="row spread">
        <h3 id="log-title">Live log</h3>
        <button type="button" className="button small" aria-pressed={paused !== null} onClick={() => setPaused(paused ? null : live)}>
          {paused ? '▶ Resume log' : '❚❚ Pause log'}
        </button>
      </div>
      {list.length === 0 ? (
        <p className="empty">No log entries yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="table log" aria-label="Log entries, newest first">
            <thead>
              <tr>
                <th scope="col" className="num">
                  Serial
                </th>
                <th scope="col">Time</th>
                <th scope="col">Message</th>
                <th scope="col">From</th>
                <th scope="col">Data</th>
              </tr>
            </thead>
            <tbody>
              {list.map((e) => (
                <LogRow key={e.serial} e={e} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
