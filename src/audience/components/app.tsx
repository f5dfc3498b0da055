/** Top of the audience app: join, or resume a stored session, then the live event. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { safeStorage, startAudience } from '../lib/controller';
import { hubEndpoints, trustedEndpoints } from '../lib/hubs';
import { isPlausibleCode, normaliseCode } from '../lib/limits';
import { forgetSession, loadSession, saveSession, type Session } from '../lib/session';
import { EventScreen } from './event-screen';
import { JoinScreen } from './join-screen';

/** `/j/<code>` (from the QR code) → the code; `/` → none. */
export function codeFromPath(pathname: string): string | null {
  const m = /^\/j\/([^/?#]+)/.exec(pathname);
  if (!m?.[1]) return null;
  let raw = m[1];
  try {
    raw = decodeURIComponent(raw);
  } catch {
    return null;
  }
  const code = normaliseCode(raw);
  return isPlausibleCode(code) ? code : null;
}

export function App() {
  const endpoints = useMemo(() => hubEndpoints(window.location.search, window.location.origin), []);
  const routeCode = useMemo(() => codeFromPath(window.location.pathname), []);
  const [session, setSession] = useState<Session | null>(() => (routeCode ? loadSession(safeStorage(), routeCode) : null));

  useEffect(() => {
    if (!session) return;
    // The token goes only to hubs its own hub listed (or this page's origin), never to any `?hubs=`.
    return startAudience(session, trustedEndpoints(endpoints, session.hubs, window.location.origin));
  }, [session, endpoints]);

  const onJoined = useCallback((s: Session) => {
    saveSession(safeStorage(), s);
    // Put the code in the address, so a reload resumes this very identity.
    window.history.replaceState(null, '', `/j/${encodeURIComponent(s.code)}${window.location.search}`);
    setSession(s);
  }, []);

  const onLeave = useCallback(() => {
    if (session) forgetSession(safeStorage(), session.code);
    setSession(null);
  }, [session]);

  if (!session) return <JoinScreen initialCode={routeCode ?? ''} hubs={endpoints.map((e) => e.http)} onJoined={onJoined} />;
  return <EventScreen session={session} onLeave={onLeave} />;
}
