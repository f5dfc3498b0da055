/**
 * Local-event mode: the embedded hub running inside the console's process, its data in
 * `<userData>/hub-data` (the event log and admin.key survive restarts), listening on
 * 127.0.0.1, or on every interface when the audience joins over the venue's LAN.
 */
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadOrCreateAdminKey } from '../../hub/auth';
import { createEngine } from '../../hub/engine/create-engine';
import { startHub, type Hub } from '../../hub/hub';
import { errnoOf } from './journal/errors';

export interface LocalHub {
  /** http://127.0.0.1:PORT: what this console connects to. */
  readonly url: string;
  readonly port: number;
  readonly lan: boolean;
  readonly adminKey: string;
  readonly dataDir: string;
  close(): Promise<void>;
}

export interface LocalHubOptions {
  dataDir: string;
  lan: boolean;
  /** The port used last time, so phones that joined keep their URL; 0 or busy → any free port. */
  port?: number;
  /** The built audience app (defaults to the hub's own default, out/audience). */
  staticDir?: string;
  /** The admin key, when the console keeps it (sealed, local-admin-key.ts); else `<dataDir>/admin.key`. */
  adminKey?: string;
}

/** The first non-internal IPv4 address: what a phone on the same network can reach. */
export function lanAddress(interfaces: ReturnType<typeof os.networkInterfaces> = os.networkInterfaces()): string | null {
  for (const list of Object.values(interfaces)) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

/** Where the audience opens the event: the LAN address in LAN mode, loopback otherwise. */
export function localJoinUrl(hub: Pick<LocalHub, 'port' | 'lan'>, joinCode: string): string {
  const host = hub.lan ? (lanAddress() ?? '127.0.0.1') : '127.0.0.1';
  return `http://${host}:${hub.port}/j/${joinCode}`;
}

export async function startLocalHub(opts: LocalHubOptions): Promise<LocalHub> {
  const admin = loadOrCreateAdminKey(opts.dataDir, opts.adminKey);
  const engine = await createEngine({ kind: 'embedded', dataDir: opts.dataDir, node: 'console' });
  await engine.open();
  // The hub logs to stderr and only what needs attention: stdout carries the "ready" lines.
  const logger = pino({ level: process.env.STAGECALL_LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const host = opts.lan ? '0.0.0.0' : '127.0.0.1';
  const base = { engine, adminKey: admin.key, host, node: 'console', logger, ...(opts.staticDir ? { staticDir: opts.staticDir } : {}) };
  let hub: Hub;
  try {
    try {
      hub = await startHub({ ...base, port: opts.port ?? 0 });
    } catch (err) {
      if (!opts.port || errnoOf(err) !== 'EADDRINUSE') throw err;
      hub = await startHub({ ...base, port: 0 });
    }
  } catch (err) {
    await engine.close().catch(() => undefined);
    throw err;
  }
  return {
    url: `http://127.0.0.1:${hub.port}`,
    port: hub.port,
    lan: opts.lan,
    adminKey: admin.key,
    dataDir: path.resolve(opts.dataDir),
    close: () => hub.close(),
  };
}
