import crypto from 'node:crypto';

/** P4: six characters, no 0/O/1/I so a code read aloud or off a screen is unambiguous. */
export const JOIN_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

const pick = (alphabet: string, n: number): string => {
  const bytes = crypto.randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[(bytes[i] ?? 0) % alphabet.length];
  return s;
};

export const newJoinCode = (): string => pick(JOIN_ALPHABET, 6);
export const newEventId = (): string => `evt_${pick('abcdefghijkmnpqrstuvwxyz23456789', 12)}`;
export const newClientId = (prefix: string): string => `${prefix}_${pick('abcdefghijkmnpqrstuvwxyz23456789', 14)}`;
// randomUUID draws from a cached entropy pool: a reconnect storm makes thousands of these a second.
export const newConnectionId = (): string => `conn_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
export const normaliseJoinCode = (code: string): string => code.trim().toUpperCase().replace(/[\s-]/g, '');
