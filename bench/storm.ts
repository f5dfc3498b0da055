/**
 * `npm run bench -- storm`: issue 18's reconnect storms. One audience of 5,000 clients
 * (STAGECALL_BENCH_STORM_CLIENTS) holds the audience view; five times each, alternating, every
 * socket is cut at once (the clients terminate them) and the hub is restarted (graceful 1001,
 * a new process from the build on the same port and data). The clients reconnect as the shared
 * client does (src/shared/client/backoff.ts retryDelay) and resume with since+epoch. Every run
 * is printed with its own p50/p99 (aim: p99 at most 2 s after a cut, 3 s after a restart).
 *
 * Issue 15: with STAGECALL_BENCH_STORM_BEFORE=<checkout> (a worktree at the commit before
 * 1589e25, which made sync frames once per (base, target)), the same audience is then handed
 * alternately to that checkout's hub and to this one's (both from TypeScript through tsx, so
 * they differ only in their code) and each takes a cut storm: the hub's CPU ms per storm,
 * before vs after, from the same run.
 */
import os from 'node:os';
import { Histogram } from '../src/shared/histogram';
import type { BenchModule } from './lib/report';
import { measureStorms, type StormPlan, type StormRow } from './lib/storm';

/** The bare relay's floor is held to the cut aim: what the hub's cut storm would need. */
const AIM_MS = { clients: 2_000, bare: 2_000, restart: 3_000 } as const;
const STORM_NAME = { clients: 'every socket cut', bare: 'bare ws: every socket cut', restart: 'hub restart' } as const;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const ms = (v: number): number => Math.round(v);
const load = (): string => os.loadavg().map((l) => l.toFixed(1)).join(', ');

