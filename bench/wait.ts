/**
 * `npm run bench -- wait`: what WAIT costs (issue 17). One Sentinel deployment (a primary, one
 * replica, three Sentinels; AOF everysec, the setup docs/scaling.md recommends) and one hub on it,
 * started in turn with `--redis-min-replicas 0` (no WAIT: acked once the primary ran the script)
 * and `1` (the Sentinel default: WAIT for the replica, then COMMIT, per batch), alternating in
 * rounds so that both see the same machine. Closed-loop publishers send chat as fast as acks come
 * back; reports accepted appends/s and pub → ack latency p50/p99 from a histogram.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Histogram } from '../src/shared/histogram';
import { hasRedis, redisSkipReason } from '../tests/helpers/redis-server';
import { MASTER_NAME, redisSentinelPath, sentinelSkipReason, startSentinelSetup } from '../tests/helpers/redis-sentinel';
import { BENCH_ADMIN_KEY, startChild, type Child } from './lib/child';
import type { BenchModule } from './lib/report';
import { adminPost, createEventWithHost, StaffClient } from './lib/staff-client';

interface Round {
  acks: number;
  seconds: number;
  latency: Histogram;
  refused: Record<string, number>;
}

/** One paced publisher (the latency of an append alone), then many back to back (throughput, batches). */
const SHAPES = [1, 50];
const SINGLE_HZ = 50;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * `publishers` staff clients (each its own clientId: P24/P33 limit each to 200 pubs/s) publishing
 * for `seconds`: back to back (`paceHz` 0), or one pub per 1/paceHz s each (latency alone, no batching).
 */
async function round(hubUrl: string, publishers: number, paceHz: number, seconds: number, warmupS: number): Promise<Round> {
  const ev = await createEventWithHost(hubUrl, BENCH_ADMIN_KEY, 'WAIT bench');
  const clients: StaffClient[] = [];
  for (let i = 0; i < publishers; i++) {
    const t = await adminPost<{ token: string }>(hubUrl, '/v1/tokens', { eventId: ev.eventId, role: 'host', name: `Publisher ${i}` }, BENCH_ADMIN_KEY);
    clients.push(await StaffClient.connect(hubUrl, t.token));
  }
  const out: Round = { acks: 0, seconds, latency: new Histogram(), refused: {} };
  let measuring = false;
  let running = true;
  const loops = clients.map(async (c, i) => {
    let n = 0;
    while (running) {
      const t0 = performance.now();
      const f = await c.pub('chat.send', { messageId: `m${i}-${n}`, text: `message ${n}` }, `p${i}-${n}`).catch(() => null);
      const ms = performance.now() - t0;
      n++;
      if (measuring) {
        if (f?.t === 'ack') {
          out.acks++;
          out.latency.record(ms);
        } else out.refused[f ? f.code : 'timeout'] = (out.refused[f ? f.code : 'timeout'] ?? 0) + 1;
      }
      if (paceHz > 0) await sleep(Math.max(0, 1000 / paceHz - ms)); // workload pacing
    }
  });
  await sleep(warmupS * 1000);
  measuring = true;
  const t0 = performance.now();
  await sleep(seconds * 1000);
  measuring = false;
  out.seconds = (performance.now() - t0) / 1000;
  running = false;
  await Promise.all(loops);
  for (const c of clients) c.close();
  return out;
}

function startHub(dataDir: string, sentinels: string, minReplicas: number): Promise<Child> {
  const args = ['--port', '0', '--data', dataDir, '--admin-key', BENCH_ADMIN_KEY, '--node', `wait${minReplicas}`, '--engine', 'redis'];
  args.push('--redis-sentinels', sentinels, '--redis-master-name', MASTER_NAME, '--redis-min-replicas', String(minReplicas));
  return startChild('src/hub/cli.ts', args, /Hub ready: (http:\/\/\S+)/);
}

