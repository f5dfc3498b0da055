/**
 * Issue 11: idle events unload (runtime, timers, open log file) and reopen on demand, so fds and
 * memory follow the events in use; after a reload serials, epoch, resume (P15, P18) and dedupe
 * with the original outcome (P14) are exactly as before. Real hub process, idle period 1 s.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffView } from '../../src/shared/domain';
import type { AckFrame, HubFrame, SyncFrame } from '../../src/shared/protocol';
import { createEvent, joinAudience, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';

let hub: HubProcess;
beforeAll(async () => {
  hub = await startHubProcess({ args: ['--idle-unload-seconds', '1'] });
});
afterAll(async () => {
  await hub.kill();
});

const pid = (): number => hub.child.pid ?? -1;
const openFds = (): number => fs.readdirSync(`/proc/${pid()}/fd`).length;
/** Open files of the hub under its events folder (event logs). */
const openLogs = (): string[] =>
  fs.readdirSync(`/proc/${pid()}/fd`).flatMap((fd) => {
    try {
      const target = fs.readlinkSync(`/proc/${pid()}/fd/${fd}`);
      return target.startsWith(`${hub.dataDir}/events/`) ? [target] : [];
    } catch {
      return []; // closed while we looked
    }
  });
const eventsLoaded = async (): Promise<number> => {
  const text = await (await fetch(`${hub.url}/metrics`)).text();
  const m = /^stagecall_events_loaded (\d+)$/m.exec(text);
  if (!m) throw new Error('no stagecall_events_loaded in /metrics');
  return Number(m[1]);
};
const ack = (f: HubFrame): AckFrame => {
  if (f.t !== 'ack') throw new Error(`expected an ack, got ${JSON.stringify(f)}`);
  return f;
};
const POLL = { pollId: 'p', question: 'Q', kind: 'multiple', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] };

