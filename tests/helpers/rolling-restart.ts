/**
 * A rolling restart of a 3-node cluster under load (issue 17), shared by
 * tests/cluster/rolling-restart.test.ts and `npm run bench -- rolling`: real Redis, real hub
 * processes, phones that hold the three URLs (RoamingClient: move on close, resume the view,
 * resend unacked votes with their ids), and the real console core (ConsoleCore: Link + Journal +
 * Outbox) posting chat throughout. Each node in turn is drained (P31: POST /v1/admin/drain), exits
 * by itself, and is started again on its port before the next one drains. Then the log is read:
 * every vote and console action must be in it exactly once, under the serial its ack named, the
 * console's in the order queued, and every phone's view equal to a fresh subscriber's.
 */
import { isDeepStrictEqual } from 'node:util';
import { ConsoleCore } from '../../src/main/core/console-core';
import type { LinkStatus, OutboxItem } from '../../src/shared/console-api';
import { Histogram } from '../../src/shared/histogram';
import { entriesByKey, freshView, must, readWholeLog, startHubNode, type ClusterNode } from './cluster';
import { ADMIN_KEY, createEvent, joinAudience, staffToken, tempDir } from './hub-process';
import { startRedis, type RedisServer } from './redis-server';
import { RoamingClient } from './roaming-client';
import type { TestClient } from './test-client';

export interface RollingOptions {
  phones: number;
  drainSeconds: number;
  /** Each phone changes its ballot about this often (jittered). */
  voteEveryMs: number;
  /** Console chat actions per second. */
  chatPerSec: number;
  /** How each node is taken down: drained (P31, the default), or SIGTERM (every socket closed with 1001 at once: the baseline). */
  stop?: 'drain' | 'sigterm';
  log?: (line: string) => void;
}

export interface NodeRestart {
  node: string;
  /** Drain request (or SIGTERM) → the process exited by itself. */
  drainMs: number;
  /** Exit → the new process ready on the same port. */
  restartMs: number;
}

export interface RollingFigures {
  phones: number;
  votesSent: number;
  consoleActions: number;
  /** Sent, settled, but not in the log. */
  lost: string[];
  /** In the log more than once. */
  doubled: string[];
  /** Acked under another serial than the entry's (or twice with different serials). */
  misacked: string[];
  nacked: number;
  /** The console's chat entries in the log are its queued ids, in order. */
  consoleInOrder: boolean;
  /** Every phone moved at least once (each node it used was drained). */
  phonesThatMoved: number;
  /** Phones with two welcomes in a row from one node (they waited for it instead of moving on). */
  waitedForSameNode: number;
  /** Each stretch a phone spent without a connection, close → next welcome. */
  gaps: Histogram;
  /** Per phone, the sum of its stretches. */
  offlinePerPhone: Histogram;
  dupAcks: number;
  /** Phones whose view equals a fresh subscriber's at the end. */
  viewsEqual: number;
  restarts: NodeRestart[];
  rollS: number;
}

const OPTIONS = ['a', 'b', 'c', 'd'];
const NAMES = ['A', 'B', 'C'];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Phone {
  k: number;
  clientId: string;
  client: RoamingClient;
  ids: string[];
  timer: NodeJS.Timeout | null;
}

