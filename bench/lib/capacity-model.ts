/**
 * The capacity planner's model (docs/capacity.md): unit costs measured by
 * `npm run bench -- capacity` (bench/lib/capacity-costs.ts), multiplied by a workload. Pure.
 *
 * One hub node's CPU, in µs per second, with A connections, n nodes and V accepted pubs/s:
 *   base + (A/n)·perConnSec + (A/n)·framesPerConn·perFrame + (V/n)·perPub + V·(n-1)/n·perRemoteEntry
 * since each node serves its share of the sockets and takes its share of the pubs, but folds
 * every entry of the event (the ones other nodes appended cost perRemoteEntry each).
 *
 * Redis commands per second (src/hub/engine/redis, counted by INFO commandstats, script calls included):
 *   perEntry·V + perBatch·B + (n-1)·perTailRead·R + n·(perNodeSec + (n-1)·perNodePeerSec)
 * with B the append batches per second (a node flushes what arrived in one turn of its event loop:
 * entriesPerBatch = 1 + (V/n)·appendWindow, so one node never flushes more than 1/appendWindow batches
 * a second) and R the tail reads per second of each further node (one per wake-up, one PUBLISH per
 * batch; wake-ups during a read coalesce: R = B / (1 + B·tailReadWindow)).
 */

/** Where `npm run bench -- capacity` stores the costs, in bench/results. */
export const COSTS_FILE_NAME = 'capacity-costs.json';

export interface CapacityCosts {
  measuredAt: string;
  machine: string;
  quick: boolean;
  /** Phones connected while the costs were measured. */
  connections: number;
  /** A hub node with no audience, CPU µs per second. */
  hubBaseUsPerSec: number;
  /** One connected, idle phone (pings, presence), CPU µs per second. */
  usPerConnSec: number;
  /** One sync frame delivered to one subscriber (diff shared per view, the socket write per phone). */
  usPerFrame: number;
  /** One accepted pub on the node that took it: validate, append to Redis, fold, ack, self frame. */
  usPerPub: number;
  /** One entry another node appended: wake-up, stream read, fold. */
  usPerRemoteEntry: number;
  rssBaseMB: number;
  rssKBPerConn: number;
  /** Payload of one sync frame (a patch), bytes. */
  bytesPerFrame: number;
  /** Payload of one pub from a phone, bytes. */
  bytesPerPubIn: number;
  /** What one accepted pub sends back to its phone (ack, self frame), bytes. */
  bytesPerPubOut: number;
  /** Redis commands per second one node issues at rest (presence report and read, safety-net tail read). */
  redisOpsPerNodeSec: number;
  /** What each further node adds to every node's rest (READ_PRESENCE GETs one key per node, each second). */
  redisOpsPerNodePeerSec: number;
  /** Commands per appended entry (APPEND: HGET dedupe, XADD, HSET dedupe). */
  redisOpsPerEntry: number;
  /** Commands per append batch on the node that took it (EVALSHA, EXISTS, GETs, XLEN, SETs, PUBLISH; its own tail's reads when a direct hand-off missed). */
  redisOpsPerBatch: number;
  /** Commands per tail read of a further node (READ: EVALSHA, EXISTS, GET epoch, GET committed, XRANGE). */
  redisOpsPerTailRead: number;
  /**
   * The append loop's batching window, ms: entries per batch = 1 + (pubs/s on the node)·window/1000,
   * so a node flushes at most 1000/window batches a second. Measured on the cluster check (sync
   * fan-out and votes together); `votesPhaseAppendWindowMs` is the one node's with votes alone.
   */
  appendWindowMs: number;
  votesPhaseAppendWindowMs?: number;
  /** Where the stored batching was measured (nodes, pubs/s and frames/s per node). */
  measuredBatchingAt?: string;
  /** A further node's tail read round trip, ms: wake-ups that arrive meanwhile share the next read. */
  tailReadWindowMs: number;
  /** Batching as measured where appendWindowMs was: entries per batch, batches/s. */
  measuredEntriesPerBatch: number;
  measuredBatchesPerSec: number;
  /** redis-server CPU µs per accepted pub (with one node reading). */
  redisUsPerPub: number;
  /** The rates the costs were measured at (CPU per pub falls as batches grow). */
  measuredVotesPerSec: number;
  measuredFramesPerSec: number;
}

