/**
 * The local hub's admin key at rest. With a system key store (Electron's safeStorage) the
 * console keeps it sealed in the journal's settings (`localAdminKey`) and no `admin.key` file is
 * left in hub-data; one written by an older console is moved in and deleted. Without a key
 * store the hub's own 0600 `admin.key` file stays as it is. A sealed key this machine can no
 * longer open is replaced by a new one: the key only authorises this hub's admin API, and tokens
 * already issued stay valid (they are signed by the hub's token-signing secret, not by this key).
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadOrCreateAdminKey, newAdminKey } from '../../hub/auth';
import type { Journal } from './journal';
import type { SecretCodec } from './secret-codec';

const SETTING = 'localAdminKey';

/** The key to start the local hub with; undefined: let the hub use its own admin.key file. */
export async function localAdminKey(hubDataDir: string, journal: Journal, secrets: SecretCodec, warn: (message: string) => void): Promise<string | undefined> {
  if (!secrets.sealing) return undefined;
  const stored = journal.settings()[SETTING];
  if (typeof stored === 'string') {
    try {
      return secrets.open(stored);
    } catch (err) {
      warn(`the local hub's admin key could not be opened (${(err as Error).message}); a new one replaces it`);
    }
  }
  const file = path.join(hubDataDir, 'admin.key');
  const key = typeof stored !== 'string' && fs.existsSync(file) ? loadOrCreateAdminKey(hubDataDir).key : newAdminKey();
  await journal.saveSettings({ [SETTING]: secrets.seal(key) });
  fs.rmSync(file, { force: true }); // only once the sealed copy is durable
  return key;
}
