/**
 * Reconnect storms: N audience clients subscribed to the view, every socket cut at once, and
 * the time until each one holds the view again at (at least) the serial current at the cut,
 * having resumed with since+epoch. Cuts: the clients terminate their sockets (with or without
 * reconnect jitter), or the hub is restarted (graceful 1001, a new process on the same port).
 * A `bare` storm is the floor of the first kind in the same run: as many clients of a bare `ws`
 * server (bench/lib/bare-ws-server.ts) cut their sockets and reconnect on the same policy, each
 * resumed when its second round trip (hello, sub) is answered.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Histogram } from '../../src/shared/histogram';
import { BENCH_ADMIN_KEY, startChild, startHubChild, type Child, type HubFrom } from './child';
import { LoadPool } from './load-pool';
import { CpuMeter, cpuMs } from './proc-stats';
import { createEventWithHost, StaffClient } from './staff-client';

export interface StormRow {
  clients: number;
  /** The plan's kind, and `cut` says it in words. */
  how: StormPlan['how'];
  cut: string;
  /** null: the shared client's reconnect policy. */
  jitterMs: number | null;
  resumed: number;
  p50: number;
  p99: number;
  max: number;
  snapshots: number;
  patches: number;
  hubCpuMs: number;
  /** This process over the storm: the clients' worker threads (and the runner, mostly idle). */
  clientsCpuMs: number;
  /** hub restart: from SIGTERM to the new process's ready line. */
  hubDownMs: number | null;
  /** hub restart: how the new process was started. */
  hubFrom: HubFrom | null;
  /** Every client's time to resume, for pooling runs. */
  times: Histogram;
  label: string | null;
}

export interface StormPlan {
  /** `bare`: the clients of a bare ws relay cut their sockets (the floor of `clients`). */
  how: 'clients' | 'restart' | 'bare';
  /** The first reconnect within 0..this ms, then backoff capped at 2 s; unset: the shared client's policy (retryDelay). */
  jitterMs?: number;
  /** restart: start the new hub as built JavaScript (default) or from TypeScript through tsx. */
  from?: HubFrom;
  /** restart: the new hub from another checkout (from tsx), e.g. a commit before a change. */
  root?: string;
  /** Names the hub this storm measures, for the caller's tables. */
  label?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function measureStorms(o: { clients: number; workers: number; plans: StormPlan[]; timeoutMs: number; log: (l: string) => void; onStorm?: (row: StormRow) => void }): Promise<StormRow[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecall-storm-'));
  let hub: Child = await startHubChild(dataDir);
  const port = Number(new URL(hub.url).port);
  let pool: LoadPool | null = null;
  let bare: { server: Child; pool: LoadPool } | null = null;
  const rows: StormRow[] = [];
  try {
    const ev = await createEventWithHost(hub.url, BENCH_ADMIN_KEY, 'Storm');
    const host = await StaffClient.connect(hub.url, ev.hostToken);
    const options = ['a', 'b', 'c'].map((id) => ({ id, label: id }));
    await host.must('poll.create', { pollId: 'p1', question: 'Storm?', kind: 'single', options });
    await host.must('poll.open', { pollId: 'p1' });
    for (let i = 0; i < 20; i++) await host.must('chat.send', { messageId: `c${i}`, text: `before the storm ${i}` });
    host.close();
    const t0 = performance.now();
    pool = await LoadPool.start({ kind: 'hub', url: hub.url, code: ev.joinCode, clients: o.clients, workers: o.workers });
    o.log(`storm: ${pool.connected}/${o.clients} subscribed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const plan of o.plans) {
      if (plan.how === 'bare' && !bare) {
        const server = await startChild('bench/lib/bare-ws-server.ts', [], /Ready: (\S+)/);
        bare = { server, pool: await LoadPool.start({ kind: 'ws', url: server.url, clients: o.clients, workers: o.workers, reconnectJitterMs: null }) };
        o.log(`storm: ${bare.pool.connected}/${o.clients} bare ws clients connected`);
      }
      await sleep(2_000); // presence settles into the log; every client catches up
      const storming = bare && plan.how === 'bare' ? bare : { server: hub, pool };
      // A bare client is resumed by its answer; a hub client once it holds the serial of the cut.
      const target = plan.how === 'bare' ? 0 : (await pool.collect()).maxSerial;
      const cutAt = Date.now() + 100;
      const cpu = new CpuMeter(storming.server.pid);
      const own = process.cpuUsage();
      const done = storming.pool.storm({ target, cutAt, terminate: plan.how !== 'restart', timeoutMs: o.timeoutMs, jitterMs: plan.jitterMs ?? null });
      let hubCpuMs = 0;
      let hubDownMs: number | null = null;
      let stoppedMs: number | null = null;
      if (plan.how === 'restart') {
        await sleep(cutAt - Date.now());
        hubCpuMs += cpu.read().cpuMs;
        await hub.kill('SIGTERM');
        stoppedMs = Date.now() - cutAt;
        hub = await startHubChild(dataDir, { port, ...(plan.from ? { from: plan.from } : {}), ...(plan.root ? { root: plan.root } : {}) });
        hubDownMs = Date.now() - cutAt;
      }
      const r = await done;
      // After a restart: the new process's whole CPU time (start-up and log replay included).
      hubCpuMs += plan.how === 'restart' ? cpuMs(hub.pid) : cpu.read().cpuMs;
      const ownCpu = process.cpuUsage(own);
      const row: StormRow = {
        clients: r.clients,
        how: plan.how,
        cut: plan.how === 'clients' ? 'clients terminate' : plan.how === 'bare' ? 'bare ws clients terminate' : 'hub restart',
        jitterMs: plan.jitterMs ?? null,
        resumed: r.resumed,
        p50: r.times.quantile(0.5),
        p99: r.times.quantile(0.99),
        max: r.maxMs,
        snapshots: r.snapshots,
        patches: r.patches,
        hubCpuMs,
        clientsCpuMs: Math.round((ownCpu.user + ownCpu.system) / 1000),
        hubDownMs,
        hubFrom: plan.how === 'restart' ? (plan.from ?? 'built') : null,
        times: r.times,
        label: plan.label ?? null,
      };
      o.log(`storm${row.label ? ` [${row.label}]` : ''} (${row.cut}, ${row.jitterMs === null ? 'shared client reconnect policy' : `jitter ${row.jitterMs} ms`}): ${row.resumed}/${row.clients} resumed, p50 ${row.p50.toFixed(0)} p99 ${row.p99.toFixed(0)} max ${row.max.toFixed(0)} ms; ${row.patches} patches, ${row.snapshots} snapshots${hubDownMs !== null ? `; hub down ${hubDownMs} ms (old one exited after ${stoppedMs} ms)` : ''}; hub CPU ${hubCpuMs} ms, clients ${row.clientsCpuMs} ms`);
      rows.push(row);
      o.onStorm?.(row);
    }
    return rows;
  } finally {
    await bare?.pool.stop();
    await bare?.server.kill();
    await pool?.stop();
    await hub.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
