/**
 * `npm run bench -- simulator`: the load simulator (src/simulator) at 1,000, 2,000 and 5,000
 * lively attendees against a child hub for ~20 s each, with a scripted host (chat, a poll every
 * 10 s, a quiz question every 15 s), reporting the simulator's own final-report figures and
 * whether the staff view's ballots equal the voters the simulator counted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PollView } from '../src/shared/domain/types';
import type { DeliveryStats } from '../src/shared/protocol';
import type { SimReport } from '../src/simulator';
import { BENCH_ADMIN_KEY, startHubChild } from './lib/child';
import { CpuMeter, rssKB } from './lib/proc-stats';
import type { BenchModule, BenchTable } from './lib/report';
import { DROP_RATE, livelyAudience, runOfShow } from './lib/run-of-show';
import { createEventWithHost, StaffClient } from './lib/staff-client';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const top = (m: Record<string, number>): string =>
  Object.entries(m)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || 'none';

interface DeliverySummary {
  /** Median and worst of the per-second lag p99s (ms). */
  lagP99Ms: number;
  lagP99WorstMs: number;
  /** Mean share of audience subscribers at the current serial, and of those that reported at all (%). */
  inSyncPct: number;
  reportedPct: number;
  /** Mean share of subscribers showing the least-reached open poll or quiz question (%), what the console's cues show. */
  reachPct: number;
  samples: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] as number) : 0;
};
const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** The hub's once-a-second delivery figures over the run phase (after the ramp, before the drain). */
function summariseDelivery(samples: DeliveryStats[]): DeliverySummary {
  const live = samples.filter((d) => d.subscribers > 0);
  const p99s = live.map((d) => d.lagMs.p99);
  return {
    lagP99Ms: Math.round(median(p99s)),
    lagP99WorstMs: Math.round(Math.max(0, ...p99s)),
    inSyncPct: Math.round(mean(live.map((d) => (100 * d.atCurrent) / d.subscribers)) * 10) / 10,
    reportedPct: Math.round(mean(live.map((d) => (100 * d.reported) / d.subscribers)) * 10) / 10,
    reachPct: Math.round(mean(live.flatMap((d) => (Object.keys(d.cues).length ? [(100 * Math.min(...Object.values(d.cues))) / d.subscribers] : []))) * 10) / 10,
    samples: live.length,
  };
}

