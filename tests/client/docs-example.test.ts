/**
 * docs/client.md's example, run as written against a real hub: the ```ts example block is
 * copied out, its `stagecall/client` import pointed at the source (or the built package when
 * `npm run build` made it), and run as a program. Its output must show a connection, the view
 * and the ack.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createEvent, ROOT, startHubProcess, staffToken, type HubProcess } from '../helpers/hub-process';

const run = promisify(execFile);
const hubs: HubProcess[] = [];
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.kill();
});

function exampleFromDocs(): string {
  const md = fs.readFileSync(path.join(ROOT, 'docs/client.md'), 'utf8');
  const m = /```ts example\n([\s\S]*?)```/.exec(md);
  if (!m?.[1]) throw new Error('docs/client.md has no ```ts example block');
  return m[1];
}

describe('docs/client.md', () => {
  it('the example runs against a real hub: connected, view, ack', async () => {
    const hub = await startHubProcess();
    hubs.push(hub);
    const { eventId } = await createEvent(hub.url);
    const { token } = await staffToken(hub.url, eventId);
    const built = path.join(ROOT, 'out/client/client/index.js');
    const target = fs.existsSync(built) ? built : path.join(ROOT, 'src/shared/client/index.ts');
    const source = exampleFromDocs().replace(`from 'stagecall/client'`, `from ${JSON.stringify(target)}`);
    expect(source).not.toContain('stagecall/client');
    const file = path.join(ROOT, 'tests/client', `.docs-example-${process.pid}.mts`);
    fs.writeFileSync(file, source);
    try {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', file], {
        cwd: ROOT,
        env: { ...process.env, STAGECALL_HUB: hub.url, STAGECALL_TOKEN: token },
        timeout: 60_000,
      });
      expect(stdout).toContain('state: connected');
      expect(stdout).toMatch(/view at serial \d+/);
      expect(stdout).toMatch(/acked at serial \d+, applied: true/);
      expect(stdout).toContain('state: closed');
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
