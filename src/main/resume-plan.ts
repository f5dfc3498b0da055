/**
 * What a console started from the command line does with the event its data folder already
 * holds (issue 14.2): the same command resumes the same event, online or offline, and only
 * `--new-event` (or a token for another event) starts or joins another one.
 */
import type { SessionInfo } from '../shared/console-api';
import { readStaffToken } from './core/token-claims';

export interface StartFlags {
  local: boolean;
  hubs: string[];
  token: string | null;
  newEvent: boolean;
}

export type ResumePlan =
  /** Keep the stored event; `hubUrls` when the command names other URLs for the same hub. */
  | { kind: 'resume'; hubUrls: string[] | null }
  /** Do what the flags say (create, join, or start a local event). */
  | { kind: 'fresh' }
  | { kind: 'refuse'; message: string };

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

export function resumePlan(stored: SessionInfo, f: StartFlags): ResumePlan {
  if (stored.mode === 'none' || !stored.eventId || f.newEvent) return { kind: 'fresh' };
  if (f.token) {
    const claims = readStaffToken(f.token);
    // A token for another event is an explicit choice of that event; a bad one is reported by the join.
    return claims.ok && claims.claims.eventId === stored.eventId ? { kind: 'resume', hubUrls: null } : { kind: 'fresh' };
  }
  const what = `this data folder holds the ${stored.mode} event "${stored.title ?? stored.eventId}"`;
  if (f.local) return { kind: 'resume', hubUrls: null };
  if (f.hubs.length === 0) return { kind: 'resume', hubUrls: null };
  if (stored.mode === 'local')
    return { kind: 'refuse', message: `${what} on this console's own hub; pass --new-event to create one on ${f.hubs.join(', ')}, or --data DIR for another folder` };
  if (!f.hubs.some((u) => stored.hubUrls.includes(u)))
    return { kind: 'refuse', message: `${what} on ${stored.hubUrls.join(', ')}; pass --new-event to create one on ${f.hubs.join(', ')}, or --data DIR for another folder` };
  return { kind: 'resume', hubUrls: sameList(f.hubs, stored.hubUrls) ? null : f.hubs };
}
