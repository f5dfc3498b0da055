/**
 * An OBS/vMix browser source: subscribes to the `audience` view (what the public may see,
 * P21) with a producer token and draws one part of it over a transparent background.
 */
import { useEffect, useMemo } from 'react';
import { linkPhase, startHubLink } from '../lib/hub-link';
import { hubEndpoints } from '../lib/hubs';
import { asAudienceView } from '../lib/view-guards';
import { overlayParams } from '../../shared/overlay-url';
import { LeaderboardOverlay } from './leaderboard-overlay';
import { useOverlay } from './overlay-store';
import { PollOverlay } from './poll-overlay';
import { QaOverlay } from './qa-overlay';
import { ReactionsOverlay } from './reactions-overlay';

export function OverlayApp() {
  const params = useMemo(() => overlayParams(window.location), []);
  const view = useOverlay((s) => s.view);
  const phase = useOverlay((s) => s.phase);
  const detail = useOverlay((s) => s.detail);

  useEffect(() => {
    if (!params.ok) return;
    const link = startHubLink({
      endpoints: hubEndpoints(window.location.search, window.location.origin).map((e) => e.ws),
      token: params.token,
      eventId: params.eventId,
      clientName: `stagecall-overlay-${params.kind}`,
      reportApplied: true, // P27: an overlay is an audience screen too
      onStatus: (s) => useOverlay.setState({ phase: linkPhase(s), detail: s.detail }),
    });
    const stop = link.client.view('audience', (doc) => {
      const v = asAudienceView(doc);
      if (v) useOverlay.setState({ view: v });
    });
    return () => {
      stop();
      link.stop();
    };
  }, [params]);

  // Setup problems are shown (the producer sees them while placing the source); a passing
  // reconnect is not, so a hub restart never flashes text over the programme.
  if (!params.ok) return <p className="ov-problem" role="alert">{params.problem}</p>;
  if (phase === 'unauthorized')
    return (
      <p className="ov-problem" role="alert">
        The hub refused this overlay's token{detail ? `: ${detail}` : ''}. Copy a fresh producer link.
      </p>
    );
  const o = params.options;
  return (
    <main
      className={`ov ov-view-${params.kind} ov-theme-${o.theme} ov-bg-${o.bg} ov-pos-${o.position} ov-size-${o.size}`}
      data-ready={view ? 'yes' : 'no'}
      aria-label={`Overlay: ${params.kind}`}
    >
      {view && params.kind === 'poll' && <PollOverlay view={view} cue={o.cue} />}
      {view && params.kind === 'qa' && <QaOverlay view={view} />}
      {view && params.kind === 'reactions' && <ReactionsOverlay view={view} />}
      {view && params.kind === 'leaderboard' && <LeaderboardOverlay view={view} cue={o.cue} />}
    </main>
  );
}
