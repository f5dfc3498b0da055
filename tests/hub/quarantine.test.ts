/**
 * Issue 11 item 5, fault isolation per event: one flipped byte in the middle of one event's log
 * quarantines that event alone. The hub starts, every other event serves, the damaged one
 * answers `error unavailable` naming the damaged line, and /v1/health and /metrics list it.
 * `verify` reports the damaged event and line; `repair` keeps the valid prefix, moves the rest
 * aside and starts a new epoch (P15), after which the event serves again.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { programArgs } from '../helpers/built-program';
import { createEvent, ROOT, startHubProcess, staffToken, tempDir, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';

async function doctor(command: 'verify' | 'repair', dataDir: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [...programArgs('hub'), command, '--data', dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, out };
}

async function publishSix(hubUrl: string, eventId: string): Promise<string> {
  const c = await TestClient.connect(hubUrl, (await staffToken(hubUrl, eventId)).token);
  for (let i = 1; i <= 6; i++) {
    expect(await c.pub(`m${i}`, 'poll.create', { pollId: `p${i}`, question: `Question ${i}?`, kind: 'wordcloud' })).toMatchObject({ t: 'ack', serial: i });
  }
  const w = c.frames[0];
  c.close();
  return w?.t === 'welcome' ? w.epoch : '';
}

describe('a damaged log quarantines its event alone', () => {
  let hub: HubProcess | undefined;
  afterEach(async () => {
    await hub?.kill();
    hub = undefined;
  });

  it('flipped byte in line 3 of 6: the hub starts, others serve, the event is refused and reported; verify and repair', async () => {
    const dataDir = tempDir('quarantine');
    hub = await startHubProcess({ dataDir });
    const bad = await createEvent(hub.url, 'Damaged');
    const good = await createEvent(hub.url, 'Fine');
    const badEpoch = await publishSix(hub.url, bad.eventId);
    await publishSix(hub.url, good.eventId);
    await hub.kill();

    const file = path.join(dataDir, 'events', bad.eventId, 'log.jsonl');
    const buf = fs.readFileSync(file);
    let at = 0;
    for (let line = 1; line < 3; line++) at = buf.indexOf(0x0a, at) + 1;
    buf[at + 40] = (buf[at + 40] as number) ^ 0x01;
    fs.writeFileSync(file, buf);

    hub = await startHubProcess({ dataDir });
    const health = (await (await fetch(`${hub.url}/v1/health`)).json()) as { status: string; events: { unserved: Array<{ eventId: string; state: string; reason: string }> } };
    expect(health.status).toBe('ok');
    expect(health.events.unserved).toEqual([{ eventId: bad.eventId, state: 'quarantined', reason: expect.stringContaining('line 3'), since: expect.any(Number) }]);
    expect(await (await fetch(`${hub.url}/metrics`)).text()).toContain(`stagecall_event_unserved{event="${bad.eventId}",state="quarantined"} 1`);

    const fine = await TestClient.connect(hub.url, (await staffToken(hub.url, good.eventId)).token);
    expect(await fine.pub('m7', 'poll.create', { pollId: 'p7', question: 'Still here?', kind: 'wordcloud' })).toMatchObject({ t: 'ack', serial: 7 });
    fine.close();

    const refused = await TestClient.connect(hub.url, (await staffToken(hub.url, bad.eventId)).token);
    expect(refused.frames[0]).toMatchObject({ t: 'error', code: 'unavailable', message: expect.stringMatching(/quarantined.*line 3/) });
    expect(refused.frames[0]?.t === 'error' && refused.frames[0].message.includes(dataDir)).toBe(false);
    expect((await refused.waitClosed()).code).toBe(1011);
    await hub.kill();

    const verified = await doctor('verify', dataDir);
    expect(verified.code, verified.out).toBe(1);
    expect(verified.out).toContain(`${bad.eventId}: DAMAGED`);
    expect(verified.out).toMatch(/line 3 \(byte \d+\): checksum mismatch/);
    expect(verified.out).toContain(`${good.eventId}: ok, 7 entries`);

    const repaired = await doctor('repair', dataDir);
    expect(repaired.code, repaired.out).toBe(0);
    expect(repaired.out).toContain(`${bad.eventId}: REPAIRED: kept serials 1-2`);
    const aside = fs.readdirSync(path.dirname(file)).filter((f) => f.startsWith('log.jsonl.damaged-'));
    expect(aside).toHaveLength(1);
    expect(fs.readFileSync(path.join(path.dirname(file), aside[0] as string)).toString().split('\n').filter(Boolean)).toHaveLength(4);
    expect((await doctor('verify', dataDir)).code).toBe(0);

    hub = await startHubProcess({ dataDir });
    const back = await TestClient.connect(hub.url, (await staffToken(hub.url, bad.eventId)).token);
    const w = back.frames[0];
    expect(w?.t === 'welcome' && w.epoch !== badEpoch).toBe(true);
    expect(await back.pub('m3-again', 'poll.create', { pollId: 'p3b', question: 'After repair?', kind: 'wordcloud' })).toMatchObject({ t: 'ack', serial: 3 });
    back.close();
    expect((await (await fetch(`${hub.url}/v1/health`)).json()) as unknown).toMatchObject({ events: { unserved: [] } });
  });
});