export const bench: BenchModule = {
  describe: 'WAIT cost: appends/s and ack latency p50/p99 on Sentinel with --redis-min-replicas 1 vs 0, same run',
  async run(ctx) {
    const title = 'Sentinel: acked appends with WAIT (min-replicas 1) vs without';
    if (!hasRedis || !redisSentinelPath) return [{ title, columns: ['setup', 'result'], rows: [['all', 'skipped']], notes: [hasRedis ? sentinelSkipReason : redisSkipReason] }];
    const rounds = ctx.quick ? 1 : 3;
    const seconds = ctx.quick ? 3 : 8;
    const load0 = os.loadavg()[0] ?? 0;
    const setup = await startSentinelSetup({ replicas: 1, redis: { appendonly: true, appendfsync: 'everysec' } });
    const results = new Map<string, Round>();
    const merge = (key: string, r: Round): void => {
      const m = results.get(key) ?? { acks: 0, seconds: 0, latency: new Histogram(), refused: {} };
      m.acks += r.acks;
      m.seconds += r.seconds;
      m.latency.merge(r.latency);
      for (const [k, n] of Object.entries(r.refused)) m.refused[k] = (m.refused[k] ?? 0) + n;
      results.set(key, m);
    };
    try {
      for (let i = 0; i < rounds; i++) {
        for (const minReplicas of i % 2 === 0 ? [0, 1] : [1, 0]) {
          const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecall-bench-wait-'));
          const hub = await startHub(dir, setup.sentinelList, minReplicas);
          try {
            for (const publishers of SHAPES) {
              const r = await round(hub.url, publishers, publishers === 1 ? SINGLE_HZ : 0, seconds, 1);
              ctx.log(`round ${i + 1}, min-replicas ${minReplicas}, ${publishers} publisher(s): ${(r.acks / r.seconds).toFixed(0)} acks/s, p50/p99 ${r.latency.quantile(0.5).toFixed(2)}/${r.latency.quantile(0.99).toFixed(2)} ms`);
              merge(`${minReplicas}/${publishers}`, r);
            }
          } finally {
            await hub.kill();
            fs.rmSync(dir, { recursive: true, force: true });
          }
        }
      }
    } finally {
      await setup.stop();
    }
    const load1 = os.loadavg()[0] ?? 0;
    const rows: Array<Array<string | number>> = [];
    for (const publishers of SHAPES) {
      const base = results.get(`0/${publishers}`);
      for (const minReplicas of [0, 1]) {
        const r = results.get(`${minReplicas}/${publishers}`);
        if (!r || !base) continue;
        const rate = r.acks / r.seconds;
        const baseRate = base.acks / base.seconds;
        rows.push([
          minReplicas ? '--redis-min-replicas 1 (WAIT + COMMIT per batch)' : '--redis-min-replicas 0 (no WAIT; baseline)',
          publishers,
          Math.round(rate),
          r.latency.quantile(0.5),
          r.latency.quantile(0.99),
          `${(rate / Math.max(1, baseRate)).toFixed(2)}x`,
          `${(r.latency.quantile(0.5) / Math.max(0.001, base.latency.quantile(0.5))).toFixed(2)}x / ${(r.latency.quantile(0.99) / Math.max(0.001, base.latency.quantile(0.99))).toFixed(2)}x`,
          Object.keys(r.refused).length ? JSON.stringify(r.refused) : '-',
        ]);
      }
    }
    return [
      {
        title,
        columns: ['hub', 'publishers', 'acked appends/s', 'ack p50 ms', 'ack p99 ms', 'appends/s vs baseline', 'p50 / p99 vs baseline', 'refused'],
        rows,
        notes: [
          'One Sentinel deployment for the whole run (tests/helpers/redis-sentinel.ts: a primary, one replica, three Sentinels on loopback; AOF with appendfsync everysec on both servers) and one hub process (`--redis-sentinels ... --redis-master-name stagecall`) at a time, started with each setting in turn.',
          `${rounds} round${rounds > 1 ? 's' : ''} of ${seconds} s per setting and shape, the order alternating between rounds, merged, after 1 s of warm-up each. Each publisher is a host with its own clientId sending \`chat.send\`: 1 publisher at ${SINGLE_HZ}/s (each append alone: its latency), then ${SHAPES[1]} publishers each waiting for its ack before the next (closed loop: throughput; each is under the 200/s staff limit).`,
          'With many publishers the hub puts the pubs that arrive in one event-loop turn into one batch: one append script, and with min-replicas 1 one WAIT and one COMMIT for the whole batch, so WAIT costs a batch two round trips and the replica\'s acknowledgement, not each entry.',
          `One shared 2-core VM runs Redis, the replica, the Sentinels, the hub and the publishers (load average ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end, other jobs included): compare the ratios, which both settings share.`,
        ],
      },
    ];
  },
};
