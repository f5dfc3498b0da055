/**
 * An A/B of the hub's fold path between two trees in one process (issue 18.4): the same
 * 1,000,000 vote.cast entries folded by this tree's domain code and by another checkout's, in
 * alternating rounds, as bench/reducers.ts's "hub" row folds them (one BatchFold across engine
 * pages of 1,000, published every CHECKPOINT_EVERY entries). Prints each round's vote.cast per
 * CPU-second of this process and the ratio of medians; single runs swing 20%+ on a shared box.
 *   npx tsx bench/lib/reducer-ab.ts --base /other/checkout [--rounds 6] [--clients 20000]
 * The base checkout needs its node_modules (e.g. `git worktree add /tmp/base <commit>`, then
 * `cp -al node_modules /tmp/base/`). Run it under the bench lock.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CHECKPOINT_EVERY } from '../../src/hub/recent-states';
import { ballotPool, clientIds, createPolls, Log, rng } from './vote-log';
import type * as DomainModule from '../../src/shared/domain';
import type { LogEntry } from '../../src/shared/domain';

type Domain = Pick<typeof DomainModule, 'BatchFold' | 'initialState' | 'reduce' | 'audienceView'>;

/**
 * Both trees are loaded the same way (a dynamic import of the file): a statically imported tree
 * folded 1.19x faster than the very same code imported dynamically (an A/A run), which would
 * bias any A/B between them.
 */
const loadDomain = async (root: string): Promise<Domain> => (await import(path.resolve(root, 'src/shared/domain/index.ts'))) as Domain;

const args = process.argv.slice(2);
const opt = (k: string, d: string): string => {
  const i = args.indexOf(`--${k}`);
  return i >= 0 ? (args[i + 1] ?? d) : d;
};
const TOTAL = 1_000_000;
const POLLS = 10;
const PAGE = 1_000;

/** CPU seconds of this process's fold: user + system, so GC threads count too. */
function foldRate(domain: Domain, entries: readonly LogEntry[]): { perCpuSecond: number; state: string } {
  const log = new Log();
  const start = createPolls(log, domain.initialState({ eventId: 'bench', title: 'Bench', createdAt: 0 }), POLLS, domain.reduce);
  const fold = new domain.BatchFold(start);
  let applied = 0;
  let since = 0;
  const t0 = process.cpuUsage();
  for (let i = 0; i < entries.length; ) {
    const page = entries.slice(i, i + Math.min(PAGE, CHECKPOINT_EVERY - since));
    fold.fold(page, (_e, reason) => {
      if (reason === null) applied++;
    });
    i += page.length;
    since += page.length;
    if (since >= CHECKPOINT_EVERY) {
      fold.publish();
      since = 0;
    }
  }
  const state = fold.publish();
  const used = process.cpuUsage(t0);
  if (applied !== entries.length) throw new Error(`only ${applied} of ${entries.length} votes applied`);
  return { perCpuSecond: entries.length / ((used.user + used.system) / 1e6), state: JSON.stringify(domain.audienceView(state)) };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;

async function main(): Promise<void> {
  const base = opt('base', '');
  if (!base) throw new Error('--base /other/checkout is required');
  const baseDomain = await loadDomain(base);
  const here = await loadDomain(path.resolve(__dirname, '..', '..'));
  const rounds = Number(opt('rounds', '6'));
  const clients = clientIds(Number(opt('clients', '20000')));
  // Serials after the polls' creation and opening, as in bench/reducers.ts.
  const log = new Log();
  log.serial = 2 * POLLS;
  const pool = ballotPool(POLLS);
  const r = rng(42);
  const entries: LogEntry[] = [];
  for (let i = 0; i < TOTAL; i++) {
    const choices = pool[r(POLLS)] as unknown[];
    entries.push(log.entry('vote.cast', choices[r(choices.length)], clients[r(clients.length)] as string, 'audience', null));
  }
  const rates = { base: [] as number[], here: [] as number[] };
  const views = new Set<string>();
  for (let k = 0; k < rounds; k++) {
    const order: Array<['base' | 'here', Domain]> = k % 2 ? [['here', here], ['base', baseDomain]] : [['base', baseDomain], ['here', here]];
    for (const [name, domain] of order) {
      const { perCpuSecond, state } = foldRate(domain, entries);
      rates[name].push(perCpuSecond);
      views.add(state);
    }
  }
  // Both trees fold the same log into the same audience view (trie shapes may differ).
  if (views.size !== 1) throw new Error('the two trees folded different audience views');
  const fmt = (xs: number[]): string => xs.map((x) => `${Math.round(x / 1000)}k`).join(' ');
  console.log(`base (${base}): ${fmt(rates.base)}, median ${Math.round(median(rates.base)).toLocaleString('en-US')} vote.cast per CPU-second`);
  console.log(`this tree: ${fmt(rates.here)}, median ${Math.round(median(rates.here)).toLocaleString('en-US')}`);
  const load = fs.existsSync('/proc/loadavg') ? fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ') : '?';
  console.log(`this tree / base (medians): ${(median(rates.here) / median(rates.base)).toFixed(3)}x; load average ${load}`);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