export interface Workload {
  /** Connected phones (and overlays, consoles: every subscriber of a view). */
  audience: number;
  syncHz: number;
  /** Accepted pubs per second across the event (votes, reactions, answers). */
  votesPerSec: number;
  /** How often the audience view changes; default syncHz (every tick: votes with results shown). */
  viewChangesPerSec?: number;
}

export interface PlanLimits {
  /** CPU share of one core a node may use (the HPA's target of stagecall_load_ratio). */
  targetCpu: number;
  /** RSS one node may reach, MB. */
  maxRssMB: number;
}

/** WebSocket header (4 B up to 64 KiB), TLS 1.3 record (22 B), TCP/IP with timestamps (52 B): one frame a segment. */
export const WIRE_OVERHEAD_BYTES = 78;

export const DEFAULT_LIMITS: PlanLimits = { targetCpu: 0.7, maxRssMB: 1024 };

export interface Plan {
  /** null: no number of nodes can take the workload (every node folds every entry). */
  nodes: number | null;
  limitedBy: 'cpu' | 'memory';
  connectionsPerNode: number;
  /** The hub's `--capacity` for this workload: connections at which a node's CPU would reach a whole core. */
  capacityFlag: number;
  framesPerSec: number;
  /** CPU share of one core per node at that node count. */
  cpuPerNode: number;
  hubCores: number;
  redisCores: number;
  /** The Redis primary's CPU, share of one core. */
  redisCpu: number;
  rssPerNodeMB: number;
  memoryTotalMB: number;
  redisOpsPerSec: number;
  /** Append batches per second across the cluster. */
  redisBatchesPerSec: number;
  egressMbps: number;
  egressMbpsPerNode: number;
  ingressMbps: number;
  warnings: string[];
}

const MAX_NODES = 100_000;

/** CPU µs per second of one node out of n. */
export function nodeCpuUs(c: CapacityCosts, w: Workload, n: number): number {
  const perConnFrames = Math.min(w.syncHz, w.viewChangesPerSec ?? w.syncHz);
  const conns = w.audience / n;
  return c.hubBaseUsPerSec + conns * c.usPerConnSec + conns * perConnFrames * c.usPerFrame + (w.votesPerSec / n) * c.usPerPub + ((w.votesPerSec * (n - 1)) / n) * c.usPerRemoteEntry;
}

export interface RedisOps {
  total: number;
  /** Append batches per second across the cluster, and entries in each. */
  batchesPerSec: number;
  entriesPerBatch: number;
  /** Tail reads per second of each further node. */
  tailReadsPerNode: number;
  perEntry: number;
  perBatch: number;
  tailReads: number;
  fixed: number;
}

/**
 * Redis commands per second with `votesPerSec` accepted pubs spread over `n` nodes (see the
 * header). `measuredBatchesPerSec`: the batching a run measured at that rate (the check), instead
 * of the append window's estimate.
 */
export function redisOps(c: CapacityCosts, votesPerSec: number, n: number, measuredBatchesPerSec?: number): RedisOps {
  const batchesPerSec = measuredBatchesPerSec ?? votesPerSec / (1 + (votesPerSec / n) * (c.appendWindowMs / 1000));
  const entriesPerBatch = batchesPerSec > 0 ? votesPerSec / batchesPerSec : 1;
  const tailReadsPerNode = batchesPerSec / (1 + batchesPerSec * (c.tailReadWindowMs / 1000));
  const perEntry = votesPerSec * c.redisOpsPerEntry;
  const perBatch = batchesPerSec * c.redisOpsPerBatch;
  const tailReads = (n - 1) * tailReadsPerNode * c.redisOpsPerTailRead;
  const fixed = n * (c.redisOpsPerNodeSec + (n - 1) * c.redisOpsPerNodePeerSec);
  return { total: perEntry + perBatch + tailReads + fixed, batchesPerSec, entriesPerBatch, tailReadsPerNode, perEntry, perBatch, tailReads, fixed };
}

