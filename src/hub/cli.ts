/**
 * `npm run hub -- --port 8787 --data ./data [--engine redis --redis redis://...]`;
 * `npm run hub -- verify|repair --data DIR` checks or repairs the embedded logs (log-doctor.ts).
 * Prints `Hub ready: <url>` once listening; SIGTERM/SIGINT shut down gracefully (P11);
 * SIGUSR2 or POST /v1/admin/drain drains the node (P31) and the process exits once drained.
 */
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { parseArgs } from '../shared/cli-args';
import { adminKeyProblem, loadOrCreateAdminKey } from './auth';
import { createEngine } from './engine/create-engine';
import { DEFAULT_SNAPSHOTS, type SnapshotPolicy } from './engine/engine';
import { parseHostPorts, type HostPort } from './engine/redis/host-port';
import { startHub } from './hub';
import { parsePublicUrls } from './public-urls';
import { runLogDoctor } from './log-doctor';

const spec = {
  port: { kind: 'number', default: 8787 },
  host: { kind: 'string', default: '127.0.0.1' },
  data: { kind: 'string', default: './data' },
  'admin-key': { kind: 'string' },
  engine: { kind: 'string', default: 'embedded' },
  redis: { kind: 'string', default: 'redis://127.0.0.1:6379' },
  'redis-sentinels': { kind: 'list' },
  'redis-master-name': { kind: 'string' },
  'redis-min-replicas': { kind: 'number' },
  node: { kind: 'string' },
  'sync-hz': { kind: 'number' },
  capacity: { kind: 'number' },
  'join-rate': { kind: 'number' },
  'max-connections-per-address': { kind: 'number' },
  'drain-seconds': { kind: 'number', default: 10 },
  'queue-budget-mb': { kind: 'number', default: 256 },
  'public-url': { kind: 'list' },
  'idle-unload-seconds': { kind: 'number', default: 300 },
  'token-cache-size': { kind: 'number' },
  'snapshot-every': { kind: 'number', default: 50_000 },
  help: { kind: 'boolean' },
} as const;

const USAGE = `usage: npm run hub -- [--port 8787] [--host 127.0.0.1] [--data ./data] [--admin-key KEY]
                      [--engine embedded|redis] [--redis redis://127.0.0.1:6379] [--node NAME]
                      [--redis-sentinels host:port,host:port --redis-master-name NAME] [--redis-min-replicas 1]
                      [--sync-hz 10] [--capacity 5000] [--join-rate 50] [--drain-seconds 10]
                      [--max-connections-per-address CAPACITY (0: none)]
                      [--queue-budget-mb 256] [--public-url https://hub-a.example --public-url https://hub-b.example]
                      [--idle-unload-seconds 300] [--token-cache-size 20000] [--snapshot-every 50000]
       npm run hub -- verify --data DIR   report every damaged event and line (exit 1 if any)
       npm run hub -- repair --data DIR   keep each damaged log's valid prefix, move the rest aside, new epoch
every flag also reads STAGECALL_<FLAG> (STAGECALL_PORT, STAGECALL_DATA, STAGECALL_ADMIN_KEY, ...)`;

/**
 * pino-pretty is a development convenience (devDependencies): at a terminal, when installed, it
 * formats in this process (a transport would need a worker file, which the bundled hub has not);
 * otherwise, and always in production, JSON lines on stderr.
 */
