/**
 * A small staff-side protocol client for benchmarks: admin HTTP calls (event, tokens), one
 * WebSocket with hello/welcome, pubs that resolve on their ack, and an optional staff-view mirror.
 */
import WebSocket from 'ws';
import { ViewMirror } from '../../src/shared/client';
import { decodeHubFrame, SUBPROTOCOL, type AckFrame, type HubFrame, type MessageName, type NackFrame } from '../../src/shared/protocol';

export async function adminPost<T>(hubUrl: string, pathname: string, body: unknown, adminKey: string): Promise<T> {
  const res = await fetch(new URL(pathname, hubUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${pathname} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export async function createEventWithHost(hubUrl: string, adminKey: string, title: string): Promise<{ eventId: string; joinCode: string; hostToken: string }> {
  const ev = await adminPost<{ eventId: string; joinCode: string }>(hubUrl, '/v1/events', { title }, adminKey);
  const t = await adminPost<{ token: string }>(hubUrl, '/v1/tokens', { eventId: ev.eventId, role: 'host', name: 'Host' }, adminKey);
  return { ...ev, hostToken: t.token };
}

export class StaffClient {
  private readonly waiting = new Map<string, (f: AckFrame | NackFrame) => void>();
  private seq = 0;
  private readonly mirror = new ViewMirror('staff');
  onFrame: (f: HubFrame) => void = () => undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const d = decodeHubFrame(data.toString('utf8'));
      if (!d.ok) return;
      const f = d.frame;
      if (f.t === 'ack' || f.t === 'nack') {
        this.waiting.get(f.id)?.(f);
        this.waiting.delete(f.id);
      } else if (f.t === 'sync' && f.view === 'staff') {
        this.mirror.apply(f);
      }
      this.onFrame(f);
    });
    ws.on('error', () => undefined);
  }

  /** The staff view as mirrored (subscribeStaff first). */
  get staff(): { serial: number; epoch: string; doc: unknown } | null {
    return this.mirror.state;
  }

  static async connect(hubUrl: string, token: string): Promise<StaffClient> {
    const ws = new WebSocket(`${hubUrl.replace(/^http/, 'ws')}/v1/ws`, SUBPROTOCOL, { perMessageDeflate: false });
    const c = new StaffClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => ws.send(JSON.stringify({ t: 'hello', token, client: { name: 'bench', version: '1' } })));
      ws.once('close', (code) => reject(new Error(`closed ${code} before welcome`)));
      const prev = c.onFrame;
      c.onFrame = (f) => {
        if (f.t === 'welcome') {
          c.onFrame = prev;
          resolve();
        } else if (f.t === 'error') reject(new Error(`${f.code}: ${f.message}`));
      };
    });
    return c;
  }

  pub(name: MessageName, data: unknown, id = `b${this.seq++}`): Promise<AckFrame | NackFrame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ack for ${name} ${id}`)), 30_000);
      this.waiting.set(id, (f) => {
        clearTimeout(timer);
        resolve(f);
      });
      this.ws.send(JSON.stringify({ t: 'pub', id, name, data }));
    });
  }

  /** Publishes and insists on an applied ack. */
  async must(name: MessageName, data: unknown): Promise<AckFrame> {
    const f = await this.pub(name, data);
    if (f.t !== 'ack') throw new Error(`${name} refused: ${f.code} ${f.message}`);
    return f;
  }

  subscribeStaff(): void {
    this.ws.send(JSON.stringify({ t: 'sub', view: 'staff' }));
  }

  /** P23: a `stats` frame a second (with P27 `delivery`), delivered through onFrame. */
  subscribeStats(): void {
    this.ws.send(JSON.stringify({ t: 'sub', view: 'stats' }));
  }

  close(): void {
    this.ws.close();
  }
}
