/**
 * P14 P15 P16 crash durability (issue 3): 20 clients publish 5,000 messages as fast as acks
 * return; the hub is SIGKILLed at a random moment and restarted on the same data folder;
 * clients resend every unacked message with its original id. Every message ends up in the
 * log exactly once, every ack points at its entry, serials run 1..N. Five kill moments.
 */
import { describe, expect, it } from 'vitest';
import type { WireEntry } from '../../src/shared/protocol';
import { createEvent, staffToken, startHubProcess, tempDir, type HubProcess } from '../helpers/hub-process';
import { ResilientPublisher, type Msg } from '../helpers/resilient-publisher';
import { readWholeLog } from '../helpers/cluster';

const CLIENTS = 20;
const PER_CLIENT = 250;


describe('crash durability', () => {
  // Kill moments spread over the run: early, middle, late, and two random ones.
  const moments = [0.05, 0.35, 0.7, 0.1 + Math.random() * 0.8, 0.1 + Math.random() * 0.8];

  for (const [round, fraction] of moments.entries()) {
    it(`P16 round ${round + 1}: SIGKILL after ${Math.round(fraction * 100)}% of acks loses no acked entry; every message lands exactly once (P14, P15)`, async () => {
      const dataDir = tempDir('crash');
      let hub: HubProcess = await startHubProcess({ dataDir });
      const port = hub.port;
      let url = hub.url;
      const ev = await createEvent(url, 'Crash');
      const tokens = await Promise.all(Array.from({ length: CLIENTS }, (_, k) => staffToken(url, ev.eventId, 'host', `Pub ${k}`)));
      const killAt = Math.floor(CLIENTS * PER_CLIENT * fraction);
      let acks = 0;
      let killed: Promise<void> | null = null;
      const onAck = (): void => {
        if (++acks !== killAt || killed) return;
        killed = (async () => {
          await hub.kill('SIGKILL');
          hub = await startHubProcess({ dataDir, port });
          url = hub.url;
        })();
      };
      const pubs = tokens.map((t, k) => {
        const msgs: Msg[] = Array.from({ length: PER_CLIENT }, (_, i) => ({ id: `c${k}-m${i}`, name: 'chat.send', data: { messageId: `c${k}-m${i}`, text: `message ${i} from ${k}` } }));
        return new ResilientPublisher(() => url, t.token, msgs, 10, onAck);
      });
      await Promise.all(pubs.map((p) => p.run()));
      if (killed) await killed;
      expect(killed, 'the hub was killed during the run').not.toBeNull();
      expect(pubs.reduce((s, p) => s + p.reconnects, 0)).toBeGreaterThan(0);

      const log = await readWholeLog(url, tokens[0]?.token ?? '');
      log.forEach((e, i) => expect(e.serial).toBe(i + 1));
      const byKey = new Map<string, WireEntry[]>();
      for (const e of log) {
        if (e.clientId === 'hub') continue;
        const key = `${e.clientId}/${e.id}`;
        byKey.set(key, [...(byKey.get(key) ?? []), e]);
      }
      for (const [k, p] of pubs.entries()) {
        const clientId = tokens[k]?.clientId ?? '';
        expect(p.nacked.size).toBe(0);
        for (const m of p.msgs) {
          const found = byKey.get(`${clientId}/${m.id}`) ?? [];
          expect(found, `${m.id} exactly once`).toHaveLength(1);
          expect(p.acked.get(m.id)?.serial, `${m.id} ack matches its entry`).toBe(found[0]?.serial);
        }
      }
      expect(log.filter((e) => e.clientId !== 'hub')).toHaveLength(CLIENTS * PER_CLIENT);
      await hub.kill();
    });
  }
});
