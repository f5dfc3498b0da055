/** Issue 3 item 1: the hub's command line, its first-start admin key, and its refusals. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runHubUntilReady as runHub, tempDir } from '../helpers/hub-process';

describe('hub command line', () => {
  it('creates an admin key on first start (mode 0600), prints it once, and accepts it on the next start', async () => {
    const data = tempDir('cli');
    const first = await runHub(['--port', '0', '--data', data]);
    expect(first.code).toBe(0);
    const key = /Admin key \(created, stored in (.+), shown once\): (\S+)/.exec(first.out);
    expect(key?.[1]).toBe(path.join(data, 'admin.key'));
    const file = path.join(data, 'admin.key');
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(key?.[2]);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const second = await runHub(['--port', '0', '--data', data]);
    expect(second.out).toContain('Hub ready:');
    expect(second.out).not.toContain('Admin key');
  });

  it('reads flags from STAGECALL_* environment variables', async () => {
    const data = tempDir('cli-env');
    const r = await runHub([], { STAGECALL_PORT: '0', STAGECALL_DATA: data, STAGECALL_ADMIN_KEY: 'from-env-key-0123456789abcdef' });
    expect(r.out).toMatch(/Hub ready: http:\/\/127\.0\.0\.1:\d+/);
    expect(fs.existsSync(path.join(data, 'admin.key'))).toBe(false);
  });

  it('refuses unknown flags and bad values with a clear message and exit code 2', async () => {
    const unknown = await runHub(['--prot', '8787']);
    expect(unknown.code).toBe(2);
    expect(unknown.out).toContain('unknown flag --prot');
    const bad = await runHub(['--port', 'eighty']);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('--port must be a number');
    const engine = await runHub(['--engine', 'postgres']);
    expect(engine.code).toBe(2);
    expect(engine.out).toContain('--engine must be embedded or redis');
    const sentinels = await runHub(['--engine', 'redis', '--redis-sentinels', '127.0.0.1:26379']);
    expect(sentinels.code).toBe(2);
    expect(sentinels.out).toContain('--redis-sentinels needs --redis-master-name');
    const badSentinel = await runHub(['--engine', 'redis', '--redis-sentinels', 'nowhere', '--redis-master-name', 'm']);
    expect(badSentinel.code).toBe(2);
    expect(badSentinel.out).toContain('"nowhere" is not host:port');
  });

  it('`npm run hub` runs the built JavaScript through the launcher (which builds first when out/ is stale)', async () => {
    const data = tempDir('cli-built');
    const r = await runHub(['--port', '0', '--data', data], {}, [path.join(ROOT, 'src/main/launch.cjs'), 'hub']);
    expect(r.out).toMatch(/Hub ready: http:\/\/127\.0\.0\.1:\d+/);
    expect(r.code).toBe(0);
    expect(fs.statSync(path.join(ROOT, 'out/node/hub.js')).isFile()).toBe(true);
    const usage = await runHub([], {}, [path.join(ROOT, 'src/main/launch.cjs'), 'nonsense']);
    expect(usage.code).toBe(2);
    expect(usage.out).toContain('usage: node src/main/launch.cjs <start|hub|web-host>');
  });
});
