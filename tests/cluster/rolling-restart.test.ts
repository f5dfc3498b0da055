/**
 * Issue 17: a rolling restart of a 3-node cluster under load loses and doubles nothing. Real
 * Redis, real hub processes, 300 phones holding the three URLs and the real console core posting
 * chat; each node is drained (P31) and started again in turn (tests/helpers/rolling-restart.ts).
 * The p99 time a phone spends without a connection is printed; `npm run bench -- rolling` runs
 * the same with 1,000 phones (docs/benchmarks.md).
 */
import { describe, expect, it } from 'vitest';
import { hasRedis, redisSkipReason } from '../helpers/redis-server';
import { runRollingRestart } from '../helpers/rolling-restart';

if (!hasRedis) console.warn(`tests/cluster/rolling-restart.test.ts: ${redisSkipReason}`);

describe.skipIf(!hasRedis)('rolling restart', () => {
  it('P31 P14: three nodes drained and restarted in turn under 300 phones and a console: no action lost or doubled, every phone back', { timeout: 150_000 }, async () => {
    const f = await runRollingRestart({ phones: 300, drainSeconds: 2, voteEveryMs: 2_000, chatPerSec: 5 });
    console.log(
      `rolling restart, ${f.phones} phones: ${f.votesSent} votes, ${f.consoleActions} console actions, ${f.dupAcks} dup acks; ` +
        `time without a connection p50/p99/max ${f.gaps.quantile(0.5).toFixed(0)}/${f.gaps.quantile(0.99).toFixed(0)}/${f.gaps.max.toFixed(0)} ms over ${f.gaps.count} moves; ` +
        `per phone in all p99 ${f.offlinePerPhone.quantile(0.99).toFixed(0)} ms; roll ${f.rollS.toFixed(1)} s (${f.restarts.map((r) => `${r.node} drain ${(r.drainMs / 1000).toFixed(1)} s + restart ${(r.restartMs / 1000).toFixed(1)} s`).join(', ')})`,
    );
    expect(f.lost, 'actions lost').toEqual([]);
    expect(f.doubled, 'actions in the log twice').toEqual([]);
    expect(f.misacked, 'acks naming another entry').toEqual([]);
    expect(f.nacked).toBe(0);
    expect(f.consoleInOrder, "the console's actions in the order queued").toBe(true);
    expect(f.consoleActions).toBeGreaterThan(20);
    expect(f.votesSent).toBeGreaterThan(f.phones * 3);
    // Every node was drained, so every phone moved at least once, and came back to a full view.
    expect(f.phonesThatMoved).toBe(f.phones);
    expect(f.viewsEqual).toBe(f.phones);
    // P31: a phone closed with 1012 moves on to another node at once; none waits for its node to come back.
    expect(f.waitedForSameNode, 'phones whose next welcome came from the node that closed them').toBe(0);
  });
});
