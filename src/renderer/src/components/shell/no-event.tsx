/** Run of show, Q&A and Live before there is an event: say so, and point to Setup. */
import { navigate } from '../../store/ui-actions';

export function NoEvent({ title }: { title: string }) {
  return (
    <div className="screen-inner">
      <header className="screen-head">
        <h2 className="screen-title">{title}</h2>
      </header>
      <div className="card empty-state">
        <h3>No event yet</h3>
        <p className="muted">Start a local event, create one on a hub, or join one with a token.</p>
        <button type="button" className="button primary" onClick={() => navigate('setup')}>
          Go to Setup
        </button>
      </div>
    </div>
  );
}
