/** The link per hub URL: which one is in use, its state, retries, clock offset. */
import { useConsole } from '../../store/store';
import { useNow } from '../../lib/use-now';
import { linkLabel } from '../shell/link-pill';

export function LinkPanel() {
  const link = useConsole((s) => s.link);
  const sessionHubs = useConsole((s) => s.session.hubUrls);
  const hubs = link.hubUrls.length ? link.hubUrls : sessionHubs;
  const now = useNow(1000, link.retryAt !== null);
  return (
    <section className="card" aria-labelledby="link-title">
      <h3 id="link-title">Link</h3>
      <dl className="facts">
        <div className="kv">
          <dt>State</dt>
          <dd data-testid="link-state">{linkLabel(link.state)}</dd>
        </div>
        {link.retryAt !== null && (
          <div className="kv">
            <dt>Next attempt</dt>
            <dd>{link.retryAt > now ? `in ${Math.ceil((link.retryAt - now) / 1000)} s` : 'now'} (attempt {link.attempt})</dd>
          </div>
        )}
        {link.reason && (
          <div className="kv">
            <dt>Last reason</dt>
            <dd>{link.reason}</dd>
          </div>
        )}
        <div className="kv">
          <dt>Hub node</dt>
          <dd>{link.node ?? '—'}</dd>
        </div>
        <div className="kv">
          <dt>Clock offset</dt>
          <dd>{`${link.clockOffsetMs >= 0 ? '+' : ''}${Math.round(link.clockOffsetMs)} ms (hub − local)`}</dd>
        </div>
      </dl>
      <h4>Hubs, in failover order</h4>
      {hubs.length === 0 ? (
        <p className="empty">No hub: start or join an event on Setup.</p>
      ) : (
        <ul className="hub-list">
          {hubs.map((url) => {
            const inUse = url === link.hubUrl;
            const state = inUse ? linkLabel(link.state) : 'Standby';
            return (
              <li key={url} data-hub-url={url}>
                <span aria-hidden="true">{inUse ? (link.state === 'connected' ? '●' : '◌') : '○'} </span>
                <code>{url}</code> <span className="tag">{inUse ? `In use — ${state}` : state}</span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
