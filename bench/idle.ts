/**
 * Idle events (issue 11): N events each opened by a host (hello), then left with nobody
 * connected. Two hubs in the same run: one unloading idle events after 2 s, and a baseline
 * that keeps every runtime and log open (--idle-unload-seconds 86400: the behaviour before).
 * Reported once both are idle: runtimes loaded, open fds, RSS, and idle CPU per second
 * (p50/p99 over 1 s samples), each as a ratio of the baseline.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Histogram } from '../src/shared/histogram';
import { BENCH_ADMIN_KEY, startChild, type Child } from './lib/child';
import { cpuMs, rssKB } from './lib/proc-stats';
import type { BenchModule, BenchTable } from './lib/report';
import { createEventWithHost, StaffClient } from './lib/staff-client';

const fds = (pid: number): number => fs.readdirSync(`/proc/${pid}/fd`).length;
const loaded = async (url: string): Promise<number> => Number(/^stagecall_events_loaded (\d+)$/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? NaN);
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function openEvents(hub: Child, n: number): Promise<void> {
  for (let i = 0; i < n; i += 50) {
    const batch = await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, k) => createEventWithHost(hub.url, BENCH_ADMIN_KEY, `Idle ${i + k}`)));
    const clients = await Promise.all(batch.map((e) => StaffClient.connect(hub.url, e.hostToken)));
    for (const c of clients) c.ws.close();
  }
}

export const bench: BenchModule = {
  describe: 'idle events: runtimes, fds, RSS and CPU of a hub whose events were all opened and left idle, unloading vs keeping them',
  async run(ctx) {
    if (process.platform !== 'linux') {
      ctx.log('skipped: reads /proc (Linux only)');
      return [];
    }
    const n = ctx.quick ? 300 : 2000;
    const seconds = ctx.quick ? 5 : 20;
    const variants = [
      { name: 'keeps every event loaded (baseline, as before issue 11)', idle: 86_400 },
      { name: 'unloads events idle for 2 s', idle: 2 },
    ];
    const hubs: Array<{ name: string; hub: Child; dir: string }> = [];
    for (const v of variants) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecall-bench-idle-'));
      const hub = await startChild('src/hub/cli.ts', ['--port', '0', '--data', dir, '--admin-key', BENCH_ADMIN_KEY, '--idle-unload-seconds', String(v.idle)], /Hub ready: (http:\/\/\S+)/);
      hubs.push({ name: v.name, hub, dir });
    }
    try {
      for (const h of hubs) {
        await openEvents(h.hub, n);
        ctx.log(`${h.name}: ${n} events opened`);
      }
      // Wait for the unloading hub to settle (its runtimes, then its engine's logs), then a 5 s
      // keep-alive for the HTTP sockets this benchmark opened.
      const unloading = hubs[1] as (typeof hubs)[number];
      for (let t = 0; (await loaded(unloading.hub.url)) > 0 && t < 120; t++) await pause(500);
      await pause(8_000);
      const cpu = hubs.map(() => new Histogram());
      for (let s = 0; s < seconds; s++) {
        const before = hubs.map((h) => cpuMs(h.hub.pid));
        const t0 = performance.now();
        await pause(1000);
        const wall = performance.now() - t0;
        hubs.forEach((h, i) => cpu[i]?.record(((cpuMs(h.hub.pid) - (before[i] ?? 0)) / wall) * 100));
      }
      const rows = await Promise.all(
        hubs.map(async (h, i) => ({ name: h.name, loaded: await loaded(h.hub.url), fds: fds(h.hub.pid), rss: rssKB(h.hub.pid) / 1024, p50: cpu[i]?.quantile(0.5) ?? 0, p99: cpu[i]?.quantile(0.99) ?? 0 })),
      );
      const base = rows[0] as (typeof rows)[number];
      const ratio = (v: number, b: number): string => (b > 0 ? `${(v / b).toFixed(2)}x` : '-');
      const table: BenchTable = {
        title: `Idle events: ${n} events opened, then nobody connected`,
        columns: ['hub', 'runtimes loaded', 'open fds', 'fds vs baseline', 'RSS MiB', 'RSS vs baseline', 'idle CPU % p50', 'p99', 'CPU p50 vs baseline'],
        rows: rows.map((r) => [r.name, r.loaded, r.fds, ratio(r.fds, base.fds), Number(r.rss.toFixed(0)), ratio(r.rss, base.rss), Number(r.p50.toFixed(2)), Number(r.p99.toFixed(2)), ratio(r.p50, base.p50)]),
        notes: [
          'Both hubs run from TypeScript (tsx) side by side on the same machine; each event was created, opened by one host hello, and left.',
          `Idle CPU is the hub process's utime+stime per wall second, sampled each second for ${seconds} s (10 ms tick resolution).`,
          'Memory: RSS after V8 has had time to collect; a hub that unloaded keeps only event metadata per event.',
        ],
      };
      return [table];
    } finally {
      for (const h of hubs) {
        await h.hub.kill();
        fs.rmSync(h.dir, { recursive: true, force: true });
      }
    }
  },
};