describe.runIf(process.platform === 'linux')('idle events unload', () => {
  it('200 events opened then left idle: loaded runtimes and open files fall back', async () => {
    await eventsLoaded(); // one request first: the baseline includes its keep-alive socket
    const baseline = openFds();
    const events: Array<{ eventId: string }> = [];
    for (let i = 0; i < 200; i += 20) events.push(...(await Promise.all(Array.from({ length: 20 }, (_, k) => createEvent(hub.url, `Idle ${i + k}`)))));
    const clients: TestClient[] = [];
    for (let i = 0; i < events.length; i += 20) {
      const batch = events.slice(i, i + 20);
      clients.push(...(await Promise.all(batch.map(async (e) => TestClient.connect(hub.url, (await staffToken(hub.url, e.eventId)).token)))));
    }
    for (const c of clients) expect(c.frames[0]?.t).toBe('welcome');
    expect(await eventsLoaded()).toBe(200);
    expect(openLogs().length).toBeGreaterThanOrEqual(200);
    const busy = openFds();
    for (const c of clients) c.close();
    await Promise.all(clients.map((c) => c.waitClosed()));

    await expect.poll(eventsLoaded, { timeout: 30_000, interval: 250 }).toBe(0);
    await expect.poll(() => openLogs().length, { timeout: 30_000, interval: 250 }).toBe(0);
    // No per-event metric series is left behind for events nobody is connected to.
    expect(await (await fetch(`${hub.url}/metrics`)).text()).not.toMatch(/^stagecall_event_connections\{/m);
    // Sockets of the test's HTTP calls linger for the hub's 5 s keep-alive, then go too.
    await expect.poll(openFds, { timeout: 30_000, interval: 250 }).toBeLessThanOrEqual(baseline + 4);
    console.log(`hub fds: ${baseline} before, ${busy} with 200 events in use, ${openFds()} once idle`);
  }, 120_000);

  it('after an unload: a client resumes from its serial with nothing lost or doubled, and a duplicate pub gets the original ack', async () => {
    const ev = await createEvent(hub.url, 'Reload');
    const hostToken = (await staffToken(hub.url, ev.eventId)).token;
    const producerToken = (await staffToken(hub.url, ev.eventId, 'producer', 'Prod')).token;
    const voterToken = (await joinAudience(hub.url, ev.joinCode, 'V')).token;
    const host = await TestClient.connect(hub.url, hostToken);
    const voter = await TestClient.connect(hub.url, voterToken);
    await host.pub('mk', 'poll.create', POLL);
    await host.pub('op', 'poll.open', { pollId: 'p' });
    const vote = ack(await voter.pub('v1', 'vote.cast', { pollId: 'p', optionIds: ['a'] }));
    await host.pub('cl', 'poll.close', { pollId: 'p' });
    const late = ack(await voter.pub('v2', 'vote.cast', { pollId: 'p', optionIds: ['b'] }));
    expect(vote.applied).toBe(true);
    expect(late).toMatchObject({ applied: false, reason: expect.any(String) });

    // A producer holding the staff view and the log at some serial goes away...
    const s = await TestClient.connect(hub.url, producerToken);
    s.send({ t: 'sub', view: 'staff' });
    s.send({ t: 'sub', view: 'log', since: 0 });
    const held = await s.until(() => (s.views.staff && s.views.staff.serial >= late.serial ? s.views.staff : undefined));
    const heldLog = await s.until(() => {
      const serials = s.frames.flatMap((f) => (f.t === 'log' ? f.entries.map((e) => e.serial) : []));
      return serials.at(-1) === held.serial ? serials : undefined;
    });
    s.close();
    await s.waitClosed();
    // ...while more happens, then everyone leaves and the event unloads.
    let last = held.serial;
    for (let i = 0; i < 5; i++) last = ack(await host.pub(`c${i}`, 'chat.send', { messageId: `c${i}`, text: `after ${i}` })).serial;
    host.close();
    voter.close();
    await Promise.all([host.waitClosed(), voter.waitClosed()]);
    await expect.poll(eventsLoaded, { timeout: 30_000, interval: 250 }).toBe(0);
    await expect.poll(() => openLogs().filter((f) => f.includes(ev.eventId)), { timeout: 30_000, interval: 250 }).toEqual([]);

    // The producer comes back to the unloaded event with its serial and epoch.
    const r = await TestClient.connect(hub.url, producerToken);
    const welcome = r.frames[0];
    expect(welcome).toMatchObject({ t: 'welcome', epoch: held.epoch });
    r.views.staff = { ...held };
    r.send({ t: 'sub', view: 'staff', since: held.serial, epoch: held.epoch });
    r.send({ t: 'sub', view: 'log', since: held.serial });
    const first = (await r.waitFor((f) => f.t === 'sync')) as SyncFrame;
    expect('patch' in first && first.base, 'resumed by patch from its own serial').toBe(held.serial);
    const resumed = await r.until(() => {
      const serials = r.frames.flatMap((f) => (f.t === 'log' ? f.entries.map((e) => e.serial) : []));
      return serials.at(-1) === last ? serials : undefined;
    });
    expect([...heldLog, ...resumed]).toEqual(Array.from({ length: last }, (_, i) => i + 1)); // nothing lost or doubled
    const resumedView = await r.until(() => (r.views.staff && r.views.staff.serial >= last ? r.views.staff : undefined));
    const fresh = await TestClient.connect(hub.url, producerToken);
    fresh.send({ t: 'sub', view: 'staff' });
    const snapshot = await fresh.until(() => (fresh.views.staff && fresh.views.staff.serial >= resumedView.serial ? fresh.views.staff : undefined));
    expect(resumedView.doc).toEqual(snapshot.doc);

    // Duplicates after the reload are answered with the original outcome (P14).
    const again = await TestClient.connect(hub.url, voterToken);
    expect(ack(await again.pub('v2', 'vote.cast', { pollId: 'p', optionIds: ['b'] }))).toEqual({ ...late, dup: true });
    expect(ack(await again.pub('v1', 'vote.cast', { pollId: 'p', optionIds: ['a'] }))).toEqual({ ...vote, dup: true });
    for (const c of [r, fresh, again]) c.close();
  }, 120_000);

  it('an unloaded event with a timed poll is woken at its closing time: the poll closes with nobody connected', async () => {
    const ev = await createEvent(hub.url, 'Timed');
    const hostToken = (await staffToken(hub.url, ev.eventId)).token;
    const host = await TestClient.connect(hub.url, hostToken);
    host.send({ t: 'sub', view: 'staff' });
    await host.pub('mk', 'poll.create', { ...POLL, durationMs: 5_000 });
    await host.pub('op', 'poll.open', { pollId: 'p' });
    const closesAt = await host.until(() => (host.views.staff?.doc as StaffView | undefined)?.polls.p?.closesAt ?? undefined);
    host.close();
    await host.waitClosed();
    await expect.poll(eventsLoaded, { timeout: 30_000, interval: 100 }).toBe(0);
    expect(Date.now(), 'unloaded before the poll was due').toBeLessThan(closesAt);
    await expect.poll(eventsLoaded, { timeout: 30_000, interval: 100 }).toBe(1); // woken by its timer, nobody connected

    const back = await TestClient.connect(hub.url, hostToken);
    back.send({ t: 'history', from: 1, limit: 100 });
    const h = await back.waitFor((f) => f.t === 'history');
    const close = h.t === 'history' ? h.entries.find((e) => e.name === 'poll.close') : undefined;
    expect(close?.clientId).toBe('hub');
    // Closed on time (not when someone came back): its entry is stamped at the poll's closesAt.
    expect(close?.ts).toBeGreaterThanOrEqual(closesAt);
    expect((close?.ts ?? Infinity) - closesAt).toBeLessThan(1_500);
    back.close();
  }, 60_000);
});
