/**
 * `npm run bench -- hub`: the hub under an audience (issue 3). For 1,000 and 5,000 audience
 * connections (load in worker threads, the hub in a child process): a host publishing chat and
 * poll changes at a steady rate while the audience votes; vote ack latency, sync fan-out
 * latency (host's publish time in the chat text → each client's receipt of the patch holding
 * it), frames delivered per second, hub RSS per connection and hub CPU per delivered frame,
 * against a bare `ws` relay delivering frames of the same size at the same rate to the same
 * number of clients. (Reopening a large log is `npm run bench -- recovery`.)
 */
import os from 'node:os';
import { measureFanout, type FanoutFigures } from './lib/fanout';
import type { BenchModule, BenchTable } from './lib/report';

const VOTE_EVERY_MS = 10_000;
/**
 * Host chat rate per size. 5,000 clients x 10 frames/s = 50,000 frames/s to decode, more than
 * this 2-core machine's load generators can take next to the hub (latencies then measure the
 * clients' backlog, not the hub), so the 5,000 run changes the view 4 times a second.
 */
const RUNS = { full: [{ clients: 1_000, rateHz: 10 }, { clients: 5_000, rateHz: 4 }], quick: [{ clients: 300, rateHz: 10 }] };

export const bench: BenchModule = {
  describe: 'hub fan-out, vote acks, RSS and CPU per frame at 1,000/5,000 connections vs bare ws',
  async run(ctx) {
    const runs = ctx.quick ? RUNS.quick : RUNS.full;
    const warmupS = ctx.quick ? 3 : 8;
    const measureS = ctx.quick ? 4 : 15;
    const load0 = os.loadavg()[0] ?? 0;
    const rows: BenchTable['rows'] = [];
    const pairs: Array<{ hub: FanoutFigures; bare: FanoutFigures }> = [];
    for (const { clients, rateHz } of runs) {
      const hub = await measureFanout({ kind: 'hub', clients, rateHz, warmupS, measureS, workers: 2, voteEveryMs: VOTE_EVERY_MS, log: ctx.log });
      // The baseline delivers what the hub delivered: same frame size, same per-client rate.
      const perClientHz = Math.max(1, hub.framesPerSec / Math.max(1, hub.connected));
      const bare = await measureFanout({ kind: 'ws', clients, rateHz: perClientHz, frameBytes: Math.round(hub.avgFrameBytes), warmupS, measureS, workers: 2, log: ctx.log });
      pairs.push({ hub, bare });
      for (const f of [hub, bare])
        rows.push([
          clients,
          f.kind === 'hub' ? `hub (chat ${rateHz}/s + votes)` : 'bare ws relay',
          Math.round(f.framesPerSec),
          Math.round(f.avgFrameBytes),
          f.latencyP50,
          f.latencyP99,
          f.acks ? f.ackP50 : '-',
          f.acks ? f.ackP99 : '-',
          f.cpuUsPerFrame,
          Math.round(f.serverCpuPct),
          f.loadCpuUsPerFrame,
          Math.round(f.rssLoadedMB),
          f.rssPerConnKB,
          f.kind === 'hub' ? `${(f.cpuUsPerFrame / Math.max(0.001, bare.cpuUsPerFrame)).toFixed(2)}x` : '1.00x',
        ]);
    }
    const votesPerSec = runs.map((r) => `${Math.round((r.clients * 1000) / VOTE_EVERY_MS)}/s at ${r.clients.toLocaleString('en-US')}`).join(', ');
    const load1 = os.loadavg()[0] ?? 0;
    const last = pairs[pairs.length - 1];
    return [
      {
        title: 'Hub under an audience: fan-out, vote acks, memory and CPU vs a bare ws relay',
        columns: ['connections', 'server', 'frames/s delivered', 'frame B', 'fan-out p50 ms', 'fan-out p99 ms', 'vote ack p50 ms', 'vote ack p99 ms', 'CPU µs/frame', 'CPU %', 'load gen µs/frame', 'RSS MB', 'RSS KB/conn', 'CPU/frame vs bare'],
        rows,
        notes: [
          `Workload: the host posts chat at the rate shown (jittered gaps, each message carrying its Date.now()) and opens or closes a second poll every 5 s; every audience client casts a ballot on an open poll, then changes it about every ${VOTE_EVERY_MS / 1000} s (${votesPerSec}); audience view sync at the default 10 Hz. Results are hidden, so changed ballots move the staff tallies but not the audience view: the audience view changes at the host's rate.`,
          `The 5,000-client run changes the view 4 times a second, not 10: 50,000 frames/s to decode is more than this machine's load generators can take next to the hub, and latencies would then measure the clients' backlog (see "load gen µs/frame": the benchmark process's CPU per frame received).`,
          'Fan-out latency: the host stamps the chat text at publish; each client records receipt minus that stamp when the patch holding it is applied to its mirror. It includes the append (fsync), the fold, and the wait for the next sync tick (0-100 ms at 10 Hz, by design: conflation).',
          'Vote ack: pub sent → ack received, per client; the hub acks only after the entry is fsynced and applied (P16).',
          'CPU µs/frame: utime+stime of the server process (/proc/<pid>/stat) over the measured window, divided by the frames the clients received. The hub figure includes everything the hub did in that window (votes, appends, fsync, diffs, stats), the bare relay only relays.',
          'RSS KB/conn: (VmRSS loaded - VmRSS before the audience connected) / connections; includes the JIT and heap growth of a warming process, so it is an upper bound.',
          `The bare ws relay broadcasts frames of the hub's measured size at the hub's measured per-client rate, so both deliver about the same frames of the same size to the same number of clients.`,
          `One 2-core machine for everything: the server process, 2 load-generating worker threads and the publisher share the 2 cores (load average ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end; other jobs on the machine add noise, mostly to latencies).`,
          ...(last
            ? [
                `At ${last.hub.clients.toLocaleString('en-US')} connections the hub spent ${last.hub.cpuUsPerFrame.toFixed(1)} µs of CPU per delivered frame against ${last.bare.cpuUsPerFrame.toFixed(1)} µs for the bare relay; that includes taking ${Math.round((last.hub.clients * 1000) / VOTE_EVERY_MS)} votes/s (the peers section measures the same fan-out without votes).`,
              ]
            : []),
        ],
      },
    ];
  },
};
