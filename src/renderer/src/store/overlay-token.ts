/**
 * The producer token the overlay links carry: issued once per event per console run (the hub's
 * staff tokens last 7 days, so copied links keep working), never added to the team list.
 */
import { issueOverlayToken, type Outcome } from './actions';

export interface OverlayToken {
  token: string;
  expiresAt: number;
}

const byEvent = new Map<string, Promise<Outcome<OverlayToken>>>();

export function overlayToken(eventId: string): Promise<Outcome<OverlayToken>> {
  let p = byEvent.get(eventId);
  if (!p) {
    p = issueOverlayToken().then((r): Outcome<OverlayToken> => {
      if (!r.ok) byEvent.delete(eventId); // a refusal is not remembered: the next visit asks again
      return r.ok ? { ok: true, value: { token: r.value.token, expiresAt: r.value.expiresAt } } : r;
    });
    byEvent.set(eventId, p);
  }
  return p;
}
