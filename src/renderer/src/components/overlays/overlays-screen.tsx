/**
 * Overlays: every overlay page the hub serves (OBS/vMix browser sources), each with its URL, the
 * token it needs, a Copy button, a live preview and its display options. The token is a producer
 * token the console issues (it holds the admin key); otherwise the host pastes one.
 */
import { useEffect, useMemo, useState } from 'react';
import { hubOrigin } from '../../../../shared/join-url';
import { OVERLAY_VIEWS } from '../../../../shared/overlay-url';
import { cuesInOrder } from '../../store/selectors';
import { overlayToken, type OverlayToken } from '../../store/overlay-token';
import { useConsole } from '../../store/store';
import { FormError } from '../setup/form-error';
import { OverlayCard, type CueChoice } from './overlay-card';

const fmtDate = (ms: number): string => new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function OverlaysScreen() {
  const eventId = useConsole((s) => s.session.eventId);
  const joinUrl = useConsole((s) => s.session.joinUrl);
  const hubUrls = useConsole((s) => s.session.hubUrls);
  const canIssue = useConsole((s) => s.session.canIssueTokens);
  const polls = useConsole((s) => s.view?.doc.polls ?? null);
  const quizzes = useConsole((s) => s.view?.doc.quizzes ?? null);
  const order = useConsole((s) => s.view?.doc.order ?? null);
  const [issued, setIssued] = useState<OverlayToken | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [pasted, setPasted] = useState('');
  const base = hubOrigin(joinUrl, hubUrls);

  useEffect(() => {
    if (!canIssue || !eventId) return;
    let live = true;
    void overlayToken().then((r) => {
      if (!live) return;
      setIssued(r.ok ? r.value : null);
      setProblem(r.ok ? null : `The hub did not issue an overlay token: ${r.message}`);
    });
    return () => {
      live = false;
    };
  }, [canIssue, eventId]);

  const cues = useMemo(() => {
    const all = cuesInOrder(polls, quizzes, order);
    const poll: CueChoice[] = [];
    const quiz: CueChoice[] = [];
    all.forEach((c, i) => (c.kind === 'poll' ? poll.push({ id: c.id, label: `#${i + 1} ${c.poll.question}` }) : quiz.push({ id: c.id, label: `#${i + 1} ${c.quiz.title}` })));
    return { poll, quiz };
  }, [polls, quizzes, order]);

  const token = canIssue ? (issued?.token ?? null) : pasted.trim() || null;
  return (
    <div className="screen-inner overlays">
      <header className="screen-head">
        <h2 className="screen-title">Overlays</h2>
      </header>
      <p className="muted">
        Add each as a browser source in OBS or vMix. They show what the audience may see, nothing more, over a transparent background, and follow the show live.
      </p>
      <section className="card form overlay-token" aria-label="Overlay token">
        {canIssue ? (
          issued ? (
            <p>
              The links carry a producer token named “Overlays”, valid until {fmtDate(issued.expiresAt)}. Anyone holding a link can watch the overlay; it cannot change anything. Revoke it under Setup → Team tokens to retire every link.
            </p>
          ) : (
            !problem && <p className="muted">Issuing a producer token for the overlay links…</p>
          )
        ) : (
          <label>
            Producer token for the overlay links (this console cannot issue one: ask whoever holds the admin key)
            <textarea rows={2} value={pasted} onChange={(e) => setPasted(e.target.value)} spellCheck={false} />
          </label>
        )}
        <FormError message={problem} />
      </section>
      {!base || !eventId ? (
        <p className="empty">The overlay pages are served by the hub: connect to an event first.</p>
      ) : !token ? (
        <p className="empty">The overlay links appear once there is a token.</p>
      ) : (
        <div className="overlay-list">
          {OVERLAY_VIEWS.map((kind) => (
            <OverlayCard key={kind} kind={kind} base={base} eventId={eventId} token={token} cues={kind === 'poll' ? cues.poll : kind === 'leaderboard' ? cues.quiz : []} />
          ))}
        </div>
      )}
    </div>
  );
}
