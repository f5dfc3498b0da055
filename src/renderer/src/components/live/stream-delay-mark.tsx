/**
 * P30 on the Live screen: the event's stream delay, and a way to measure it. Change a cue (open a
 * poll, show results, next question), press "Mark" when the stream shows that change; the console
 * proposes the difference on the hub clock and the host confirms it (event.update). A value by
 * hand is set in Event settings.
 */
import { useState } from 'react';
import { fmtClock } from '../../lib/format';
import { readLog, updateSettings } from '../../store/actions';
import { cueChangePage, lastCueChange, proposeDelay, type DelayProposal } from '../../store/stream-delay-mark';
import { useConsole } from '../../store/store';
import { navigate } from '../../store/ui-actions';

const CHANGE: Record<string, string> = {
  'poll.open': 'poll opened',
  'poll.close': 'poll closed',
  'poll.reveal': 'results shown or hidden',
  'quiz.next': 'quiz question shown',
  'quiz.reveal': 'quiz answer revealed',
  'quiz.end': 'quiz ended',
};

const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function StreamDelayMark() {
  const delayMs = useConsole((s) => s.view?.doc.event.settings.streamDelayMs ?? null);
  const isHost = useConsole((s) => s.session.role === 'host');
  // Seen between two views (no log stream on this screen); its log entry's time is read on Mark.
  const change = useConsole((s) => s.cueChange);
  const offset = useConsole((s) => s.link.clockOffsetMs);
  const [proposal, setProposal] = useState<(DelayProposal & { serial: number }) | null>(null);
  if (delayMs === null) return null;

  const mark = async (): Promise<void> => {
    if (!change) return;
    const pressedAtHub = Date.now() + offset; // the press, before the log page is read
    const page = cueChangePage(change);
    const r = await readLog(page.from, page.limit);
    const entry = r.ok ? lastCueChange(r.value) : null;
    setProposal(
      entry
        ? { ...proposeDelay(entry.ts, pressedAtHub), serial: change.serial }
        : { ok: false, message: r.ok ? 'The change is no longer in the recent log; change a cue and mark again.' : `Could not read the change from the hub: ${r.message}`, serial: change.serial },
    );
  };
  const confirm = (ms: number): void => {
    setProposal(null);
    void updateSettings({ streamDelayMs: ms });
  };

  return (
    <section className="card stream-delay" aria-labelledby="stream-delay-title" data-testid="stream-delay">
      <h3 id="stream-delay-title">Stream delay</h3>
      <p className="figure" data-testid="stream-delay-value">
        {delayMs > 0 ? (
          <>
            <strong>{secs(delayMs)}</strong> — people watching the stream see cues this much later, and their votes count this much longer.
          </>
        ) : (
          'None set: everyone is treated as in the room.'
        )}
      </p>
      <p className="muted small">
        To measure it: change a cue, watch the stream, and press Mark the moment the stream shows the change.
        {change ? ` Last change: ${CHANGE[change.name] ?? change.name} at ${fmtClock(change.seenAt - offset)}.` : ' No cue has changed yet.'}
      </p>
      <div className="row wrap">
        <button type="button" className="button" onClick={() => void mark()} disabled={!change}>
          Mark: the stream shows it now
        </button>
        <button type="button" className="button ghost" onClick={() => navigate('settings')}>
          Set by hand…
        </button>
      </div>
      {proposal && proposal.serial === change?.serial && (
        <div className="row wrap" role="status" data-testid="stream-delay-proposal">
          {proposal.ok ? (
            <>
              <p>
                Measured <strong>{secs(proposal.delayMs)}</strong>.
                {!isHost && ' Only the host can set it; tell them this figure.'}
              </p>
              {isHost && (
                <button type="button" className="button primary" onClick={() => confirm(proposal.delayMs)}>
                  Use {secs(proposal.delayMs)}
                </button>
              )}
              <button type="button" className="button ghost" onClick={() => setProposal(null)}>
                Discard
              </button>
            </>
          ) : (
            <p>{proposal.message}</p>
          )}
        </div>
      )}
    </section>
  );
}
