/**
 * Electron smoke test: the real app (out/, built if stale) opens its window with a local
 * event, and the page reads the connection state through `window.stagecall` (the preload);
 * its journal is private (0700/0600) and its token sealed by safeStorage when that is available.
 * Skips, printing why, unless node_modules/electron/path.txt and the binary it names exist
 * (it never require()s electron: that would start a download).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { buildNeeded, findElectronBinary } from '../../src/main/start-plan';
import { skipUnless } from './helpers/skip-unless';

const ROOT = path.resolve(__dirname, '..', '..');
const binary = findElectronBinary(ROOT);
const binaryPresent = binary.ok;
const reason = binary.ok ? '' : `${binary.reason}; the Electron smoke test needs it`;
skipUnless(binaryPresent, 'electron.spec', reason);

/** Linux without a display (CI): a private Xvfb for the window. */
function startXvfb(): { display: string; proc: ChildProcess } | null {
  if (process.platform !== 'linux' || process.env.DISPLAY) return null;
  const display = `:${90 + (process.pid % 100)}`;
  const proc = spawn('Xvfb', [display, '-screen', '0', '1600x1000x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  return { display, proc };
}

test('the console window opens, exposes only the contract, and connects to its local hub', async () => {
  if (!binary.ok) return;
  if (buildNeeded(ROOT)) expect(spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' }).status).toBe(0);
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecall-electron-'));
  const env: Record<string, string> = { ...(process.env as Record<string, string>), STAGECALL_DATA: userData, STAGECALL_LOG_LEVEL: 'warn' };
  delete env.ELECTRON_RUN_AS_NODE;
  const xvfb = startXvfb();
  if (xvfb) env.DISPLAY = xvfb.display;
  // Chromium's setuid sandbox cannot run as root (containers); the renderer's `sandbox: true` still applies.
  const args = [ROOT, '--local', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])];
  const app = await electron.launch({ executablePath: binary.path, args, env, cwd: ROOT });
  try {
    const win = await app.firstWindow();
    await expect(win).toHaveTitle(/Stagecall/);
    expect(await win.evaluate(() => Object.keys((globalThis as unknown as { stagecall: object }).stagecall).sort())).toEqual(['on', 'request']);
    expect(await win.evaluate(() => typeof (globalThis as unknown as { require?: unknown }).require)).toBe('undefined');
    await expect
      .poll(
        () =>
          win.evaluate(async () => {
            const api = (globalThis as unknown as { stagecall: { request(n: string, p: object): Promise<{ ok: boolean; value?: { state: string } }> } }).stagecall;
            const r = await api.request('link/status', {});
            return r.ok ? r.value?.state : 'error';
          }),
        { timeout: 30_000 },
      )
      .toBe('connected');
    const session = await win.evaluate(() => (globalThis as unknown as { stagecall: { request(n: string, p: object): Promise<unknown> } }).stagecall.request('session/get', {}));
    expect(session).toMatchObject({ ok: true, value: { mode: 'local', role: 'host' } });
    const refused = await win.evaluate(() => (globalThis as unknown as { stagecall: { request(n: string, p: object): Promise<unknown> } }).stagecall.request('no/such', {}));
    expect(refused).toMatchObject({ ok: false, error: { code: 'unknown_request' } });

    // Secrets at rest (issue 11): the journal is private, and its token is sealed by safeStorage
    // whenever the OS key store is available (otherwise plain text, with a logged warning).
    const journalDir = path.join(userData, 'journal');
    const text = fs.readFileSync(path.join(journalDir, 'journal.jsonl'), 'utf8');
    if (process.platform !== 'win32') {
      expect(fs.statSync(journalDir).mode & 0o777).toBe(0o700);
      expect(fs.statSync(path.join(journalDir, 'journal.jsonl')).mode & 0o777).toBe(0o600);
    }
    // Linux without a keyring reports `basic_text` (a hard-coded password): the console keeps plain text then.
    const encryption = await app.evaluate(
      ({ safeStorage }) => safeStorage.isEncryptionAvailable() && !(process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text'),
    );
    console.log(`[electron.spec] safeStorage available: ${encryption}`);
    expect(text.includes('sealed:v1:')).toBe(encryption);
    if (encryption) expect(text).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
  } finally {
    await app.close();
    xvfb?.proc.kill();
  }
});