/** Resolves when `check` holds, re-checked each time the console emits `event` (no polling: also runs outside vitest). */
function consoleUntil(core: ConsoleCore, event: 'status' | 'outbox', check: () => boolean, what: () => string, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let off = (): void => undefined;
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`));
    }, timeoutMs);
    const test = (): void => {
      if (!check()) return;
      clearTimeout(timer);
      off();
      resolve();
    };
    off = core.on(event, test);
    test();
  });
}

const exitOf = (n: ClusterNode): Promise<void> =>
  new Promise((resolve) => (n.hub.child.exitCode !== null || n.hub.child.signalCode !== null ? resolve() : n.hub.child.once('exit', () => resolve())));

export async function runRollingRestart(o: RollingOptions): Promise<RollingFigures> {
  const log = o.log ?? (() => undefined);
  const args = ['--drain-seconds', String(o.drainSeconds)];
  let redis: RedisServer | null = null;
  const nodes: ClusterNode[] = [];
  const phones: Phone[] = [];
  const extra: TestClient[] = [];
  let core: ConsoleCore | null = null;
  try {
    redis = await startRedis();
    const redisUrl = redis.url;
    nodes.push(...(await Promise.all(NAMES.map((n) => startHubNode(redisUrl, n, args)))));
    const urls = nodes.map((n) => n.url);
    const ev = await createEvent(urls[0] as string, 'Rolling restart');
    const host = await staffToken(urls[1] as string, ev.eventId, 'host', 'Console host');

    // ---- the console (real core), publishing through its outbox -------------------------------
    core = new ConsoleCore({ userDataDir: tempDir('rolling-console'), shell: 'web', version: 'test', link: { backoff: { baseMs: 200, capMs: 2_000 } } });
    const console_ = core;
    must(await console_.start());
    let status: LinkStatus | null = null;
    console_.on('status', (st) => (status = st));
    // Acknowledged outbox ids, from the core's outbox events (each carries the items that changed).
    const acked = new Set<string>();
    console_.on('outbox', (items: OutboxItem[]) => {
      for (const i of items) if (i.state === 'acknowledged') acked.add(i.id);
    });
    must(await console_.request('session/joinRemote', { hubUrls: urls, token: host.token }));
    await consoleUntil(console_, 'status', () => (status as LinkStatus | null)?.state === 'connected', () => 'the console connected');
    const queue = async (name: 'poll.create' | 'poll.open' | 'chat.send', data: unknown): Promise<string> => must(await console_.request('publish', { name, data })).id;
    const setup = [await queue('poll.create', { pollId: 'p1', question: 'Which?', kind: 'single', options: OPTIONS.map((id) => ({ id, label: id.toUpperCase() })) }), await queue('poll.open', { pollId: 'p1' })];
    await consoleUntil(console_, 'outbox', () => setup.every((id) => acked.has(id)), () => 'the poll set up through the console');

    // ---- phones, a third starting on each node -----------------------------------------------
    for (let at = 0; at < o.phones; at += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, o.phones - at) }, (_, i) => at + i).map(async (k) => {
          const startAt = k % urls.length;
          const j = await joinAudience(urls[startAt] as string, ev.joinCode, `Phone ${k}`);
          const client = await RoamingClient.start({ urls, token: j.token, startAt, view: 'audience' });
          phones.push({ k, clientId: j.clientId, client, ids: [], timer: null });
        }),
      );
    }
    log(`${phones.length} phones connected`);

    // ---- load: ballots from every phone, chat from the console -------------------------------
    const vote = (p: Phone): void => {
      p.timer = setTimeout(() => {
        const id = `v${p.k}-${p.ids.length}`;
        p.ids.push(id);
        void p.client.publish({ id, name: 'vote.cast', data: { pollId: 'p1', optionIds: [OPTIONS[(p.k + p.ids.length) % OPTIONS.length]] } }).catch(() => undefined);
        vote(p);
      }, o.voteEveryMs * (0.5 + Math.random()));
    };
    for (const p of phones) vote(p);
    // One action at a time, so that the ids are known in the order the console queued them.
    const chatIds: string[] = [];
    let chatting = true;
    const chatLoop = (async () => {
      while (chatting) {
        const n = chatIds.length;
        chatIds.push(await queue('chat.send', { messageId: `console-${n}`, text: `console ${n}` }));
        await sleep(1000 / o.chatPerSec);
      }
    })();
    await sleep(1_500);

    // ---- the roll ----------------------------------------------------------------------------
    const restarts: NodeRestart[] = [];
    const t0 = performance.now();
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i] as ClusterNode;
      const tDrain = performance.now();
      const exited = exitOf(n);
      if (o.stop === 'sigterm') await n.hub.kill('SIGTERM');
      else {
        const res = await fetch(`${n.url}/v1/admin/drain`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
        if (res.status >= 300) throw new Error(`drain ${n.name}: HTTP ${res.status}`);
      }
      await exited;
      const tExit = performance.now();
      nodes[i] = await startHubNode(redisUrl, n.name, args, n.hub.port);
      restarts.push({ node: n.name, drainMs: tExit - tDrain, restartMs: performance.now() - tExit });
      log(`node ${n.name}: drained in ${((tExit - tDrain) / 1000).toFixed(1)} s, back in ${((performance.now() - tExit) / 1000).toFixed(1)} s`);
    }
    const rollS = (performance.now() - t0) / 1000;
    await sleep(1_000);
    for (const p of phones) if (p.timer) clearTimeout(p.timer);
    chatting = false;
    await chatLoop;

    // ---- settle, then read the log -----------------------------------------------------------
    await Promise.all(phones.map((p) => p.client.until(() => (p.client.connected && p.client.settled ? true : undefined), 60_000, `phone ${p.k} connected with its votes settled`)));
    await consoleUntil(console_, 'outbox', () => chatIds.every((id) => acked.has(id)), () => `the console to deliver every queued action (${chatIds.filter((id) => !acked.has(id)).length} left)`);
    const entries = await readWholeLog(urls[0] as string, host.token);
    const byKey = entriesByKey(entries);
    const lost: string[] = [];
    const doubled: string[] = [];
    const misacked: string[] = [];
    let nacked = 0;
    let dupAcks = 0;
    for (const p of phones) {
      nacked += p.client.nacked.size;
      dupAcks += p.client.dupAcks;
      misacked.push(...p.client.ackMismatches);
      for (const id of p.ids) {
        const found = byKey.get(`${p.clientId}/${id}`) ?? [];
        if (found.length === 0 && !p.client.nacked.has(id)) lost.push(id);
        if (found.length > 1) doubled.push(id);
        if (found.length === 1 && p.client.acked.get(id)?.serial !== found[0]?.serial) misacked.push(id);
      }
    }
    const consoleIds = entries.filter((e) => e.clientId === host.clientId && e.name === 'chat.send').map((e) => e.id);
    for (const id of chatIds) if ((byKey.get(`${host.clientId}/${id}`) ?? []).length > 1) doubled.push(id);
    for (const id of chatIds) if (!byKey.has(`${host.clientId}/${id}`)) lost.push(id);

    // Views: every phone's copy equals a fresh subscriber's (presence settles within its TTL).
    const fresh = await freshView(urls[2] as string, host.token, 'audience');
    extra.push(fresh);
    // Presence entries may still land (a drained node's sample expires with its TTL): catch every
    // copy up to the newest serial any of them holds, compare, and go again until they agree.
    const equal = (p: Phone): boolean => isDeepStrictEqual(p.client.view?.doc, fresh.views.audience?.doc);
    const serialOf = (v: { serial: number } | null | undefined): number => v?.serial ?? 0;
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline && !phones.every(equal)) {
      const target = Math.max(serialOf(fresh.views.audience), ...phones.map((p) => serialOf(p.client.view)));
      const left = Math.max(1, deadline - Date.now());
      await Promise.all([
        fresh.until(() => (serialOf(fresh.views.audience) >= target ? true : undefined), left, 'the fresh view at the newest serial'),
        ...phones.map((p) => p.client.until(() => (serialOf(p.client.view) >= target ? true : undefined), left, `phone ${p.k} at the newest serial`)),
      ]).catch(() => undefined);
    }
    const viewsEqual = phones.filter(equal).length;

    const gaps = new Histogram();
    const offlinePerPhone = new Histogram();
    for (const p of phones) {
      for (const g of p.client.gapsMs) gaps.record(g);
      offlinePerPhone.record(p.client.gapsMs.reduce((s, g) => s + g, 0));
    }
    return {
      phones: phones.length,
      votesSent: phones.reduce((s, p) => s + p.ids.length, 0),
      consoleActions: chatIds.length,
      lost,
      doubled,
      misacked,
      nacked,
      consoleInOrder: isDeepStrictEqual(consoleIds, chatIds),
      phonesThatMoved: phones.filter((p) => p.client.gapsMs.length > 0).length,
      waitedForSameNode: phones.filter((p) => p.client.welcomes.some((w, i) => i > 0 && w === p.client.welcomes[i - 1])).length,
      gaps,
      offlinePerPhone,
      dupAcks,
      viewsEqual,
      restarts,
      rollS,
    };
  } finally {
    for (const p of phones) {
      if (p.timer) clearTimeout(p.timer);
      p.client.close();
    }
    for (const c of extra) c.close();
    await core?.close();
    await Promise.all(nodes.map((n) => n.hub.kill()));
    await redis?.stop();
  }
}
