/**
 * The teammate tokens this console issued (issue 14.7), kept in the journal's settings under
 * `teamTokens` so the list survives a restart: who, which role, until when, whether revoked.
 * The tokens themselves are sealed like the console's own (secret-codec.ts). Bounded: expired
 * entries are dropped at every write, and at most MAX_TEAM_TOKENS are kept (oldest go first).
 */
import { z } from 'zod';
import type { TeamToken } from '../../shared/console-api';
import { StaffRole } from '../../shared/protocol';
import type { Journal } from './journal';
import type { SecretCodec } from './secret-codec';

export const MAX_TEAM_TOKENS = 100;

const Stored = z.object({
  eventId: z.string().min(1),
  clientId: z.string().min(1),
  role: StaffRole,
  name: z.string(),
  token: z.string(),
  issuedAt: z.number(),
  expiresAt: z.number(),
  revokedAt: z.number().nullable(),
});
type Stored = z.infer<typeof Stored>;
const StoredList = z.array(z.unknown());

export class TeamRoster {
  constructor(
    private readonly journal: () => Journal,
    private readonly secrets: SecretCodec,
    private readonly now: () => number = Date.now,
  ) {}

  /** The current event's tokens, newest first; unreadable entries are left out. */
  list(eventId: string): TeamToken[] {
    return this.stored()
      .filter((t) => t.eventId === eventId)
      .reverse()
      .map((t) => ({ clientId: t.clientId, role: t.role, name: t.name, token: this.openToken(t.token), issuedAt: t.issuedAt, expiresAt: t.expiresAt, revokedAt: t.revokedAt }));
  }

  async record(eventId: string, t: { clientId: string; role: StaffRole; name: string; token: string; expiresAt: number }): Promise<void> {
    const entry: Stored = { eventId, clientId: t.clientId, role: t.role, name: t.name, token: this.secrets.seal(t.token), issuedAt: this.now(), expiresAt: t.expiresAt, revokedAt: null };
    await this.save([...this.stored(), entry]);
  }

  /** Marks the client's tokens revoked (a client this console did not issue changes nothing here). */
  async markRevoked(eventId: string, clientId: string): Promise<void> {
    const list = this.stored();
    if (!list.some((t) => t.eventId === eventId && t.clientId === clientId)) return;
    const at = this.now();
    await this.save(list.map((t) => (t.eventId === eventId && t.clientId === clientId && t.revokedAt === null ? { ...t, revokedAt: at } : t)));
  }

  private stored(): Stored[] {
    const raw = StoredList.safeParse(this.journal().settings()['teamTokens']);
    if (!raw.success) return [];
    return raw.data.flatMap((v) => {
      const p = Stored.safeParse(v);
      return p.success ? [p.data] : [];
    });
  }

  private async save(list: Stored[]): Promise<void> {
    const now = this.now();
    await this.journal().saveSettings({ teamTokens: list.filter((t) => t.expiresAt > now).slice(-MAX_TEAM_TOKENS) });
  }

  private openToken(stored: string): string | null {
    try {
      return this.secrets.open(stored);
    } catch {
      return null;
    }
  }
}