function logDestination(): pino.DestinationStream {
  if (process.stdout.isTTY) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional, resolved at run time only
      const pretty = require('pino-pretty') as (o: { destination: number; sync: boolean }) => pino.DestinationStream;
      return pretty({ destination: 2, sync: true });
    } catch {
      // not installed: JSON lines
    }
  }
  return pino.destination(2);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const command = argv[0] === 'verify' || argv[0] === 'repair' ? argv[0] : null;
  const parsed = parseArgs(spec, command ? argv.slice(1) : argv, process.env);
  if (!parsed.ok) {
    console.error(`stagecall hub: ${parsed.error}\n${USAGE}`);
    process.exit(2);
  }
  const a = parsed.args;
  if (a.help) {
    console.log(USAGE);
    return;
  }
  if (command) {
    process.exitCode = await runLogDoctor(command, path.resolve(a.data ?? './data'));
    return;
  }
  if (a.engine !== 'embedded' && a.engine !== 'redis') {
    console.error(`stagecall hub: --engine must be embedded or redis, got "${a.engine}"`);
    process.exit(2);
  }
  let sentinels: HostPort[] = [];
  try {
    sentinels = parseHostPorts(a['redis-sentinels'].flatMap((s) => s.split(',')).filter((s) => s.trim()));
  } catch (err) {
    console.error(`stagecall hub: --redis-sentinels: ${(err as Error).message}`);
    process.exit(2);
  }
  if (sentinels.length > 0 && !a['redis-master-name']) {
    console.error('stagecall hub: --redis-sentinels needs --redis-master-name (the name the Sentinels monitor)');
    process.exit(2);
  }
  const minReplicas = a['redis-min-replicas'];
  if (minReplicas !== undefined && !(Number.isInteger(minReplicas) && minReplicas >= 0)) {
    console.error('stagecall hub: --redis-min-replicas must be a whole number, 0 or more');
    process.exit(2);
  }
  let publicUrls: string[] = [];
  try {
    publicUrls = parsePublicUrls(a['public-url'].flatMap((s) => s.split(',')).filter((s) => s.trim()));
  } catch (err) {
    console.error(`stagecall hub: --public-url: ${(err as Error).message}`);
    process.exit(2);
  }
  const logger = pino({ level: process.env.STAGECALL_LOG_LEVEL ?? 'info' }, logDestination());
  const dataDir = path.resolve(a.data ?? './data');
  const node = a.node ?? `${os.hostname().split('.')[0]}-${process.pid}`;
  const admin = loadOrCreateAdminKey(dataDir, a['admin-key']);
  const weak = adminKeyProblem(admin.key);
  if (weak) {
    console.error(`stagecall hub: ${weak}`);
    process.exit(2);
  }
  if (admin.createdAt) console.log(`Admin key (created, stored in ${admin.createdAt}, shown once): ${admin.key}`);
  const idleUnloadSeconds = a['idle-unload-seconds'] ?? 300;
  if (!(idleUnloadSeconds > 0)) {
    console.error('stagecall hub: --idle-unload-seconds must be more than 0');
    process.exit(2);
  }
  const idleUnloadMs = idleUnloadSeconds * 1000;
  const tokenCacheSize = a['token-cache-size'];
  if (tokenCacheSize !== undefined && !(Number.isInteger(tokenCacheSize) && tokenCacheSize >= 0)) {
    console.error('stagecall hub: --token-cache-size must be a whole number, 0 or more (0: verify every hello)');
    process.exit(2);
  }
  const snapshotEvery = a['snapshot-every'] ?? 50_000;
  if (!(Number.isSafeInteger(snapshotEvery) && snapshotEvery > 0)) {
    console.error('stagecall hub: --snapshot-every must be a whole number of entries, more than 0');
    process.exit(2);
  }
  // Issue 18: snapshots every N entries, or every minute once min(N, 1,000) arrived.
  const snapshots: SnapshotPolicy = { ...DEFAULT_SNAPSHOTS, everyEntries: snapshotEvery, minEntries: Math.min(snapshotEvery, DEFAULT_SNAPSHOTS.minEntries) };
  const engine = await createEngine(
    a.engine === 'redis'
      ? {
          kind: 'redis',
          url: a.redis ?? '',
          node,
          dataDir,
          ...(sentinels.length ? { sentinels, masterName: a['redis-master-name'] ?? '' } : {}),
          ...(minReplicas !== undefined ? { minReplicas } : {}),
        }
      : { kind: 'embedded', dataDir, node, idleUnloadMs, snapshots, notice: (eventId, message) => logger.warn({ eventId }, message) },
  );
  await engine.open();
  let stop = (_why: string): void => undefined;
  const hub = await startHub({
    engine,
    adminKey: admin.key,
    port: a.port,
    host: a.host,
    node,
    logger,
    ...(a['sync-hz'] ? { syncHz: a['sync-hz'] } : {}),
    ...(a.capacity ? { capacity: a.capacity } : {}),
    ...(a['join-rate'] ? { joinRatePerSec: a['join-rate'] } : {}),
    ...(a['max-connections-per-address'] !== undefined ? { maxConnectionsPerAddress: a['max-connections-per-address'] } : {}),
    drainSeconds: a['drain-seconds'] ?? 10,
    queueBudgetBytes: (a['queue-budget-mb'] ?? 256) * 1024 * 1024,
    idleUnloadMs,
    ...(tokenCacheSize !== undefined ? { tokenCacheSize } : {}),
    snapshots,
    onDrained: () => stop('drained'),
    publicUrls,
  });
  let stopping = false;
  stop = (why: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ why }, 'shutting down');
    hub
      .close()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  // Handlers first: a supervisor may send SIGTERM the moment it reads the ready line.
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // SIGUSR2 is not delivered on Windows; there POST /v1/admin/drain does the same.
  if (process.platform !== 'win32') process.on('SIGUSR2', () => void hub.drain());
  console.log(`Hub ready: ${hub.url}`);
  logger.info({ url: hub.url, node, engine: engine.kind, dataDir }, 'hub ready');
}

main().catch((err: unknown) => {
  console.error(`stagecall hub: failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
