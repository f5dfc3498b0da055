/** Leaving the event, with a confirmation step (queued actions are kept). */
import { useState } from 'react';
import { leaveEvent } from '../../store/actions';

export function LeaveEvent() {
  const [confirming, setConfirming] = useState(false);
  return (
    <section className="card danger-zone" aria-label="Leave event">
      {confirming ? (
        <div className="row">
          <p>Leave this event? Queued actions stay in the outbox and are sent if you come back.</p>
          <button type="button" className="button danger" onClick={() => void leaveEvent().then(() => setConfirming(false))}>
            Yes, leave event
          </button>
          <button type="button" className="button" onClick={() => setConfirming(false)}>
            Stay
          </button>
        </div>
      ) : (
        <button type="button" className="button" onClick={() => setConfirming(true)}>
          Leave event…
        </button>
      )}
    </section>
  );
}
