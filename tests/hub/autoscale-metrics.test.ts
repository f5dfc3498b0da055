/**
 * Issue 17: the autoscaling signals in /metrics, from the real hub process: the P23 load as
 * stagecall_load_ratio, connections by event and role, fan-out frames per second and this
 * node's share of the event's audience.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createEvent, joinAudience, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';

let hub: HubProcess | null = null;
afterAll(async () => {
  await hub?.kill();
});

const sample = (text: string, name: string, labels = ''): number | undefined => {
  const esc = labels.replace(/[{}"=,]/g, (c) => `\\${c}`);
  const m = new RegExp(`^${name}${labels ? esc : ''}\\s+(\\S+)$`, 'm').exec(text);
  return m?.[1] === undefined ? undefined : Number(m[1]);
};

describe('autoscaling signals', () => {
  it('/metrics: load ratio, connections by event and role, fan-out frames/s, audience share', async () => {
    hub = await startHubProcess();
    const url = hub.url;
    const { eventId, joinCode } = await createEvent(url);
    const host = await TestClient.connect(url, (await staffToken(url, eventId)).token);
    const phones = await Promise.all([0, 1].map(async () => TestClient.connect(url, (await joinAudience(url, joinCode)).token)));
    for (const p of phones) p.send({ t: 'sub', view: 'audience' });
    const scrape = async (): Promise<string> => (await fetch(`${url}/metrics`)).text();

    let text = await scrape();
    const load = sample(text, 'stagecall_load_ratio');
    expect(load).toBeGreaterThanOrEqual(0);
    expect(load).toBeLessThanOrEqual(1);
    expect(sample(text, 'stagecall_event_connections', `{event="${eventId}",role="audience"}`)).toBe(2);
    expect(sample(text, 'stagecall_event_connections', `{event="${eventId}",role="host"}`)).toBe(1);

    // Changes fan out to both phones: sync frames per second above zero; the share is 1 on one node.
    let n = 0;
    await expect
      .poll(
        async () => {
          await host.pub(`c${++n}`, 'chat.send', { messageId: `c${n}`, text: `hello ${n}` });
          text = await scrape();
          return (sample(text, 'stagecall_fanout_frames_per_second') ?? 0) > 0 && sample(text, 'stagecall_audience_share', `{event="${eventId}"}`) === 1;
        },
        { timeout: 30_000, interval: 300 },
      )
      .toBe(true);

    phones[0]?.close();
    await expect.poll(async () => sample(await scrape(), 'stagecall_event_connections', `{event="${eventId}",role="audience"}`), { timeout: 30_000 }).toBe(1);
    host.close();
    phones[1]?.close();
  }, 90_000);
});
