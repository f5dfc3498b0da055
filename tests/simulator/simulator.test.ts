/**
 * The load simulator against a real hub process: 200 lively attendees join (P6, through the
 * per-address join limit), subscribe, and vote on a poll a test host opened; the staff view's
 * ballots equal the voters the report counts. With drops on, attendees reconnect, resume with
 * since+epoch (P18) and resend unacked votes with their ids, and nothing is counted twice (P14).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PollView } from '../../src/shared/domain/types';
import { runSimulation } from '../../src/simulator';
import { createEvent, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';

let hub: HubProcess;

beforeAll(async () => {
  hub = await startHubProcess();
});
afterAll(async () => {
  await hub?.kill();
});

async function eventWithOpenPoll(title: string): Promise<{ host: TestClient; joinCode: string }> {
  const ev = await createEvent(hub.url, title);
  const host = await TestClient.connect(hub.url, (await staffToken(hub.url, ev.eventId)).token);
  const options = [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }, { id: 'c', label: 'C' }];
  expect((await host.pub('mk', 'poll.create', { pollId: 'p', question: 'Which?', kind: 'single', options })).t).toBe('ack');
  expect((await host.pub('op', 'poll.open', { pollId: 'p' })).t).toBe('ack');
  host.send({ t: 'sub', view: 'staff' });
  await host.until(() => host.views.staff);
  return { host, joinCode: ev.joinCode };
}

/** Waits until the host's staff view shows `n` ballots on poll p (it trails the last ack by a sync tick). */
const staffBallots = (host: TestClient, n: number): Promise<number> =>
  host
    .until(() => {
      const b = (host.views.staff?.doc as { polls: Record<string, PollView> } | undefined)?.polls.p?.ballots;
      return b === n ? b : undefined;
    }, 15_000, `staff ballots = ${n}`)
    .catch(() => (host.views.staff?.doc as { polls: Record<string, PollView> }).polls.p?.ballots ?? -1);

describe('simulator', () => {
  it('P6 P12 200 lively attendees all join and vote; the staff view counts exactly the voters the report counts', async () => {
    const { host, joinCode } = await eventWithOpenPoll('Simulated');
    const report = await runSimulation({ hubs: [hub.url], code: joinCode, audience: 200, profile: 'lively', durationS: 10, workers: 2, seed: 7 });
    expect(report.joined).toBe(200);
    expect(report.joinFailures).toEqual({});
    expect(report.connectedPeak).toBe(200);
    expect(report.snapshots).toBeGreaterThanOrEqual(200);
    expect(report.patches).toBeGreaterThan(0);
    expect(report.pubs.acked).toBeGreaterThan(0);
    expect(report.pubs.unsettled).toBe(0);
    expect(report.nacks).toEqual({});
    expect(report.errors).toEqual({});
    expect(report.ackMs.count).toBe(report.pubs.acked);
    const voters = report.ballots.byPoll.p ?? 0;
    // Lively: 90% vote, log-normal 1-15 s after seeing the poll (median 4 s); 10 s is enough for most.
    expect(voters).toBeGreaterThan(100);
    expect(voters).toBeLessThanOrEqual(200);
    expect(await staffBallots(host, voters)).toBe(voters);
    host.close();
  });

  it('P26 P27 every attendee checks the hash of what it shows (no divergence) and reports it: staff stats delivery counts them all', async () => {
    const { host, joinCode } = await eventWithOpenPoll('Delivery');
    host.send({ t: 'sub', view: 'stats' });
    const report = await runSimulation({ hubs: [hub.url], code: joinCode, audience: 100, profile: 'lively', durationS: 5, workers: 1, seed: 3 });
    host.close();
    expect(report.joined).toBe(100);
    expect(report.patches).toBeGreaterThan(0); // votes changed the view: patches were applied and checked
    expect(report.divergences).toBe(0);
    expect(report.delivery.atSent).toBeGreaterThanOrEqual(100);
    // While the run lasted, the hub heard from every simulated phone (P27: one `at` a second at most).
    const delivery = host.frames.flatMap((f) => (f.t === 'stats' && f.delivery ? [f.delivery.audience] : []));
    const best = delivery.reduce((m, d) => (d.reported > m.reported ? d : m), { reported: 0, subscribers: 0 });
    expect(best.reported).toBe(100);
    expect(best.subscribers).toBe(100);
    // The open poll's reach: every phone reported a serial at or after the one that opened it.
    expect(Math.max(...delivery.map((d) => d.cues.p ?? 0))).toBe(100);
  });

  it('P14 P18 with drops, attendees reconnect and resume, and no ballot is counted twice', async () => {
    const { host, joinCode } = await eventWithOpenPoll('Simulated with drops');
    // 6 drops per attendee per minute: each attendee loses its socket about once in the 10 s.
    const report = await runSimulation({ hubs: [hub.url], code: joinCode, audience: 200, profile: 'lively', durationS: 10, workers: 2, dropRate: 6, seed: 11 });
    expect(report.joined).toBe(200);
    expect(report.drops).toBeGreaterThan(50);
    expect(report.reconnects).toBeGreaterThan(50);
    expect(report.closes['1006']).toBeGreaterThan(0); // the simulated network loss, no close handshake
    // Resumed with since+epoch: patches from the held serial, not a snapshot per reconnect.
    expect(report.snapshots).toBeLessThan(200 + report.reconnects / 2);
    expect(report.pubs.unsettled).toBe(0);
    expect(report.errors).toEqual({});
    const voters = report.ballots.byPoll.p ?? 0;
    expect(voters).toBeGreaterThan(100);
    expect(voters).toBeLessThanOrEqual(200);
    expect(await staffBallots(host, voters)).toBe(voters);
    host.close();
  });

  it('issue 14: a second run against the same event (same seed) loses nothing to duplicate_id; its question ids are new', async () => {
    const { host, joinCode } = await eventWithOpenPoll('Rerun');
    const opts = { hubs: [hub.url], code: joinCode, audience: 60, profile: 'storm' as const, durationS: 8, workers: 1, seed: 5 };
    const first = await runSimulation(opts);
    const second = await runSimulation(opts);
    host.close();
    expect(first.pubs.applied).toBeGreaterThan(0);
    expect(first.notApplied.duplicate_id ?? 0).toBe(0);
    expect(second.notApplied.duplicate_id ?? 0).toBe(0);
    expect(second.pubs.applied).toBeGreaterThan(0);
  }, 120_000);
});