async function one(audience: number, durationS: number, log: (l: string) => void): Promise<{ r: SimReport; hubCpuPct: number; hubRssMB: number; ballotsMatch: string; delivery: DeliverySummary }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecall-simbench-'));
  // The hub's default join limit (50/s per address): the simulator spreads its source addresses.
  const hub = await startHubChild(dataDir, { joinRate: 50 });
  const show = new AbortController();
  try {
    const ev = await createEventWithHost(hub.url, BENCH_ADMIN_KEY, `Simulator ${audience}`);
    const host = await StaffClient.connect(hub.url, ev.hostToken);
    host.subscribeStaff();
    host.subscribeStats();
    let phase = 'connecting';
    const deliveries: DeliveryStats[] = [];
    host.onFrame = (f) => {
      if (f.t === 'stats' && f.delivery && phase === 'running') deliveries.push(f.delivery.audience);
    };
    const script = runOfShow(host, { chatEveryMs: 1_000, pollEveryMs: 10_000, quizEveryMs: 15_000, signal: show.signal });
    const cpu = new CpuMeter(hub.pid);
    let rss = 0;
    const r = await livelyAudience(hub.url, ev.joinCode, audience, durationS, (p) => {
      phase = p.phase;
      rss = Math.max(rss, rssKB(hub.pid));
      if (Math.round(p.elapsedS) % 5 === 0) log(`sim ${audience}: ${p.phase} ${p.connected}/${p.audience}, in ${p.framesInPerSec}/s, ack p99 ${p.ackP99Ms} ms, reconnects ${p.reconnects}`);
    });
    const used = cpu.read();
    show.abort();
    await script.catch(() => undefined);
    // The staff view catches up within a sync tick or two; compare once it holds the last vote.
    let match = 'no staff view';
    for (let i = 0; i < 50; i++) {
      const polls = (host.staff?.doc as { polls?: Record<string, PollView> } | undefined)?.polls ?? {};
      const ids = new Set([...Object.keys(polls), ...Object.keys(r.ballots.byPoll)]);
      const bad = [...ids].filter((id) => (polls[id]?.ballots ?? 0) !== (r.ballots.byPoll[id] ?? 0));
      match = bad.length === 0 ? 'yes' : `no: ${bad.map((id) => `${id} staff ${polls[id]?.ballots ?? 0} vs ${r.ballots.byPoll[id] ?? 0}`).join(', ')}`;
      if (bad.length === 0) break;
      await sleep(100);
    }
    host.close();
    return { r, hubCpuPct: (used.cpuMs / used.wallMs) * 100, hubRssMB: rss / 1024, ballotsMatch: match, delivery: summariseDelivery(deliveries) };
  } finally {
    show.abort();
    await hub.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export const bench: BenchModule = {
  describe: 'the load simulator at 1,000/2,000/5,000 lively attendees against a child hub: joins, acks, latencies, reconnects, delivery (P27) and divergences (P26)',
  async run(ctx) {
    const sizes = ctx.quick ? [200] : [1_000, 2_000, 5_000];
    const durationS = ctx.quick ? 5 : 20;
    const rows: BenchTable['rows'] = [];
    for (const n of sizes) {
      const { r, hubCpuPct, hubRssMB, ballotsMatch, delivery: d } = await one(n, durationS, ctx.log);
      ctx.log(`sim ${n}: joined ${r.joined}, acks ${r.pubs.acked}, ack p99 ${r.ackMs.p99} ms, sync lag p99 ${r.syncLagMs.p99} ms, delivery lag p99 ${d.lagP99Ms} ms, in sync ${d.inSyncPct}%, reach ${d.reachPct}%, divergences ${r.divergences}, ballots match: ${ballotsMatch}`);
      rows.push([
        n,
        r.joined,
        r.rampS,
        r.framesInPerSec,
        r.framesOutPerSec,
        r.pubs.acked,
        top(r.nacks),
        r.ackMs.p50,
        r.ackMs.p99,
        r.syncLagMs.p50,
        r.syncLagMs.p99,
        d.lagP99Ms,
        d.lagP99WorstMs,
        d.inSyncPct,
        d.reportedPct,
        d.reachPct,
        r.divergences,
        r.reconnects,
        top(r.errors),
        Math.round(hubCpuPct),
        Math.round(hubRssMB),
        Math.round(r.simulatorLagP99Ms),
        ballotsMatch,
      ]);
    }
    return [
      {
        title: 'Load simulator against a hub (lively profile)',
        columns: ['attendees', 'joined', 'ramp s', 'frames in/s', 'frames out/s', 'acks', 'nacks', 'ack p50 ms', 'ack p99 ms', 'sync lag p50 ms', 'sync lag p99 ms', 'delivery lag p99 ms', 'worst delivery lag p99 ms', 'in sync %', 'reported %', 'cue reach %', 'divergences', 'reconnects', 'errors', 'hub CPU %', 'hub RSS MB', 'simulator loop lag p99 ms', 'staff ballots = voters'],
        rows,
        notes: [
          `Each run: a fresh hub child process (default per-address join limit; the simulator spreads attendees over 127.0.0.2-254), a scripted host (chat every second, a new poll every 10 s, a quiz question every 15 s), then \`runSimulation\` with the lively profile, 2 worker threads, ${DROP_RATE} drops per attendee per minute, ${durationS} s after everyone connected.`,
          'Ack latency: pub to ack per attendee (includes the fsync). Sync lag: receipt of a patch (on the hub clock, via the ping offset) minus the hub timestamp of each chat message it brings; it includes the wait for the 10 Hz sync tick.',
          'Delivery (P27), from the hub\'s staff `stats` frame each second of the run phase: "delivery lag p99" is the median over those seconds of the hub\'s lag p99 (hub time now minus the time each phone\'s reported serial stopped being current), "worst" the highest second; "in sync %" the mean share of audience subscribers whose latest `at` named the current serial, "reported %" the share that had reported at all; "cue reach %" the mean share showing the least-reached open poll or quiz question (what the console\'s cues show: "4,812 of 5,000 phones show this poll"; a cue opened less than a second before a sample has not been reported yet). Phones report at most once a second (P27) while the view moves up to 10 times a second, so a phone that holds the newest state may still be counted a report behind: in sync % is a floor, and the lag includes up to a second of report age.',
          'Divergences (P26): states whose hash differed from the hub\'s after applying, counted by the simulated phones (each one hashed once per worker, shared by every attendee holding the same document). Expected 0.',
          'frames in/s: what the attendees received (sync patches, acks, pongs, self frames); frames out/s: what they sent (votes, answers, questions, upvotes, reactions, chat, pings).',
          'Staff ballots = voters: the host\'s staff view (poll `ballots`) compared with the attendees the simulator counts as holding an acked, applied ballot, per poll; drops and resends (P14) must not double count.',
          'One 2-core machine: the hub, the 2 simulator workers and the host share it. The view changes up to 10 times a second while votes and answers pour in, so 5,000 attendees receive up to 50,000 frames/s; "simulator loop lag" (the worst worker\'s event-loop delay p99) above ~100 ms means the simulator, not the hub, was saturated and its latencies include its own backlog.',
        ],
      },
    ];
  },
};