export const bench: BenchModule = {
  describe: 'reconnect storms with 5,000 clients: every socket cut (beside a bare ws floor) and a hub restart, five runs each, p50/p99 per run; hub CPU before/after issue 15 with STAGECALL_BENCH_STORM_BEFORE',
  async run(ctx) {
    const clients = Number(process.env.STAGECALL_BENCH_STORM_CLIENTS ?? (ctx.quick ? 300 : 5_000));
    if (!(Number.isInteger(clients) && clients > 0)) throw new Error(`STAGECALL_BENCH_STORM_CLIENTS must be a whole number above 0, got ${process.env.STAGECALL_BENCH_STORM_CLIENTS}`);
    const runs = ctx.quick ? 1 : 5;
    const before = process.env.STAGECALL_BENCH_STORM_BEFORE;
    const rounds = before ? (ctx.quick ? 1 : 3) : 0;
    const plans: StormPlan[] = [];
    // Each run's cut storm has its floor beside it: the same clients of a bare ws relay, cut the same way.
    for (let i = 0; i < runs; i++) plans.push({ how: 'clients', label: 'main' }, { how: 'bare', label: 'main' }, { how: 'restart', from: 'built', label: 'main' });
    for (let i = 0; i < rounds; i++)
      for (const side of ['before', 'after'] as const) {
        // The restart hands the audience to that side's hub; the cut storm after it is what is compared.
        plans.push({ how: 'restart', from: 'tsx', ...(side === 'before' ? { root: before as string } : {}), label: `${side} (handover)` });
        plans.push({ how: 'clients', label: side });
      }
    const load0 = load();
    const loads: string[] = [];
    const storms = await measureStorms({ clients, workers: 2, plans, timeoutMs: 60_000, log: ctx.log, onStorm: () => loads.push(load()) });
    const main = storms.map((st, i) => ({ st, load: loads[i] ?? '' })).filter((r) => r.st.label === 'main');
    const people = clients.toLocaleString('en-US');
    const perRun = main.map(({ st, load: l }, i) => [STORM_NAME[st.how], Math.floor(i / 3) + 1, `${st.resumed}/${st.clients}`, ms(st.p50), ms(st.p99), ms(st.max), st.hubDownMs ?? '-', st.hubCpuMs, st.clientsCpuMs, st.patches, st.snapshots, l]);
    const summary = (['clients', 'bare', 'restart'] as const).map((how) => {
      const mine = main.filter(({ st }) => st.how === how).map((r) => r.st);
      const h = new Histogram();
      for (const st of mine) h.merge(st.times);
      const worst = Math.max(0, ...mine.map((st) => st.p99));
      const all = mine.every((st) => st.resumed === st.clients);
      return [STORM_NAME[how], mine.length, mine.map((st) => ms(st.p99)).join(', '), ms(worst), ms(h.quantile(0.5)), ms(h.quantile(0.99)), AIM_MS[how], all && worst <= AIM_MS[how] ? 'yes' : 'no'];
    });
    for (const row of summary) ctx.log(`${row[0]}: p99 per run ${row[2]} ms (aim ${row[6]} ms: ${row[7]})`);
    const tables = [
      {
        title: `Reconnect storms, ${people} audience clients: every socket cut, and a hub restart (five runs each)`,
        columns: ['storm', 'runs', 'p99 of each run ms', 'worst p99 ms', 'pooled p50 ms', 'pooled p99 ms', 'aim: p99 at most ms', 'every run within aim'],
        rows: summary,
        notes: [
          `One audience of ${people} clients (2 worker threads of the benchmark process) holds the audience view throughout; the runs alternate: the clients terminate every socket at once, then the hub is stopped gracefully (SIGTERM: 1001 to every socket) and a new process starts from the build (\`node src/main/launch.cjs hub\`, out/node/hub.js; \`npm run build\` first) on the same port and data folder.`,
          'Time to resume: from the cut until the client applies a sync frame at or after the serial current at the cut, on a connection opened after the cut (hello with its token, then `sub` with since+epoch: a patch). p50/p99 from a histogram of every client\'s time in that run.',
          `bare ws, the floor of a cut storm in the same run: ${people} clients of a bare \`ws\` server (bench/lib/bare-ws-server.ts, its own process), in the same 2 worker threads, cut every socket between the hub's storms and reconnect on the same policy; each is resumed when the second of its two round trips is answered (hello, then sub, each answered with one frame the size of the hub's answer), with no token, state, validation or log behind them. What a Node \`ws\` server pays for the TCP accept, the upgrade and two small exchanges; the aim is the hub's.`,
          'Reconnects follow the shared client (src/shared/client/backoff.ts `retryDelay`, what Connection does): after a cut (1006) full jitter from 500 ms; after the 1001 within 1 s, and for 15 s after it failed attempts (the hub not listening yet) retry within 1 s too, rather than the 2-8 s backoff that made issue 18\'s restart p99 5.5-17.7 s.',
          `Hub, clients and this runner share the machine's 2 cores with whatever else runs (load average ${load0} at the start, ${load()} at the end; each run's below). Run as \`${process.env.STAGECALL_BENCH_STORM_CLIENTS ? `STAGECALL_BENCH_STORM_CLIENTS=${clients} ` : ''}${before ? 'STAGECALL_BENCH_STORM_BEFORE=<worktree at 1589e25~1> ' : ''}npm run bench -- storm${ctx.quick ? ' --quick' : ''}\`.`,
        ],
      },
      {
        title: 'Each storm',
        columns: ['storm', 'run', 'resumed', 'p50 ms', 'p99 ms', 'max ms', 'hub down ms', 'hub CPU ms', 'clients CPU ms', 'patches applied', 'snapshots', 'load average after'],
        rows: perRun,
        notes: [
          "Hub CPU ms: the hub process over the storm (for bare ws: the bare server's); after a restart, the new process's whole CPU time until every client resumed (start-up and log replay included). Clients CPU ms: the benchmark process (the 2 client workers) over the storm. Hub down: SIGTERM to the new process's ready line.",
        ],
      },
    ];
    if (rounds) {
      const side = (label: string): StormRow[] => storms.filter((st) => st.label === label);
      const b = side('before');
      const a = side('after');
      const rows = b.map((sb, i) => {
        const sa = a[i] as StormRow;
        return [i + 1, sb.hubCpuMs, sa.hubCpuMs, `${(sa.hubCpuMs / sb.hubCpuMs).toFixed(2)}x`, `${ms(sb.p99)} / ${ms(sa.p99)}`, `${sb.resumed}/${sb.clients} / ${sa.resumed}/${sa.clients}`];
      });
      const ratio = median(a.map((s) => s.hubCpuMs)) / median(b.map((s) => s.hubCpuMs));
      rows.push(['median', median(b.map((s) => s.hubCpuMs)), median(a.map((s) => s.hubCpuMs)), `${ratio.toFixed(2)}x`, `${ms(median(b.map((s) => s.p99)))} / ${ms(median(a.map((s) => s.p99)))}`, '']);
      ctx.log(`hub CPU per ${people}-client cut storm: before ${median(b.map((s) => s.hubCpuMs))} ms, after ${median(a.map((s) => s.hubCpuMs))} ms (${ratio.toFixed(2)}x)`);
      tables.push({
        title: `Issue 15: the hub's CPU in the ${people}-client reconnect storm, before 1589e25 vs now`,
        columns: ['round', 'hub CPU ms before', 'hub CPU ms after', 'after/before', 'p99 ms before / after', 'resumed before / after'],
        rows,
        notes: [
          'Before: the hub of a worktree at 1589e25~1 (`git worktree add <dir> 1589e25~1`, node_modules linked), i.e. before sync frames were serialised once per (base, target) for answers too; after: this checkout\'s hub with every later change (the hello token cache, corked writes, presence that waits for the count to settle). Both run from TypeScript through tsx (the earlier commit predates the build), on the same data folder and port.',
          'Each round hands the same connected audience to the before hub (a graceful restart), lets it settle, cuts every socket and measures that hub\'s CPU until every client resumed; then the same with the after hub. Rounds alternate so load on the machine hits both alike.',
        ],
      });
    }
    return tables;
  },
};
