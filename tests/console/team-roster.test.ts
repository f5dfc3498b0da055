/**
 * Issue 14.7: the console's record of the team tokens it issued, on a real journal: newest
 * first per event, revocation kept, tokens sealed at rest like the console's own, and bounded
 * (expired entries dropped, at most MAX_TEAM_TOKENS kept).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../src/main/core/journal';
import { systemSecretCodec } from '../../src/main/core/secret-codec';
import { MAX_TEAM_TOKENS, TeamRoster } from '../../src/main/core/team-roster';
import { tempDir } from '../helpers/hub-process';

/** A reversible stand-in for a key store (the real cipher is pinned in secrets-at-rest.test.ts). */
const backend = {
  isEncryptionAvailable: () => true,
  encryptString: (s: string) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a)),
  decryptString: (b: Buffer) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString(),
};

const journals: Journal[] = [];
afterEach(async () => {
  for (const j of journals.splice(0)) await j.close();
});

describe('TeamRoster', () => {
  it('lists per event newest first, marks revocations, seals tokens, drops expired and keeps at most the bound', async () => {
    const dir = path.join(tempDir('roster'), 'journal');
    const journal = await Journal.open(dir);
    journals.push(journal);
    let now = 1_000_000;
    const roster = new TeamRoster(() => journal, systemSecretCodec(backend, () => undefined), () => now);
    await roster.record('ev1', { clientId: 'mode_1', role: 'moderator', name: 'Mo', token: 'eyJ.mo.token', expiresAt: now + 1000 });
    await roster.record('ev1', { clientId: 'prod_1', role: 'producer', name: 'Pat', token: 'eyJ.pat.token', expiresAt: now + 10_000 });
    await roster.record('ev2', { clientId: 'host_2', role: 'host', name: 'Hana', token: 'eyJ.hana', expiresAt: now + 10_000 });
    await roster.markRevoked('ev1', 'mode_1');
    await roster.markRevoked('ev1', 'not_mine'); // changes nothing
    const list = roster.list('ev1');
    expect(list.map((t) => [t.name, t.token, t.revokedAt])).toEqual([
      ['Pat', 'eyJ.pat.token', null],
      ['Mo', 'eyJ.mo.token', now],
    ]);
    expect(fs.readFileSync(path.join(dir, 'journal.jsonl'), 'utf8')).not.toContain('eyJ.pat.token');

    now += 5_000; // Mo's token expired: forgotten at the next write
    await roster.record('ev3', { clientId: 'c-first', role: 'producer', name: 'First', token: 't', expiresAt: now + 10_000 });
    expect(roster.list('ev1').map((t) => t.name)).toEqual(['Pat']);
    // Past the bound the oldest go first (Pat and Hana here).
    for (let i = 0; i < MAX_TEAM_TOKENS + 5; i++) await roster.record('ev3', { clientId: `c${i}`, role: 'producer', name: `P${i}`, token: 't', expiresAt: now + 10_000 });
    expect(roster.list('ev1').map((t) => t.name)).toEqual([]);
    const ev3 = roster.list('ev3');
    expect(ev3).toHaveLength(MAX_TEAM_TOKENS);
    expect(ev3[0]?.name).toBe(`P${MAX_TEAM_TOKENS + 4}`);
  });
});
