/**
 * The producer token the overlay links carry. The console keeps the tokens it issued (the team
 * list, issue 14.7), so the overlays reuse the newest live "Overlays" token there: copied links
 * stay the same across restarts, and revoking it from Setup retires every overlay link at once.
 * A new one is issued only when there is none with a day left.
 */
import { issueOverlayToken, listTeamTokens, OVERLAY_TOKEN_NAME, type Outcome } from './actions';
const DAY_MS = 24 * 3600_000;

export interface OverlayToken {
  token: string;
  expiresAt: number;
}

let inFlight: Promise<Outcome<OverlayToken>> | null = null;

async function findOrIssue(now: number): Promise<Outcome<OverlayToken>> {
  const list = await listTeamTokens();
  if (list.ok) {
    const live = list.value.find((t) => t.role === 'producer' && t.name === OVERLAY_TOKEN_NAME && t.revokedAt === null && t.token !== null && t.expiresAt > now + DAY_MS);
    if (live?.token) return { ok: true, value: { token: live.token, expiresAt: live.expiresAt } };
  }
  const r = await issueOverlayToken();
  return r.ok ? { ok: true, value: { token: r.value.token, expiresAt: r.value.expiresAt } } : r;
}

/** One request at a time: two screens mounting together never issue two tokens. */
export function overlayToken(now = Date.now()): Promise<Outcome<OverlayToken>> {
  inFlight ??= findOrIssue(now).finally(() => {
    inFlight = null;
  });
  return inFlight;
}
