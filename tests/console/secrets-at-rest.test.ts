/**
 * Issue 11 item 7, the console's secrets at rest: the journal (which holds the staff token and
 * the hub's admin key) is a 0600 file in a 0700 folder, and with a system key store (Electron's
 * safeStorage; here a real AES-256-GCM backend of the same shape) neither secret is on disk in
 * plain text. A console restarted with the same key store resumes the event and can still issue
 * tokens; one without it says why it cannot resume; without a key store it warns and keeps
 * plain text (the file mode still applies).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleCore } from '../../src/main/core/console-core';
import { PLAIN_SECRETS, systemSecretCodec, type EncryptionBackend } from '../../src/main/core/secret-codec';
import { ADMIN_KEY, startHubProcess, tempDir, type HubProcess } from '../helpers/hub-process';
import { must } from './fixtures/wait';

/** A key store as safeStorage is one: a key this "machine" holds, AES-256-GCM, base64 not involved. */
function aesBackend(key = crypto.randomBytes(32), available = true): EncryptionBackend {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (plain) => {
      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString: (sealed) => {
      const d = crypto.createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      d.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([d.update(sealed.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

const modeOf = (p: string): number => fs.statSync(p).mode & 0o777;
const posix = process.platform !== 'win32';
if (!posix) console.warn('tests/console/secrets-at-rest.test.ts: file modes are not checked on Windows (no POSIX modes)');

describe('console secrets at rest', () => {
  let hub: HubProcess;
  const cores: ConsoleCore[] = [];
  beforeAll(async () => {
    hub = await startHubProcess();
  });
  afterAll(async () => {
    for (const c of cores) await c.close();
    await hub.kill();
  });

  it('journal 0600 in a 0700 folder; token and admin key sealed; resumes with the key store, explains without it', { timeout: 60_000 }, async () => {
    const userDataDir = tempDir('secrets');
    const backend = aesBackend();
    const a = new ConsoleCore({ userDataDir, shell: 'web', version: '0', secrets: systemSecretCodec(backend, () => undefined) });
    cores.push(a);
    must(await a.start());
    const s = must(await a.request('session/createRemote', { hubUrls: [hub.url], adminKey: ADMIN_KEY, title: 'Sealed', name: 'Host' }));
    expect(s.canIssueTokens).toBe(true);
    await a.close();

    const journalDir = path.join(userDataDir, 'journal');
    const file = path.join(journalDir, 'journal.jsonl');
    if (posix) {
      expect(modeOf(journalDir)).toBe(0o700);
      expect(modeOf(file)).toBe(0o600);
    }
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain(s.eventId as string);
    expect(text).not.toContain(ADMIN_KEY);
    expect(text).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/); // no JWT in clear
    expect(text).toContain('sealed:v1:');

    const b = new ConsoleCore({ userDataDir, shell: 'web', version: '0', secrets: systemSecretCodec(backend, () => undefined) });
    cores.push(b);
    expect(must(await b.start())).toMatchObject({ mode: 'remote', eventId: s.eventId, canIssueTokens: true });
    const issued = must(await b.request('token/issue', { role: 'moderator', name: 'Mod' }));
    expect(issued.token).toMatch(/^eyJ/); // the admin key came back out of the key store
    await b.close();

    const notices: string[] = [];
    const c = new ConsoleCore({ userDataDir, shell: 'web', version: '0', secrets: PLAIN_SECRETS });
    cores.push(c);
    c.on('notice', (n) => notices.push(n.message));
    expect(must(await c.start())).toMatchObject({ mode: 'none' });
    expect(notices.join('\n')).toMatch(/sealed by the system key store/);
    await c.close();
  });

  it('without a key store: one warning, plain text, the file mode still holds; an older plain journal is sealed on resume', { timeout: 60_000 }, async () => {
    const userDataDir = tempDir('secrets-plain');
    const warnings: string[] = [];
    const a = new ConsoleCore({ userDataDir, shell: 'web', version: '0', secrets: systemSecretCodec(aesBackend(undefined, false), (m) => warnings.push(m)) });
    cores.push(a);
    must(await a.start());
    must(await a.request('session/createRemote', { hubUrls: [hub.url], adminKey: ADMIN_KEY, title: 'Plain', name: 'Host' }));
    await a.close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/key store is not available/);
    // Linux without a keyring: safeStorage "works" with a hard-coded password; that is plain text too.
    const basic = systemSecretCodec({ ...aesBackend(), getSelectedStorageBackend: () => 'basic_text' }, (m) => warnings.push(m));
    expect(basic.sealing).toBe(false);
    expect(warnings[1]).toMatch(/no secret store/);
    expect(systemSecretCodec({ ...aesBackend(), getSelectedStorageBackend: () => 'gnome_libsecret' }, (m) => warnings.push(m)).sealing).toBe(true);
    const file = path.join(userDataDir, 'journal', 'journal.jsonl');
    expect(fs.readFileSync(file, 'utf8')).toContain(ADMIN_KEY);
    if (posix) expect(modeOf(file)).toBe(0o600);

    // The same folder, now on a machine with a key store: resuming seals what was plain.
    const b = new ConsoleCore({ userDataDir, shell: 'web', version: '0', secrets: systemSecretCodec(aesBackend(), () => undefined) });
    cores.push(b);
    expect(must(await b.start())).toMatchObject({ mode: 'remote', canIssueTokens: true });
    await b.close();
    const after = fs.readFileSync(file, 'utf8');
    expect(after).not.toContain(ADMIN_KEY); // sealed, and the plain copies compacted away
    expect(after).toContain('sealed:v1:');
  });

  it('local mode: the local hub\'s admin key is sealed in the journal, no admin.key file is left, and it still issues tokens after a restart', { timeout: 60_000 }, async () => {
    const userDataDir = tempDir('secrets-local');
    const hubData = path.join(userDataDir, 'hub-data');
    // An older console left the key in a plain 0600 file.
    fs.mkdirSync(hubData, { recursive: true });
    const oldKey = `sk_${crypto.randomBytes(24).toString('base64url')}`;
    fs.writeFileSync(path.join(hubData, 'admin.key'), `${oldKey}\n`, { mode: 0o600 });
    const backend = aesBackend();
    const a = new ConsoleCore({ userDataDir, shell: 'web', version: '0', secrets: systemSecretCodec(backend, () => undefined) });
    cores.push(a);
    must(await a.start());
    must(await a.request('session/startLocal', { title: 'Local sealed', lan: false }));
    await a.close();
    expect(fs.existsSync(path.join(hubData, 'admin.key'))).toBe(false);
    expect(fs.readFileSync(path.join(userDataDir, 'journal', 'journal.jsonl'), 'utf8')).not.toContain(oldKey);

    const b = new ConsoleCore({ userDataDir, shell: 'web', version: '0', secrets: systemSecretCodec(backend, () => undefined) });
    cores.push(b);
    expect(must(await b.start())).toMatchObject({ mode: 'local', canIssueTokens: true });
    // The very key moved in: it still opens the local hub's admin API.
    const hubUrl = must(await b.request('session/get', {})).hubUrls[0] as string;
    const res = await fetch(`${hubUrl}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${oldKey}` }, body: JSON.stringify({ title: 'x' }) });
    expect(res.status).toBe(201);
    expect(must(await b.request('token/issue', { role: 'producer', name: 'Pat' })).token).toMatch(/^eyJ/);
    await b.close();
    expect(fs.existsSync(path.join(hubData, 'admin.key'))).toBe(false);
  });
});
