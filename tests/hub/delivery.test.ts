/**
 * P27 against the real hub process: three phones run the shared client with `reportApplied`
 * (the `at` frames the audience app sends), one of them freezes (its socket stops being read, so
 * it neither applies nor reports anything new). The staff `stats` delivery then counts 2 of 3 at
 * the current serial and on the new cue, and the frozen phone's lag grows with hub time, frame
 * after frame; once it reads again it catches up and the count is 3 of 3.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryStats, HubFrame } from '../../src/shared/protocol';
import { createEvent, joinAudience, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { reportingPhone, type ReportingPhone } from '../helpers/reporting-phone';
import { TestClient } from '../helpers/test-client';

const hubs: HubProcess[] = [];
const phones: ReportingPhone[] = [];
const testClients: TestClient[] = [];
afterEach(async () => {
  for (const p of phones.splice(0)) p.client.close();
  for (const c of testClients.splice(0)) c.close();
  for (const h of hubs.splice(0)) await h.kill();
});

type Stats = Extract<HubFrame, { t: 'stats' }> & { delivery: { audience: DeliveryStats } };
const isStats = (f: HubFrame): f is Stats => f.t === 'stats' && f.delivery !== undefined;

const poll = (pollId: string) => ({ pollId, question: `${pollId}?`, kind: 'single', options: [{ id: 'y', label: 'Yes' }, { id: 'n', label: 'No' }] });

describe('P27 delivery (embedded hub process)', () => {
  it('three phones, one frozen: stats show 2 of 3 at the current serial and the frozen one’s lag grows', async () => {
    const hub = await startHubProcess();
    hubs.push(hub);
    const ev = await createEvent(hub.url, 'Delivery');
    const host = await TestClient.connect(hub.url, (await staffToken(hub.url, ev.eventId)).token);
    testClients.push(host);
    host.send({ t: 'sub', view: 'stats' });

    for (let i = 0; i < 3; i++) phones.push(reportingPhone(hub.url, (await joinAudience(hub.url, ev.joinCode, `Phone ${i}`)).token));
    const frozen = phones[2] as ReportingPhone;
    const stats = (from: number, pred: (d: DeliveryStats) => boolean): Promise<Stats> =>
      host.waitFor((f) => isStats(f) && pred(f.delivery.audience), { from }) as Promise<Stats>;

    expect((await host.pub('c1', 'poll.create', poll('p1'))).t).toBe('ack');
    const open1 = await host.pub('o1', 'poll.open', { pollId: 'p1' });
    expect(open1).toMatchObject({ t: 'ack', applied: true });
    const all = await stats(0, (d) => d.subscribers === 3 && d.atCurrent === 3 && d.cues.p1 === 3);
    expect(all.delivery.audience.lagMs.p99).toBe(0);

    // Freeze phone 2: the hub keeps writing, the phone reads nothing, so it applies and reports nothing.
    const frozenAt = frozen.serial();
    frozen.freeze();

    expect((await host.pub('c2', 'poll.create', poll('p2'))).t).toBe('ack');
    const open2 = await host.pub('o2', 'poll.open', { pollId: 'p2' });
    expect(open2).toMatchObject({ t: 'ack', applied: true });
    const serial2 = (open2 as { serial: number }).serial;
    const mark = host.frames.length;
    const first = await stats(mark, (d) => d.current >= serial2 && d.atCurrent === 2);
    const d1 = first.delivery.audience;
    expect(d1).toMatchObject({ subscribers: 3, reported: 3, atCurrent: 2 });
    expect(d1.cues.p2).toBe(2); // two phones show the new poll
    expect(d1.cues.p1).toBe(3); // the frozen one still shows the first
    expect(frozen.serial()).toBe(frozenAt);

    // Successive frames: the frozen phone's lag (p99 of three, p50 stays 0) grows as hub time passes.
    const frames: Stats[] = [first];
    while (frames.length < 4) frames.push(await host.waitFor((f) => isStats(f) && f.ts > (frames.at(-1) as Stats).ts, { from: host.frames.indexOf(frames.at(-1) as Stats) + 1 }) as Stats);
    for (const f of frames) expect(f.delivery.audience).toMatchObject({ atCurrent: 2, reported: 3, lagMs: { p50: 0 } });
    const lags = frames.map((f) => f.delivery.audience.lagMs.p99);
    for (let i = 1; i < frames.length; i++) {
      expect(lags[i], `lag grows: ${lags.join(', ')}`).toBeGreaterThan(lags[i - 1] as number);
      // ...by the hub time between the frames (the histogram's buckets are ~1.5% wide).
      const grew = (lags[i] as number) - (lags[i - 1] as number);
      const elapsed = (frames[i] as Stats).ts - (frames[i - 1] as Stats).ts;
      expect(Math.abs(grew - elapsed)).toBeLessThanOrEqual(50 + 0.04 * (lags[i] as number));
    }
    expect(lags.at(-1)).toBeGreaterThanOrEqual(2_500);

    // Unfrozen: it reads the backlog, applies, reports, and everyone is current again.
    frozen.thaw();
    const back = await stats(host.frames.length, (d) => d.atCurrent === 3);
    expect(back.delivery.audience).toMatchObject({ atCurrent: 3, lagMs: { p99: 0 } });
    expect(back.delivery.audience.cues.p2).toBe(3);
    expect(frozen.serial()).toBeGreaterThanOrEqual(serial2);
  }, 60_000);
});
