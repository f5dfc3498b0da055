/** Starts the real hub (the built program `npm run hub` runs, see built-program.ts) as a child process on loopback, for integration tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TokenAuthority } from '../../src/hub/auth';
import { programArgs } from './built-program';

export const ROOT = path.resolve(__dirname, '..', '..');
export const ADMIN_KEY = 'test-admin-key-0123456789';

export interface HubProcess {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** stdout+stderr so far, for failure messages. */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

// A failed or timed-out test must not leave hubs running: kill every child when this process exits.
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

export const tempDir = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), `stagecall-${prefix}-`));

export async function startHubProcess(opts: { dataDir?: string; port?: number; args?: string[]; env?: Record<string, string> } = {}): Promise<HubProcess> {
  const dataDir = opts.dataDir ?? tempDir('hub');
  const args = [...programArgs('hub'), '--port', String(opts.port ?? 0), '--data', dataDir, '--admin-key', ADMIN_KEY, ...(opts.args ?? [])];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, STAGECALL_LOG_LEVEL: 'warn', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /Hub ready: (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`hub exited with ${code} before ready:\n${out}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    dataDir,
    child,
    output: () => out,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

async function post<T>(url: string, body: unknown, adminKey?: string): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(adminKey ? { authorization: `Bearer ${adminKey}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${url} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export const createEvent = (hubUrl: string, title = 'Test event'): Promise<{ eventId: string; joinCode: string }> =>
  post(`${hubUrl}/v1/events`, { title }, ADMIN_KEY);

export const staffToken = (hubUrl: string, eventId: string, role: 'host' | 'moderator' | 'producer' = 'host', name = 'Host'): Promise<{ token: string; clientId: string; expiresAt: number }> =>
  post(`${hubUrl}/v1/tokens`, { eventId, role, name }, ADMIN_KEY);

/** P6; `watching` (P30) joins as a stream viewer. */
export const joinAudience = (hubUrl: string, code: string, name?: string, watching?: 'room' | 'stream'): Promise<{ token: string; clientId: string; eventId: string }> =>
  post(`${hubUrl}/v1/join`, { code, ...(name ? { name } : {}), ...(watching ? { watching } : {}) });

/** Signs tokens as this hub does (with the random secret it keeps in its data folder), e.g. an expired one. */
export function hubTokenAuthority(hub: { dataDir: string }): TokenAuthority {
  return new TokenAuthority(ADMIN_KEY, fs.readFileSync(path.join(hub.dataDir, 'token-secret'), 'utf8').trim());
}

/** Runs the hub until it is ready (then stops it) or until it exits by itself. */
export function runHubUntilReady(args: string[], env: Record<string, string> = {}, program = programArgs('hub')): Promise<{ out: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...program, ...args], {
      cwd: ROOT,
      env: { ...process.env, STAGECALL_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (out.includes('Hub ready:')) child.kill('SIGTERM');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => resolve({ out, code }));
  });
}
