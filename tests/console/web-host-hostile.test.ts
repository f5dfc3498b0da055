/**
 * Issue 11 item 1 for the console's web host: a request target that used to throw in
 * `new URL(req.url)` took the web host down, and with `--local` its in-process hub too. Now
 * each gets a 4xx JSON answer and both keep serving.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { programArgs } from '../helpers/built-program';
import { ROOT, tempDir } from '../helpers/hub-process';
import { rawRequest, resetAfterWrite, WS_UPGRADE_HEADERS } from '../helpers/raw-http';

let child: ChildProcess;
let out = '';
let hubUrl = '';
let consolePort = 0;

async function lineOf(re: RegExp): Promise<RegExpExecArray> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const m = re.exec(out);
    if (m) return m;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no ${re} in:\n${out}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

beforeAll(async () => {
  child = spawn(process.execPath, [...programArgs('web-host'), '--local', '--title', 'Hostile', '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, STAGECALL_LOG_LEVEL: 'warn', STAGECALL_DATA: tempDir('webhost-hostile') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  hubUrl = (await lineOf(/^Hub ready: (http:\/\/127\.0\.0\.1:\d+)$/m))[1] as string;
  consolePort = Number((await lineOf(/^Console ready: http:\/\/127\.0\.0\.1:(\d+)\//m))[1]);
});

afterAll(async () => {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

async function bothServing(): Promise<void> {
  expect(child.exitCode, out).toBeNull();
  expect((await fetch(`${hubUrl}/v1/health`)).status).toBe(200);
  const page = await rawRequest(consolePort, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${consolePort}`);
  expect(page.status).toBe(403); // alive, and still wants its one-time link
}

describe('web host: hostile request targets', () => {
  it('GET //[ and malformed percent-encoding answer 4xx JSON; the console and its local hub keep serving', async () => {
    const host = `Host: 127.0.0.1:${consolePort}`;
    const odd = await rawRequest(consolePort, `GET //[?session=x HTTP/1.1\r\n${host}`);
    expect(odd.status).toBe(403); // a path like any other: the one-time link decides
    for (const target of ['/%E0%A4%A', '/?session=%zz', '*']) {
      const r = await rawRequest(consolePort, `GET ${target} HTTP/1.1\r\n${host}`);
      expect(r.status, target).toBe(400);
      expect(JSON.parse(r.body), target).toMatchObject({ error: { code: 'bad_request' } });
    }
    const upgrade = await rawRequest(consolePort, `GET /%E0%A4%A HTTP/1.1\r\n${host}\r\n${WS_UPGRADE_HEADERS}`);
    expect(upgrade.status).toBe(400);
    const upgradeOdd = await rawRequest(consolePort, `GET //[ HTTP/1.1\r\n${host}\r\n${WS_UPGRADE_HEADERS}`);
    expect(upgradeOdd.status).toBe(404);
    for (let i = 0; i < 10; i++) await resetAfterWrite(consolePort, `GET /bridge HTTP/1.1\r\n${host}\r\n${WS_UPGRADE_HEADERS}\r\n\r\n`);
    await bothServing();
  });
});
