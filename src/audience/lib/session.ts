/**
 * Who this person is at this event (issue 6, item 2): POST /v1/join once, then the token and
 * clientId live in localStorage under the join code, so a reload (or a return from the lock
 * screen) resumes the same identity: same ballots, same questions, same quiz score.
 */
import type { KeyValueStore } from './outbox';

export interface Session {
  code: string;
  token: string;
  clientId: string;
  eventId: string;
  title: string;
  name: string | null;
  /** ms since the epoch. */
  expiresAt: number;
  /**
   * Where this token may be sent (issue 11 item 8): the hub that issued it, then the hubs it
   * listed in its join answer. Empty for a session stored by an older page: only the page's origin.
   */
  hubs: string[];
  /** P30: where this person follows the event from; stream viewers see it (and vote) behind by the event's delay. */
  watching: Watching;
  /** The event's stream delay when this person joined (0: none, so nobody was asked). */
  streamDelayMs: number;
}

export type Watching = 'room' | 'stream';

/** More than any cluster lists; a stored list longer than this is cut. */
const MAX_HUBS = 16;
const hubList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((h): h is string => typeof h === 'string' && h.length <= 200).slice(0, MAX_HUBS) : []);

export type JoinError = { code: 'not_found' | 'rate_limited' | 'invalid' | 'network' | 'server'; message: string };
export type JoinResult = { ok: true; session: Session } | { ok: false; error: JoinError };

const keyOf = (code: string): string => `stagecall.session.${code}`;
/** A token this close to expiry is not worth resuming with: join afresh. */
const EXPIRY_MARGIN_MS = 60_000;

export function loadSession(storage: KeyValueStore | null, code: string, now = Date.now()): Session | null {
  if (!storage) return null;
  try {
    const raw = storage.getItem(keyOf(code));
    if (!raw) return null;
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.token !== 'string' || typeof s.clientId !== 'string' || typeof s.eventId !== 'string') return null;
    if (typeof s.expiresAt !== 'number' || s.expiresAt - EXPIRY_MARGIN_MS < now) return null;
    return {
      code,
      token: s.token,
      clientId: s.clientId,
      eventId: s.eventId,
      title: typeof s.title === 'string' ? s.title : '',
      name: typeof s.name === 'string' ? s.name : null,
      expiresAt: s.expiresAt,
      hubs: hubList(s.hubs),
      watching: s.watching === 'stream' ? 'stream' : 'room',
      streamDelayMs: delayOf(s.streamDelayMs),
    };
  } catch {
    return null;
  }
}

export function saveSession(storage: KeyValueStore | null, s: Session): void {
  try {
    storage?.setItem(keyOf(s.code), JSON.stringify(s));
  } catch {
    // No storage: the session lasts as long as the tab.
  }
}

export function forgetSession(storage: (KeyValueStore & { removeItem(key: string): void }) | null, code: string): void {
  try {
    storage?.removeItem(keyOf(code));
  } catch {
    // nothing to forget
  }
}

interface JoinResponse {
  token: string;
  clientId: string;
  eventId: string;
  title?: string;
  expiresAt?: number;
  hubs?: unknown;
  streamDelayMs?: unknown;
}

const delayOf = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.min(v, 60_000) : 0);

const isJoinResponse = (v: unknown): v is JoinResponse => {
  if (v === null || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  return typeof r.token === 'string' && typeof r.clientId === 'string' && typeof r.eventId === 'string';
};

/**
 * P6. Tries each hub in turn; a 404 from one is an answer (the code is wrong), not a reason to try
 * the next. P30: `watching` goes in the body only for the stream (room is the hub's default).
 */
export async function join(hubs: readonly string[], code: string, name: string | null, watching: Watching = 'room'): Promise<JoinResult> {
  let last: JoinError = { code: 'network', message: 'Could not reach the event. Check your connection and try again.' };
  for (const base of hubs) {
    let res: Response;
    try {
      res = await fetch(`${base}/v1/join`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code, ...(name ? { name } : {}), ...(watching === 'stream' ? { watching } : {}) }),
      });
    } catch {
      continue;
    }
    if (res.status === 404) return { ok: false, error: { code: 'not_found', message: 'No event has this code. Check the code on the screen and try again.' } };
    if (res.status === 429) {
      last = { code: 'rate_limited', message: 'Lots of people are joining right now. Trying again…' };
      continue;
    }
    if (res.status === 400) return { ok: false, error: { code: 'invalid', message: 'That code or name was not accepted.' } };
    if (!res.ok) {
      last = { code: 'server', message: 'The event is not answering right now. Try again in a moment.' };
      continue;
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      continue;
    }
    if (!isJoinResponse(body)) continue;
    return {
      ok: true,
      session: {
        code,
        token: body.token,
        clientId: body.clientId,
        eventId: body.eventId,
        title: typeof body.title === 'string' ? body.title : '',
        name,
        expiresAt: typeof body.expiresAt === 'number' ? body.expiresAt : Date.now() + 12 * 3600_000,
        hubs: [base, ...hubList(body.hubs)].slice(0, MAX_HUBS),
        watching,
        streamDelayMs: delayOf(body.streamDelayMs),
      },
    };
  }
  return { ok: false, error: last };
}
