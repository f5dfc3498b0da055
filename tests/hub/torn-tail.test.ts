/**
 * Issue 11 item 6, P15 P18: a log that loses its last line (a disk or copy accident) comes
 * back under a new epoch. The serial the lost line had is given out again for new content, so
 * a client that held it must take a snapshot, never a patch onto a state nobody else has.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEvent, startHubProcess, staffToken, tempDir, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';

describe('P15 recovery that drops part of a log starts a new epoch', () => {
  let hub: HubProcess | undefined;
  afterEach(async () => {
    await hub?.kill();
    hub = undefined;
  });

  it('the last line cut short: new epoch after restart; a client holding the lost serial gets a snapshot, not a patch', async () => {
    const dataDir = tempDir('torn');
    hub = await startHubProcess({ dataDir });
    const ev = await createEvent(hub.url, 'Torn tail');
    const host = await staffToken(hub.url, ev.eventId);
    const a = await TestClient.connect(hub.url, host.token);
    const w1 = a.frames[0];
    const oldEpoch = w1?.t === 'welcome' ? w1.epoch : '';
    for (let i = 1; i <= 5; i++) {
      expect(await a.pub(`q${i}`, 'poll.create', { pollId: `p${i}`, question: `Question ${i}?`, kind: 'wordcloud' })).toMatchObject({ t: 'ack', serial: i });
    }
    a.send({ t: 'sub', view: 'staff' });
    await a.until(() => (a.views.staff?.serial === 5 ? true : undefined));
    const held = a.views.staff;
    a.close();
    await hub.kill();

    // Cut the last line (serial 5, acknowledged) in the middle.
    const file = path.join(dataDir, 'events', ev.eventId, 'log.jsonl');
    const buf = fs.readFileSync(file);
    const lastStart = buf.lastIndexOf(0x0a, buf.length - 2) + 1;
    fs.truncateSync(file, lastStart + Math.floor((buf.length - lastStart) / 2));

    hub = await startHubProcess({ dataDir });
    const b = await TestClient.connect(hub.url, (await staffToken(hub.url, ev.eventId)).token);
    const w2 = b.frames[0];
    const newEpoch = w2?.t === 'welcome' ? w2.epoch : '';
    expect(newEpoch).not.toBe(oldEpoch);
    // Serial 5 is reused for different content.
    expect(await b.pub('other', 'poll.create', { pollId: 'other', question: 'Something else?', kind: 'wordcloud' })).toMatchObject({ t: 'ack', serial: 5 });

    const from = b.frames.length;
    b.send({ t: 'sub', view: 'staff', since: held?.serial, epoch: held?.epoch });
    const sync = await b.waitFor((f) => f.t === 'sync' && f.view === 'staff', { from });
    expect(sync).toMatchObject({ t: 'sync', epoch: newEpoch, serial: 5 });
    expect('snapshot' in sync && 'patch' in sync === false).toBe(true);
    const doc = b.views.staff?.doc as { polls: Record<string, unknown> };
    expect(Object.keys(doc.polls).sort()).toEqual(['other', 'p1', 'p2', 'p3', 'p4']);
    b.close();
  });
});
