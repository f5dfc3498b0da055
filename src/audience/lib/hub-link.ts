/**
 * The browser's link to the hub: the shared client (src/shared/client) with the page's
 * WebSocket, plus what only a browser knows: `online`/`offline` events and the page coming
 * back to the front (a phone off the lock screen), both of which mean "try now". The status it
 * reports uses the client's one vocabulary of states.
 */
import { createClient, type ConnectionState, type OutboxStore, type StagecallClient } from '../../shared/client';

/** What the page tells the person about the link (status-banner.tsx). */
export type LinkPhase = 'connecting' | 'online' | 'reconnecting' | 'offline' | 'unauthorized' | 'stopped';

export function linkPhase(s: LinkStatus): LinkPhase {
  if (s.state === 'connected') return 'online';
  if (s.state === 'failed') return 'unauthorized';
  if (s.state === 'closed') return 'stopped';
  if (s.offline) return 'offline';
  return s.everConnected ? 'reconnecting' : 'connecting';
}

export interface LinkStatus {
  state: ConnectionState;
  /** The browser says it has no network (navigator.onLine). */
  offline: boolean;
  /** Connected at least once since the page started (a later drop is "reconnecting"). */
  everConnected: boolean;
  /** The hub URL in use or being tried. */
  hub: string | null;
  attempt: number;
  rttMs: number | null;
  offsetMs: number | null;
  /** Why the hub refused us (failed), or the last failure. */
  detail: string | null;
}

export const initialLink: LinkStatus = { state: 'closed', offline: false, everConnected: false, hub: null, attempt: 0, rttMs: null, offsetMs: null, detail: null };

export interface HubLinkOptions {
  /** Hub URLs (http(s) or ws(s)), tried in turn. */
  endpoints: string[];
  token: string;
  eventId?: string;
  clientName: string;
  outbox?: OutboxStore;
  onStatus(s: LinkStatus): void;
  /** P27: report applied serials (the audience app does; overlays need not). */
  reportApplied?: boolean;
}

export interface HubLink {
  client: StagecallClient;
  stop(): void;
}

export function startHubLink(opts: HubLinkOptions): HubLink {
  let detail: string | null = null;
  const client = createClient({
    urls: opts.endpoints,
    token: opts.token,
    ...(opts.eventId ? { eventId: opts.eventId } : {}),
    client: { name: opts.clientName, version: '1' },
    backoff: { baseMs: 400, capMs: 10_000 },
    ...(opts.outbox ? { outbox: opts.outbox } : {}),
    ...(opts.reportApplied ? { reportApplied: true } : {}),
    autoConnect: false,
  });
  const report = (): void => {
    const st = client.status;
    opts.onStatus({ state: st.state, offline: !navigator.onLine, everConnected: st.connects > 0, hub: st.hubUrl, attempt: st.attempt, rttMs: st.rttMs, offsetMs: st.clockOffsetMs, detail });
  };
  client.on('state', (c) => {
    detail = c.state === 'connected' ? null : (c.reason ?? detail);
    report();
  });
  client.on('rtt', report);

  // Both mean "the network may be back": retry now rather than at the end of a backoff.
  const retryNow = (): void => {
    report();
    if (navigator.onLine && (client.state === 'disconnected' || client.state === 'suspended')) client.connect();
  };
  const onVisibility = (): void => {
    if (document.visibilityState === 'visible') retryNow();
  };
  window.addEventListener('online', retryNow);
  window.addEventListener('offline', report);
  document.addEventListener('visibilitychange', onVisibility);
  client.connect();
  return {
    client,
    stop: () => {
      window.removeEventListener('online', retryNow);
      window.removeEventListener('offline', report);
      document.removeEventListener('visibilitychange', onVisibility);
      client.close();
      report();
    },
  };
}