/**
 * How far the predicted Redis commands/s may be from a measured cluster run and still count as a
 * match (`npm run bench -- capacity`, tests/capacity/capacity-plan.test.ts).
 */
export const REDIS_TOLERANCE = 0.25;

const rssMB = (c: CapacityCosts, conns: number): number => c.rssBaseMB + (conns * c.rssKBPerConn) / 1024;

export function plan(c: CapacityCosts, w: Workload, limits: PlanLimits = DEFAULT_LIMITS): Plan {
  const warnings: string[] = [];
  const budget = limits.targetCpu * 1e6;
  let nodes: number | null = null;
  let limitedBy: Plan['limitedBy'] = 'cpu';
  for (let n = 1; n <= MAX_NODES; n++) {
    const cpuOk = nodeCpuUs(c, w, n) <= budget;
    const memOk = rssMB(c, w.audience / n) <= limits.maxRssMB;
    if (cpuOk && memOk) {
      nodes = n;
      limitedBy = nodes > 1 && nodeCpuUs(c, w, n - 1) <= budget ? 'memory' : 'cpu';
      break;
    }
  }
  const floor = c.hubBaseUsPerSec + w.votesPerSec * c.usPerRemoteEntry;
  if (nodes === null)
    warnings.push(
      `no node count fits: every node folds every entry, and ${w.votesPerSec} entries/s cost each node ${((floor / 1e6) * 100).toFixed(0)}% of a core before it serves anyone; batch the input (reactions) or split the audience into events`,
    );
  const n = nodes ?? MAX_NODES;
  const perConnFrames = Math.min(w.syncHz, w.viewChangesPerSec ?? w.syncHz);
  const framesPerSec = w.audience * perConnFrames;
  const redisUs = w.votesPerSec * c.redisUsPerPub;
  const redisCores = redisUs / 1e6 / limits.targetCpu;
  if (redisUs / 1e6 > limits.targetCpu)
    warnings.push(`one event's appends need ${((redisUs / 1e6) * 100).toFixed(0)}% of a Redis core: an event lives in one hash slot, so one Redis shard serves it; this is past what one event can take`);
  if (w.votesPerSec / n > c.measuredVotesPerSec * 2)
    warnings.push(
      `per-pub CPU was measured at ${Math.round(c.measuredVotesPerSec)} pubs/s on one node; this asks ${Math.round(w.votesPerSec / n)}/s per node, where batches are larger and the CPU per pub lower`,
    );
  const egressBytes = framesPerSec * (c.bytesPerFrame + WIRE_OVERHEAD_BYTES) + w.votesPerSec * (c.bytesPerPubOut + 2 * WIRE_OVERHEAD_BYTES);
  const ingressBytes = w.votesPerSec * (c.bytesPerPubIn + WIRE_OVERHEAD_BYTES);
  const mbps = (bytes: number): number => (bytes * 8) / 1e6;
  return {
    nodes,
    limitedBy,
    connectionsPerNode: Math.ceil(w.audience / n),
    capacityFlag: Math.max(1, Math.floor((1e6 - (nodeCpuUs(c, w, n) - (w.audience / n) * (c.usPerConnSec + perConnFrames * c.usPerFrame))) / (c.usPerConnSec + perConnFrames * c.usPerFrame))),
    framesPerSec,
    cpuPerNode: nodeCpuUs(c, w, n) / 1e6,
    // One hub process runs its JavaScript on one core: one core per node.
    hubCores: n,
    redisCores,
    redisCpu: redisUs / 1e6,
    rssPerNodeMB: rssMB(c, w.audience / n),
    memoryTotalMB: n * rssMB(c, w.audience / n),
    redisOpsPerSec: redisOps(c, w.votesPerSec, n).total,
    redisBatchesPerSec: redisOps(c, w.votesPerSec, n).batchesPerSec,
    egressMbps: mbps(egressBytes),
    egressMbpsPerNode: mbps(egressBytes) / n,
    ingressMbps: mbps(ingressBytes),
    warnings,
  };
}
