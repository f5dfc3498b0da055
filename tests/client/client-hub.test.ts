/**
 * The shared client against the real hub process, through a SIGKILL and a restart on the same
 * port: publishes made while the hub is dead resend with their ids and are each counted once
 * (P14, P16), the view resumes by patch (P18), and the state machine tells the story
 * (connected → disconnected → connected). Real sockets (`ws`), real files, real clock.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createClient, type ConnectionState, type StagecallClient } from '../../src/shared/client';
import type { StaffView } from '../../src/shared/domain/types';
import { createEvent, startHubProcess, staffToken, type HubProcess } from '../helpers/hub-process';

const hubs: HubProcess[] = [];
const clients: StagecallClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const h of hubs.splice(0)) await h.kill('SIGKILL');
});

describe('client against the real hub', () => {
  it('P14 P16 P18 survives a SIGKILL and restart: every publish counted once, view resumed by patch', async () => {
    const first = await startHubProcess();
    hubs.push(first);
    const { eventId } = await createEvent(first.url);
    const { token } = await staffToken(first.url, eventId);
    const client = createClient({
      urls: [first.url],
      token,
      WebSocket,
      // Short retries: the hub is back within a second or two.
      backoff: { baseMs: 100, capMs: 1_000 },
      client: { name: 'client-hub-test', version: '1' },
    });
    clients.push(client);
    const states: ConnectionState[] = [];
    client.on('state', (s) => states.push(s.state));
    const kinds: string[] = [];
    let view: StaffView | null = null;
    client.view('staff', (doc, meta) => {
      view = doc as StaffView;
      if (meta.frame) kinds.push('patch' in meta.frame ? 'patch' : 'snapshot');
    });

    await client.publish('poll.create', { pollId: 'p1', question: 'Tea?', kind: 'single', options: [{ id: 'y', label: 'Yes' }, { id: 'n', label: 'No' }] });
    await vi.waitFor(() => expect(view?.polls.p1?.status).toBe('draft'), { timeout: 30_000 });

    // SIGKILL: nothing graceful. Publishes made now wait in the outbox.
    await first.kill('SIGKILL');
    await vi.waitFor(() => expect(client.state).not.toBe('connected'), { timeout: 30_000 });
    const whileDown = [
      client.publish('poll.open', { pollId: 'p1' }, { id: 'open-p1' }),
      client.publish('chat.send', { messageId: 'c1', text: 'back soon' }, { id: 'chat-1' }),
    ];
    const kindsBeforeRestart = kinds.length;

    const second = await startHubProcess({ dataDir: first.dataDir, port: first.port });
    hubs.push(second);
    const acks = await Promise.all(whileDown);
    expect(acks.map((a) => a.applied)).toEqual([true, true]);
    expect(acks[1]!.serial).toBe(acks[0]!.serial + 1);

    // Publishing an acked id again is answered from the hub's dedupe, not applied twice.
    const again = await client.publish('poll.open', { pollId: 'p1' }, { id: 'open-p1' });
    expect(again).toMatchObject({ serial: acks[0]!.serial, dup: true });

    await vi.waitFor(() => expect(view?.chat.map((m) => m.id)).toEqual(['c1']), { timeout: 30_000 });
    expect(view!.polls.p1?.status).toBe('open');
    expect(kinds.slice(kindsBeforeRestart)[0]).toBe('patch');
    expect(states).toContain('disconnected');
    expect(states.at(-1)).toBe('connected');
    expect(client.status.clockOffsetMs).not.toBeNull();
    // P26: every state the client built, by snapshot or patch, hashed as the hub's did.
    expect(client.status.mismatches).toBe(0);
  });
});
