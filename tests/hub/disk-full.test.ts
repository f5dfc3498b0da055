/**
 * Issue 11 item 4, P34 with P14 P16: the real hub on a real 4 MiB tmpfs. When the disk fills,
 * a pub is answered `error unavailable` naming its id, and nothing unacked is durable; once
 * space is freed the same hub process (no restart) acks the same ids again, each exactly once,
 * with gapless serials under the same epoch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubFrame } from '../../src/shared/protocol';
import { createEvent, startHubProcess, staffToken, type HubProcess } from '../helpers/hub-process';
import { mountSmallDisk, smallDiskSkipReason, type SmallDisk } from '../helpers/small-disk';
import { TestClient } from '../helpers/test-client';

if (smallDiskSkipReason) console.warn(`tests/hub/disk-full.test.ts skipped: ${smallDiskSkipReason}`);

/** A poll.create of ~2.6 KB: a few of them overflow the slack of the log file's last page. */
const bigPoll = (pollId: string) => ({
  pollId,
  question: 'Q'.repeat(500),
  kind: 'single',
  options: Array.from({ length: 10 }, (_, i) => ({ id: `o${i}`, label: `${i}`.padEnd(200, 'x') })),
});

/** Sends a pub and resolves with its answer: ack, nack, or an `unavailable` error (whatever it names). */
async function answer(c: TestClient, id: string, name: string, data: unknown): Promise<HubFrame> {
  const from = c.frames.length;
  c.send({ t: 'pub', id, name, data });
  return c.waitFor((f) => ((f.t === 'ack' || f.t === 'nack') && f.id === id) || (f.t === 'error' && f.code === 'unavailable'), { from });
}

describe.skipIf(smallDiskSkipReason !== null)('P34 disk full on a real tmpfs', () => {
  let disk: SmallDisk;
  let hub: HubProcess | undefined;

  beforeAll(() => {
    disk = mountSmallDisk(4 * 1024 * 1024);
  });
  afterAll(async () => {
    await hub?.kill();
    disk?.unmount();
  });

  it('refuses with `error unavailable` + id while full, then acks the same ids again without a restart, each once', async () => {
    hub = await startHubProcess({ dataDir: disk.dir });
    const pid = hub.child.pid;
    const ev = await createEvent(hub.url, 'Disk full');
    const host = await staffToken(hub.url, ev.eventId);
    const c = await TestClient.connect(hub.url, host.token);
    const welcome = c.frames[0];
    expect(welcome?.t).toBe('welcome');
    expect(await c.pub('before', 'poll.create', bigPoll('p0'))).toMatchObject({ t: 'ack', serial: 1 });

    disk.fill();
    // The log file's last page has some slack: pubs may still fit until it is used up.
    let refused: { id: string; frame: HubFrame } | null = null;
    for (let i = 1; i <= 20 && !refused; i++) {
      const f = await answer(c, `full-${i}`, 'poll.create', bigPoll(`p${i}`));
      if (f.t === 'error') refused = { id: `full-${i}`, frame: f };
      else expect(f).toMatchObject({ t: 'ack' });
    }
    expect(refused, 'a pub is refused once the disk is full').not.toBeNull();
    expect(refused?.frame).toMatchObject({ t: 'error', code: 'unavailable', id: refused?.id });
    // Still full: refused again, by id, and the hub answers health.
    expect(await answer(c, refused?.id ?? '', 'poll.create', bigPoll('again'))).toMatchObject({ t: 'error', code: 'unavailable', id: refused?.id });
    const health = await fetch(`${hub.url}/v1/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', events: { unserved: [{ eventId: ev.eventId, state: 'unavailable', reason: expect.stringContaining('ENOSPC') }] } });
    expect(await (await fetch(`${hub.url}/metrics`)).text()).toContain(`stagecall_event_unserved{event="${ev.eventId}",state="unavailable"} 1`);

    disk.free();
    // The engine retries by itself; the client resends with the same id until it is acked.
    let ack: HubFrame | null = null;
    const deadline = Date.now() + 30_000;
    while (!ack && Date.now() < deadline) {
      const f = await answer(c, refused?.id ?? '', 'poll.create', bigPoll('retry'));
      if (f.t === 'ack') ack = f;
      else await new Promise((r) => setTimeout(r, 100)); // the client's own resend pause, not a wait for the hub
    }
    expect(ack, 'acked again after space was freed').toMatchObject({ t: 'ack', id: refused?.id });
    expect(ack?.t === 'ack' && ack.dup, 'stored now, not a duplicate of a refused write').toBeFalsy();
    const after = await c.pub('after', 'poll.create', bigPoll('p-after'));
    expect(after).toMatchObject({ t: 'ack', serial: (ack as { serial: number }).serial + 1 });
    expect(await (await fetch(`${hub.url}/v1/health`)).json()).toMatchObject({ events: { unserved: [] } });
    expect(await (await fetch(`${hub.url}/metrics`)).text()).toContain('stagecall_events_unserved{state="unavailable"} 0');
    expect(hub.child.pid).toBe(pid);
    expect(hub.child.exitCode).toBeNull();
    c.close();

    // Restart: the log holds every acked entry once, gapless, under the same epoch.
    await hub.kill();
    hub = await startHubProcess({ dataDir: disk.dir });
    const c2 = await TestClient.connect(hub.url, (await staffToken(hub.url, ev.eventId)).token);
    const w2 = c2.frames[0];
    expect(w2?.t === 'welcome' && welcome?.t === 'welcome' && w2.epoch === welcome.epoch).toBe(true);
    c2.send({ t: 'history', from: 1, limit: 1000 });
    const h = await c2.waitFor((f) => f.t === 'history');
    const entries = h.t === 'history' ? h.entries : [];
    expect(entries.map((e) => e.serial)).toEqual(entries.map((_, i) => i + 1));
    const ids = entries.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(refused?.id);
    expect(ids[ids.length - 1]).toBe('after');
    c2.close();
  });
});
