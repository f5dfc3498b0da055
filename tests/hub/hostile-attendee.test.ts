/**
 * A hostile attendee against the real hub process (docs/security.md "Input that anyone can
 * send"): frames that are valid JSON and pass every schema but abuse the protocol's limits.
 * Each case fails on a hub without the defence it names.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryStats, HubFrame } from '../../src/shared/protocol';
import { createEvent, joinAudience, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';

const hubs: HubProcess[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const h of hubs.splice(0)) await h.kill();
});

type Stats = Extract<HubFrame, { t: 'stats' }> & { delivery: { audience: DeliveryStats } };
const isStats = (f: HubFrame): f is Stats => f.t === 'stats' && f.delivery !== undefined;

const metric = async (hubUrl: string, name: string): Promise<number> => {
  const text = await (await fetch(`${hubUrl}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN);
};

describe('hostile attendee (embedded hub process)', () => {
  it('P27 `at` faster than once a second per view: the excess is dropped and counted (note 53)', async () => {
    const hub = await startHubProcess();
    hubs.push(hub);
    const ev = await createEvent(hub.url, 'At flood');
    const host = await TestClient.connect(hub.url, (await staffToken(hub.url, ev.eventId)).token);
    clients.push(host);
    expect((await host.pub('c1', 'poll.create', { pollId: 'p1', question: 'Q?', kind: 'single', options: [{ id: 'y', label: 'Y' }, { id: 'n', label: 'N' }] })).t).toBe('ack');
    expect(await host.pub('o1', 'poll.open', { pollId: 'p1' })).toMatchObject({ t: 'ack', applied: true });

    const phone = await TestClient.connect(hub.url, (await joinAudience(hub.url, ev.joinCode)).token);
    clients.push(phone);
    phone.send({ t: 'sub', view: 'audience' });
    const sync = (await phone.waitFor((f) => f.t === 'sync')) as Extract<HubFrame, { t: 'sync' }>;
    // Two honest reports of the state it shows (a burst of two absorbs network jitter), then a
    // flood that claims it shows nothing: within the same second, all of it must be ignored.
    phone.send({ t: 'at', view: 'audience', serial: sync.serial });
    phone.send({ t: 'at', view: 'audience', serial: sync.serial });
    for (let i = 0; i < 10; i++) phone.send({ t: 'at', view: 'audience', serial: 0 });
    phone.send({ t: 'ping', id: 1, ts: 1 });
    await phone.waitFor((f) => f.t === 'pong'); // frames are handled in order: the flood is in
    expect(phone.frames.filter((f) => f.t === 'error')).toEqual([]); // `at` has no answer (P27), not even a refusal
    expect(await metric(hub.url, 'stagecall_at_reports_dropped_total')).toBe(10);

    const mark = host.frames.length;
    host.send({ t: 'sub', view: 'stats' });
    const st = (await host.waitFor((f) => isStats(f) && f.delivery.audience.reported === 1, { from: mark })) as Stats;
    expect(st.delivery.audience).toMatchObject({ subscribers: 1, reported: 1, atCurrent: 1, cues: { p1: 1 } });
    expect(phone.closed).toBeNull();
  });
});
