/**
 * `npm run console:web` as people and scripts use it: `--local` prints `Hub ready:` and
 * `Console ready:` lines; a second console on the same data folder is refused; a restart
 * resumes the same event on the same hub port; bad flags exit 2 with the usage.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { programArgs } from '../helpers/built-program';
import { ROOT, tempDir } from '../helpers/hub-process';

interface Run {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}
const runs: Run[] = [];

function run(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [...programArgs('web-host'), ...args], {
    cwd: ROOT,
    env: { ...process.env, STAGECALL_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const r = { child, out: () => out, exited: new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))) };
  runs.push(r);
  return r;
}

async function lineOf(r: Run, re: RegExp): Promise<RegExpExecArray> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const m = re.exec(r.out());
    if (m) return m;
    if (r.child.exitCode !== null || Date.now() > deadline) throw new Error(`no ${re} in:\n${r.out()}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

afterAll(async () => {
  for (const r of runs) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
});

describe('console:web command line', () => {
  it('--local prints its endpoints, refuses a second console on the folder, and resumes the event after a restart', { timeout: 90_000 }, async () => {
    const data = tempDir('cli');
    const a = run(['--local', '--title', 'CLI show', '--port', '0'], { STAGECALL_DATA: data });
    const hub = (await lineOf(a, /^Hub ready: (http:\/\/127\.0\.0\.1:(\d+))$/m))[1] as string;
    const joinCode = (await lineOf(a, /^Audience joins at: http:\/\/[^/\s]+:\d+\/j\/([A-Z0-9]{6}) \(code \1\)$/m))[1];
    const consoleUrl = (await lineOf(a, /^Console ready: (http:\/\/127\.0\.0\.1:\d+\/\?session=[\w-]{40,})$/m))[1] as string;
    expect((await fetch(`${hub}/v1/health`)).status).toBe(200);
    expect((await fetch(consoleUrl, { redirect: 'manual' })).status).toBe(303);

    const b = run(['--local', '--data', data]);
    expect(await b.exited).toBe(1);
    expect(b.out()).toMatch(/another console is using this data folder/);

    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    const c = run(['--local', '--data', data]);
    await lineOf(c, /^Resuming the local event "CLI show"/m);
    expect((await lineOf(c, /^Hub ready: (\S+)$/m))[1]).toBe(hub); // the remembered port: phones keep their URL
    await lineOf(c, new RegExp(`/j/${joinCode} `));
    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(0);
  });

  it('bad flags exit 2 with the usage', async () => {
    const r = run(['--bogus']);
    expect(await r.exited).toBe(2);
    expect(r.out()).toMatch(/unknown flag --bogus[\s\S]*usage: npm run console:web/);
    const t = run(['--token', 'abc']);
    expect(await t.exited).toBe(2);
    expect(t.out()).toMatch(/need --hub/);
  });
});
