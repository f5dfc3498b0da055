/**
 * A random secret kept in one file of mode 0600, created by whichever process gets there first
 * (`wx`: two hubs starting at once cannot write different secrets; the loser reads the winner's).
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export async function loadOrCreateSecretFile(file: string): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const fresh = crypto.randomBytes(32).toString('base64url');
  try {
    const handle = await fs.open(file, 'wx', 0o600);
    try {
      await handle.writeFile(`${fresh}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return fresh;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  // Written by another process a moment ago: wait for its content rather than read it half-written.
  for (let i = 0; i < 50; i++) {
    const text = (await fs.readFile(file, 'utf8')).trim();
    if (text.length >= 32) return text;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${file} holds no usable secret; delete it to have a new one made (every token is then refused)`);
}
