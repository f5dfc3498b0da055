/**
 * The session as the journal's settings remember it, so a restarted console reconnects to
 * the same event with the same token (same clientId: the hub's dedupe of resent actions
 * is per client, P14) and, in local mode, restarts its hub on the same port.
 */
import { z } from 'zod';
import type { SessionInfo } from '../../shared/console-api';
import { StaffRole } from '../../shared/protocol';
import { httpBase } from './hub-http';
import type { Settings } from './journal';
import { localJoinUrl, type LocalHub } from './local-hub';
import { PLAIN_SECRETS, type SecretCodec } from './secret-codec';

export const StoredSession = z.object({
  mode: z.enum(['local', 'remote']),
  hubUrls: z.array(z.string()).min(1),
  token: z.string().min(1),
  eventId: z.string().min(1),
  role: StaffRole,
  clientId: z.string().nullable(),
  name: z.string().nullable(),
  title: z.string().nullable(),
  joinCode: z.string().nullable(),
  /** local: whether the hub listens on every interface. */
  lan: z.boolean(),
  /** local: the hub's port, reused so phones that joined keep their URL. */
  localPort: z.number().int().min(0).max(65_535).nullable(),
  /**
   * remote, created here: the hub's admin key, to issue teammate tokens after a restart.
   * Stored like the token: sealed by the system key store when there is one (secret-codec.ts),
   * in the journal (mode 0600) in the user's own app-data folder.
   */
  adminKey: z.string().nullable(),
});
export type StoredSession = z.infer<typeof StoredSession>;

const KEYS = ['mode', 'role', 'clientId', 'name', 'title', 'joinCode', 'lan', 'localPort', 'adminKey'] as const;

/** The stored session with its secrets opened; throws SecretCodecError when they cannot be. */
export function readStoredSession(s: Settings, secrets: SecretCodec = PLAIN_SECRETS): StoredSession | null {
  const parsed = StoredSession.safeParse(s);
  if (!parsed.success) return null;
  const v = parsed.data;
  return { ...v, token: secrets.open(v.token), adminKey: v.adminKey === null ? null : secrets.open(v.adminKey) };
}

/** A settings patch that stores `s`, secrets sealed (or forgets the session, keeping the hub URLs). */
export function sessionPatch(s: StoredSession | null, secrets: SecretCodec = PLAIN_SECRETS): Partial<Omit<Settings, 'consoleId'>> {
  if (s) return { ...s, token: secrets.seal(s.token), adminKey: s.adminKey === null ? null : secrets.seal(s.adminKey) };
  const patch: Record<string, undefined> = { token: undefined, eventId: undefined };
  for (const k of KEYS) patch[k] = undefined;
  return patch;
}

/** The session as the renderer sees it; `local` is the running in-process hub, if any. */
export function sessionInfoOf(s: StoredSession, local: LocalHub | null): SessionInfo {
  const joinUrl = !s.joinCode ? null : s.mode === 'local' && local ? localJoinUrl(local, s.joinCode) : `${httpBase(s.hubUrls[0] ?? '')}/j/${s.joinCode}`;
  return {
    mode: s.mode,
    eventId: s.eventId,
    title: s.title,
    joinCode: s.joinCode,
    joinUrl,
    role: s.role,
    clientId: s.clientId,
    name: s.name,
    hubUrls: [...s.hubUrls],
    canIssueTokens: s.mode === 'local' ? local !== null : s.adminKey !== null,
  };
}
