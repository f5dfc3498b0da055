/**
 * `npm run capacity -- --audience 200000 [--sync-hz 10] [--votes-per-s 5000]`: the nodes, cores,
 * memory, Redis operations and bandwidth an event needs, from the unit costs
 * `npm run bench -- capacity` measured on this machine (bench/results/capacity-costs.json).
 * The model: bench/lib/capacity-model.ts and docs/capacity.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseArgs } from '../src/shared/cli-args';
import { COSTS_FILE_NAME, DEFAULT_LIMITS, plan, type CapacityCosts, type Plan, type Workload } from './lib/capacity-model';

const spec = {
  audience: { kind: 'number' },
  'sync-hz': { kind: 'number', default: 10 },
  'votes-per-s': { kind: 'number', default: 0 },
  'view-changes-per-s': { kind: 'number' },
  'target-cpu': { kind: 'number', default: DEFAULT_LIMITS.targetCpu },
  'max-rss-mb': { kind: 'number', default: DEFAULT_LIMITS.maxRssMB },
  costs: { kind: 'string', default: path.join(__dirname, 'results', COSTS_FILE_NAME) },
  help: { kind: 'boolean' },
} as const;

const USAGE = `usage: npm run capacity -- --audience N [--sync-hz 10] [--votes-per-s 0] [--view-changes-per-s SYNC_HZ]
                           [--target-cpu ${DEFAULT_LIMITS.targetCpu}] [--max-rss-mb ${DEFAULT_LIMITS.maxRssMB}] [--costs bench/results/${COSTS_FILE_NAME}]`;

const finite = z.number().finite().nonnegative();
const costsSchema = z.object({
  measuredAt: z.string(),
  machine: z.string(),
  quick: z.boolean(),
  connections: z.number().int().positive(),
  hubBaseUsPerSec: finite,
  usPerConnSec: z.number().finite(),
  usPerFrame: finite,
  usPerPub: finite,
  usPerRemoteEntry: finite,
  rssBaseMB: finite,
  rssKBPerConn: finite,
  bytesPerFrame: finite,
  bytesPerPubIn: finite,
  bytesPerPubOut: finite,
  redisOpsPerNodeSec: finite,
  redisOpsPerNodePeerSec: finite,
  redisOpsPerEntry: finite,
  redisOpsPerBatch: finite,
  redisOpsPerTailRead: finite,
  appendWindowMs: finite,
  votesPhaseAppendWindowMs: finite.optional(),
  measuredBatchingAt: z.string().optional(),
  tailReadWindowMs: finite,
  measuredEntriesPerBatch: finite,
  measuredBatchesPerSec: finite,
  redisUsPerPub: finite,
  measuredVotesPerSec: finite,
  measuredFramesPerSec: finite,
}) satisfies z.ZodType<CapacityCosts>;

const fail = (message: string): never => {
  console.error(`stagecall capacity: ${message}\n${USAGE}`);
  process.exit(2);
};

function loadCosts(file: string): CapacityCosts {
  if (!fs.existsSync(file)) return fail(`no measured costs at ${file}: run \`npm run bench -- capacity\` first`);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    return fail(`${file} is not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const r = costsSchema.safeParse(json);
  if (!r.success) return fail(`${file} is not a costs file: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const mb = (n: number): string => (n >= 1024 ? `${(n / 1024).toFixed(1)} GB` : `${Math.round(n)} MB`);

export function render(w: Workload, p: Plan, c: CapacityCosts, costsFile: string): string {
  const lines = [
    `Stagecall capacity for ${int(w.audience)} attendees, sync ${w.syncHz} Hz, ${int(w.votesPerSec)} votes/s${w.viewChangesPerSec !== undefined ? `, view changes ${w.viewChangesPerSec}/s` : ''}`,
    `(costs measured ${c.measuredAt.slice(0, 10)} at ${int(c.connections)} phones on ${c.machine}; ${path.relative(process.cwd(), costsFile) || costsFile})`,
    '',
  ];
  if (p.nodes === null) return [...lines, ...p.warnings.map((x) => `  cannot plan: ${x}`)].join('\n');
  lines.push(
    `  hub nodes      ${int(p.nodes)}  (${p.limitedBy === 'cpu' ? 'CPU' : 'memory'}-bound: ${int(p.connectionsPerNode)} connections each, ${(p.cpuPerNode * 100).toFixed(0)}% of a core; start each with --capacity ${Math.round(p.capacityFlag)})`,
    `  cores          ${int(p.hubCores + Math.max(1, Math.ceil(p.redisCores)))}  (${int(p.hubCores)} for the hubs, one per node process; ${Math.max(1, Math.ceil(p.redisCores))} for the Redis primary at ${(p.redisCpu * 100).toFixed(0)}% of a core; replicas, Sentinels and the balancer's TLS not included)`,
    `  memory         ${mb(p.memoryTotalMB)}  (${mb(p.rssPerNodeMB)} RSS per node; Redis holds the log besides)`,
    `  Redis          ${int(p.redisOpsPerSec)} operations/s  ${w.votesPerSec > 0 ? `(${int(p.redisBatchesPerSec)} append batches/s of ${(w.votesPerSec / p.redisBatchesPerSec).toFixed(1)} entries)` : '(at rest: presence, safety-net reads)'}`,
    `  network        ${p.egressMbps.toFixed(p.egressMbps < 10 ? 1 : 0)} Mbit/s out to phones (${p.egressMbpsPerNode.toFixed(1)} per node), ${p.ingressMbps.toFixed(1)} Mbit/s in`,
    `  sync frames    ${int(p.framesPerSec)}/s delivered`,
  );
  for (const x of p.warnings) lines.push(`  note: ${x}`);
  return lines.join('\n');
}

function main(): void {
  const parsed = parseArgs(spec, process.argv.slice(2), process.env);
  if (!parsed.ok) return fail(parsed.error);
  const a = parsed.args;
  if (a.help) {
    console.log(USAGE);
    return;
  }
  if (a.audience === undefined || !(a.audience >= 1)) return fail('--audience must be a number of attendees, 1 or more');
  const syncHz = a['sync-hz'] ?? 10;
  if (!(syncHz > 0 && syncHz <= 60)) return fail('--sync-hz must be between 0 and 60');
  const votes = a['votes-per-s'] ?? 0;
  if (!(votes >= 0)) return fail('--votes-per-s must be 0 or more');
  const changes = a['view-changes-per-s'];
  if (changes !== undefined && !(changes >= 0)) return fail('--view-changes-per-s must be 0 or more');
  const targetCpu = a['target-cpu'] ?? DEFAULT_LIMITS.targetCpu;
  if (!(targetCpu > 0 && targetCpu <= 1)) return fail('--target-cpu must be in (0, 1]');
  const maxRssMB = a['max-rss-mb'] ?? DEFAULT_LIMITS.maxRssMB;
  if (!(maxRssMB > 0)) return fail('--max-rss-mb must be positive');
  const file = a.costs ?? '';
  const costs = loadCosts(file);
  const w: Workload = { audience: a.audience, syncHz, votesPerSec: votes, ...(changes !== undefined ? { viewChangesPerSec: changes } : {}) };
  const p = plan(costs, w, { targetCpu, maxRssMB });
  console.log(render(w, p, costs, file));
  if (p.nodes === null) process.exit(1);
}

main();
