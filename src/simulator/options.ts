/** What a simulation run is told, with defaults and checks (errors as values). */
import { isProfileName, type ProfileName } from './profiles';

export interface SimOptions {
  /** Hub base URLs (http://host:port); attendees fail over along this list. */
  hubs: string[];
  /** The event's six-letter join code. */
  code: string;
  audience: number;
  profile: ProfileName;
  /** worker_threads the attendees are spread over. */
  workers: number;
  /** Seconds of activity after the audience is connected; undefined = until aborted. */
  durationS?: number;
  /** Connection drops per attendee per minute (each followed by a resume with since+epoch). */
  dropRate: number;
  /** Spread source addresses over 127.0.0.2..254 when the hub is on loopback (per-IP join limit). */
  spreadSources: boolean;
  seed: number;
  /** Joins + connects in flight per worker while the audience arrives. */
  connectConcurrency: number;
  /** After the run: how long to wait for unacked pubs to settle before closing. */
  drainMs: number;
}

export type SimOptionsInput = Partial<SimOptions> & { hubs: string[]; code: string; audience: number };

export type OptionsResult = { ok: true; options: SimOptions } | { ok: false; error: string };

export function resolveOptions(input: SimOptionsInput): OptionsResult {
  const o: SimOptions = {
    profile: 'lively',
    workers: 2,
    dropRate: 0,
    spreadSources: true,
    seed: Date.now() % 2 ** 31,
    connectConcurrency: 64,
    drainMs: 5_000,
    ...input,
  };
  if (o.hubs.length === 0) return { ok: false, error: 'at least one hub URL is needed (--hub or --hubs)' };
  for (const h of o.hubs) {
    let u: URL;
    try {
      u = new URL(h);
    } catch {
      return { ok: false, error: `not a URL: "${h}"` };
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return { ok: false, error: `hub URLs are http(s)://, got "${h}"` };
  }
  if (!/^[A-Z2-9]{6}$/i.test(o.code)) return { ok: false, error: `a join code is 6 letters or digits, got "${o.code}"` };
  if (!Number.isInteger(o.audience) || o.audience < 1) return { ok: false, error: '--audience must be a positive integer' };
  if (!isProfileName(o.profile)) return { ok: false, error: `--profile must be quiet, lively or storm, got "${String(o.profile)}"` };
  if (!Number.isInteger(o.workers) || o.workers < 1 || o.workers > 64) return { ok: false, error: '--workers must be an integer from 1 to 64' };
  if (o.durationS !== undefined && !(o.durationS > 0)) return { ok: false, error: '--duration must be a positive number of seconds' };
  if (!(o.dropRate >= 0)) return { ok: false, error: '--drop-rate must be zero or more (drops per attendee per minute)' };
  o.workers = Math.min(o.workers, o.audience);
  o.code = o.code.toUpperCase();
  return { ok: true, options: o };
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[?::1\]?)$/i;

/** Source addresses for the attendees of a hub URL: many loopback addresses, or the OS's choice. */
export function sourceAddressFor(hubUrl: string, attendee: number, spread: boolean): string | undefined {
  if (!spread) return undefined;
  const host = new URL(hubUrl).hostname;
  if (!LOOPBACK.test(host) || host.includes(':')) return undefined; // ::1 has one address only
  return `127.0.0.${2 + (attendee % 253)}`;
}
