/**
 * What a staff token says about itself, read WITHOUT verifying the signature: the console
 * only needs to know which event and role it was given; the hub verifies the token on hello.
 */
import { z } from 'zod';
import { StaffRole } from '../../shared/protocol';

export interface StaffClaims {
  eventId: string;
  clientId: string;
  role: StaffRole;
  name: string | null;
  /** ms since epoch. */
  expiresAt: number;
}

const Payload = z.object({
  sub: z.string().min(1),
  evt: z.string().min(1),
  role: z.string(),
  name: z.string().optional(),
  exp: z.number(),
});

export type ClaimsResult = { ok: true; claims: StaffClaims } | { ok: false; message: string };

export function readStaffToken(token: string, now: number = Date.now()): ClaimsResult {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || !parts[1]) return { ok: false, message: 'this is not a Stagecall token (expected three dot-separated parts)' };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return { ok: false, message: 'this is not a Stagecall token (its payload is not JSON)' };
  }
  const p = Payload.safeParse(json);
  if (!p.success) return { ok: false, message: 'this is not a Stagecall token (no event, role or expiry in it)' };
  const role = StaffRole.safeParse(p.data.role);
  if (!role.success) return { ok: false, message: `a ${p.data.role} token cannot run a console; ask the host for a host, moderator or producer token` };
  const expiresAt = p.data.exp * 1000;
  if (expiresAt <= now) return { ok: false, message: `this token expired at ${new Date(expiresAt).toISOString()}; ask the host for a new one` };
  return { ok: true, claims: { eventId: p.data.evt, clientId: p.data.sub, role: role.data, name: p.data.name ?? null, expiresAt } };
}
