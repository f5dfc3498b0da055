/**
 * P26 in the shared client against the real hub: one patch is corrupted on its way in (the
 * socket is real; the corruption is done in the WebSocket class the client is given, so the
 * frame still parses and its patch still applies, only to a wrong value). The client must
 * notice from the hash, count it, re-subscribe without `since`, and end on the fresh snapshot.
 * Also P27: the same client reports the serial it shows with `at` frames.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createClient, type StagecallClient, type WebSocketConstructor, type WebSocketLike } from '../../src/shared/client';
import type { StaffView } from '../../src/shared/domain/types';
import { createEvent, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';

let hub: HubProcess | undefined;
const clients: StagecallClient[] = [];
const sent: string[] = [];
afterAll(async () => {
  for (const c of clients) c.close();
  await hub?.kill();
});

/** A WebSocket (a real `ws` underneath) with one tamper: the first patch carrying `marker` has it replaced. */
function tamperingWebSocket(marker: string, replacement: string): WebSocketConstructor {
  let done = false;
  return class TamperingSocket implements WebSocketLike {
    private readonly ws: WebSocket;
    onopen: WebSocketLike['onopen'] = null;
    onmessage: WebSocketLike['onmessage'] = null;
    onclose: WebSocketLike['onclose'] = null;
    onerror: WebSocketLike['onerror'] = null;
    constructor(url: string, protocols?: string | string[]) {
      this.ws = new WebSocket(url, protocols);
      this.ws.onopen = (ev) => this.onopen?.(ev);
      this.ws.onclose = (ev) => this.onclose?.({ code: ev.code, reason: ev.reason });
      this.ws.onerror = (ev) => this.onerror?.(ev);
      this.ws.onmessage = (ev) => {
        const text = String(ev.data);
        if (!done && text.includes('"patch"') && text.includes(marker)) {
          done = true;
          this.onmessage?.({ data: text.replace(marker, replacement) });
        } else this.onmessage?.({ data: text });
      };
    }
    get readyState(): number {
      return this.ws.readyState;
    }
    send(text: string): void {
      sent.push(text);
      this.ws.send(text);
    }
    close(code?: number, reason?: string): void {
      this.ws.close(code, reason);
    }
  };
}

describe('P26 a client fed a corrupted patch', () => {
  it('detects the mismatch, re-subscribes without since and recovers to the fresh snapshot', async () => {
    hub = await startHubProcess();
    const { eventId } = await createEvent(hub.url);
    const { token } = await staffToken(hub.url, eventId);
    const client = createClient({ urls: [hub.url], token, WebSocket: tamperingWebSocket('Genuine text', 'Forged text!'), reportApplied: true, client: { name: 'tamper-test', version: '1' } });
    clients.push(client);
    const kinds: string[] = [];
    let view: StaffView | null = null;
    client.view('staff', (doc, meta) => {
      view = doc as StaffView;
      if (meta.frame) kinds.push('patch' in meta.frame ? 'patch' : 'snapshot');
    });
    await vi.waitFor(() => expect(kinds).toContain('snapshot'), { timeout: 30_000 });
    const subsBefore = sent.filter((s) => s.includes('"t":"sub"') && s.includes('"staff"')).length;

    const ack = await client.publish('chat.send', { messageId: 'm1', text: 'Genuine text' });
    await vi.waitFor(() => expect(client.status.mismatches).toBe(1), { timeout: 30_000 });
    // The re-subscription asks for a snapshot: no since.
    await vi.waitFor(() => expect(sent.filter((s) => s.includes('"t":"sub"') && s.includes('"staff"')).length).toBe(subsBefore + 1), { timeout: 30_000 });
    const resub = JSON.parse(sent.filter((s) => s.includes('"t":"sub"')).at(-1) as string) as { since?: number; reason?: string };
    expect(resub.since).toBeUndefined();
    expect(resub.reason).toBe('hash_mismatch');
    // The hub counts it where operators look (expected 0 in a healthy run).
    await vi.waitFor(async () => {
      const metrics = await (await fetch(`${hub?.url}/metrics`)).text();
      expect(metrics).toMatch(/stagecall_state_divergences_total\{view="staff"\} 1/);
      expect(metrics).toMatch(/stagecall_state_divergences_total\{view="audience"\} 0/);
    }, { timeout: 30_000 });
    await vi.waitFor(() => expect(view?.chat.at(-1)?.text).toBe('Genuine text'), { timeout: 30_000 });
    expect(kinds.filter((k) => k === 'snapshot')).toHaveLength(2);
    expect(client.viewState('staff')?.serial).toBeGreaterThanOrEqual(ack.serial);

    // The state it holds is exactly what a fresh subscriber gets.
    const fresh = await TestClient.connect(hub.url, token);
    fresh.send({ t: 'sub', view: 'staff' });
    const serial = client.viewState('staff')?.serial ?? -1;
    await fresh.until(() => ((fresh.views.staff?.serial ?? -1) >= serial ? true : undefined));
    expect(view).toEqual(fresh.views.staff?.doc);
    fresh.close();

    // P27: it told the hub what it shows, at most once a second per view.
    await vi.waitFor(() => expect(sent.some((s) => s.includes('"t":"at"') && s.includes(`"serial":${serial}`))).toBe(true), { timeout: 30_000 });
    expect(client.status.mismatches).toBe(1);
  });
});
