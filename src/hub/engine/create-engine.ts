/** Picks the engine by name (DESIGN.md: embedded by default, Redis for clustered mode). */
import type { Engine, SnapshotPolicy } from './engine';
import type { HostPort } from './redis/host-port';

export interface RedisChoice {
  kind: 'redis';
  node: string;
  dataDir: string;
  /** One Redis; ignored when `sentinels` is given. */
  url: string;
  /** Redis Sentinel: the master is found (and followed through failovers) through these. */
  sentinels?: HostPort[];
  masterName?: string;
  /** Replicas that must confirm an append before its ack (default 1 with Sentinel, else 0). */
  minReplicas?: number;
}

export interface EmbeddedChoice {
  kind: 'embedded';
  dataDir: string;
  node: string;
  idleUnloadMs?: number;
  /** Issue 18: when each log writes its index snapshot. */
  snapshots?: SnapshotPolicy;
  notice?: (eventId: string, message: string) => void;
}

export type EngineChoice = EmbeddedChoice | RedisChoice;

export async function createEngine(choice: EngineChoice): Promise<Engine> {
  if (choice.kind === 'embedded') {
    const { EmbeddedEngine } = await import('./embedded');
    return new EmbeddedEngine({
      dataDir: choice.dataDir,
      node: choice.node,
      ...(choice.idleUnloadMs ? { idleUnloadMs: choice.idleUnloadMs } : {}),
      ...(choice.snapshots ? { snapshots: choice.snapshots } : {}),
      ...(choice.notice ? { notice: choice.notice } : {}),
    });
  }
  const { RedisEngine } = await import('./redis');
  const where = choice.sentinels?.length ? { sentinel: { sentinels: choice.sentinels, masterName: choice.masterName ?? 'stagecall' } } : { url: choice.url };
  return new RedisEngine({ ...where, node: choice.node, ...(choice.minReplicas !== undefined ? { minReplicas: choice.minReplicas } : {}) });
}
