/**
 * A real hub cluster for tests: one private redis-server and N hub processes
 * (`--engine redis --node <name>`) sharing it and the admin key (tokens signed on one node are
 * accepted by every node). Plus the two reads every cluster test needs: a node's whole log
 * (P17 history) and a fresh subscriber's view.
 */
import type { WireEntry } from '../../src/shared/protocol';
import { startHubProcess, type HubProcess } from './hub-process';
import { startRedis, type RedisServer, type RedisServerOptions } from './redis-server';
import { TestClient } from './test-client';

export interface ClusterNode {
  name: string;
  hub: HubProcess;
  url: string;
}

export interface Cluster {
  redis: RedisServer;
  nodes: ClusterNode[];
  urls: string[];
  node(name: string): ClusterNode;
  /** Every hub (SIGTERM) and Redis. */
  stop(): Promise<void>;
}

/** `port`: a restarted node comes back where its clients look for it. `--join-rate` is raised: hundreds of test clients join from one loopback address. */
export async function startHubNode(redisUrl: string, name: string, extraArgs: string[] = [], port?: number): Promise<ClusterNode> {
  const hub = await startHubProcess({ ...(port ? { port } : {}), args: ['--engine', 'redis', '--redis', redisUrl, '--node', name, '--join-rate', '100000', ...extraArgs] });
  return { name, hub, url: hub.url };
}

export async function startCluster(names: string[], redisOpts: RedisServerOptions = {}): Promise<Cluster> {
  const redis = await startRedis(redisOpts);
  const nodes = await Promise.all(names.map((n) => startHubNode(redis.url, n)));
  return {
    redis,
    nodes,
    urls: nodes.map((n) => n.url),
    node(name) {
      const n = nodes.find((x) => x.name === name);
      if (!n) throw new Error(`no node ${name}`);
      return n;
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.hub.kill()));
      await redis.stop();
    },
  };
}

/** The whole log as one node serves it (P17), page by page. Needs a staff token. */
export async function readWholeLog(url: string, token: string): Promise<WireEntry[]> {
  const c = await TestClient.connect(url, token);
  try {
    const all: WireEntry[] = [];
    let from: number | null = 1;
    while (from !== null) {
      const at = c.frames.length;
      c.send({ t: 'history', from, limit: 1000 });
      const h = await c.waitFor((f) => f.t === 'history', { from: at });
      if (h.t !== 'history') throw new Error('expected history');
      all.push(...h.entries);
      from = h.entries.length ? h.next : null;
    }
    return all;
  } finally {
    c.close();
  }
}

/** A fresh subscriber's view (its first sync is a snapshot, P18); the client stays open and follows patches. */
export async function freshView(url: string, token: string, view: 'staff' | 'audience'): Promise<TestClient> {
  const c = await TestClient.connect(url, token);
  c.send({ t: 'sub', view });
  await c.until(() => c.views[view], 30_000, `${view} snapshot`);
  return c;
}

/** (clientId, id) → the entries holding it; `hub` entries (presence) left out. */
export function entriesByKey(log: WireEntry[]): Map<string, WireEntry[]> {
  const byKey = new Map<string, WireEntry[]>();
  for (const e of log) {
    if (e.clientId === 'hub') continue;
    const key = `${e.clientId}/${e.id}`;
    byKey.set(key, [...(byKey.get(key) ?? []), e]);
  }
  return byKey;
}

/** A ConsoleCore result that must be ok (its error, code and message, otherwise). */
export function must<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}
