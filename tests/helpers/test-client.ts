/**
 * A protocol client for tests: a real WebSocket, every frame validated with the shared schema,
 * frames kept in order, and `waitFor` that resolves on a condition (never on a sleep).
 */
import WebSocket from 'ws';
import { ViewMirror } from '../../src/shared/client';
import { decodeHubFrame, SUBPROTOCOL, type HubFrame } from '../../src/shared/protocol';

export interface Closed {
  code: number;
  reason: string;
}

export class TestClient {
  readonly frames: HubFrame[] = [];
  readonly invalid: string[] = [];
  closed: Closed | null = null;
  views: Record<string, { serial: number; epoch: string; doc: unknown }> = {};
  selfData: unknown = null;
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString();
      const d = decodeHubFrame(text);
      if (!d.ok) {
        this.invalid.push(text);
        return;
      }
      this.frames.push(d.frame);
      this.track(d.frame);
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
    ws.on('error', () => undefined);
  }

  /** `localAddress` (e.g. 127.0.0.2) connects from another loopback address: another peer for per-address limits. */
  static async open(hubUrl: string, query = '', opts: { localAddress?: string } = {}): Promise<TestClient> {
    const ws = new WebSocket(`${hubUrl.replace(/^http/, 'ws')}/v1/ws${query}`, SUBPROTOCOL, opts.localAddress ? { localAddress: opts.localAddress } : {});
    const c = new TestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return c;
  }

  /** Opens, says hello, and waits for welcome. */
  static async connect(hubUrl: string, token: string, extra: Record<string, unknown> = {}, opts: { localAddress?: string } = {}): Promise<TestClient> {
    const c = await TestClient.open(hubUrl, '', opts);
    c.send({ t: 'hello', token, client: { name: 'test', version: '0' }, ...extra });
    await c.waitFor((f) => f.t === 'welcome' || f.t === 'error');
    return c;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Publishes and waits for its ack or nack. */
  async pub(id: string, name: string, data: unknown): Promise<HubFrame> {
    const from = this.frames.length; // a repeated id must match its own answer, not the first one
    this.send({ t: 'pub', id, name, data });
    return this.waitFor((f) => (f.t === 'ack' || f.t === 'nack') && f.id === id, { from });
  }

  private readonly mirrors = new Map<'staff' | 'audience', ViewMirror>();

  /** The shared mirror, held strictly: a test client must never see a patch that does not fit. */
  private track(f: HubFrame): void {
    if (f.t === 'self') this.selfData = f.data;
    if (f.t !== 'sync') return;
    let m = this.mirrors.get(f.view);
    if (!m) this.mirrors.set(f.view, (m = new ViewMirror(f.view)));
    // Tests may hand a client a held view (a resume from another socket's state): start from it.
    const held = this.views[f.view];
    if (held && m.state?.serial !== held.serial) m.seed(held);
    const r = m.apply(f);
    if (!r.ok) throw new Error(`sync frame not applied (${r.code}): ${r.message}`);
    const st = m.state;
    if (st) this.views[f.view] = { serial: st.serial, epoch: st.epoch, doc: st.doc };
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  /** Resolves with the first frame (from index `from` on) matching `pred`. */
  waitFor(pred: (f: HubFrame) => boolean, opts: { from?: number; timeoutMs?: number } = {}): Promise<HubFrame> {
    return this.until(() => this.frames.slice(opts.from ?? 0).find(pred), opts.timeoutMs ?? 30_000, 'frame');
  }

  waitClosed(timeoutMs = 30_000): Promise<Closed> {
    return this.until(() => this.closed ?? undefined, timeoutMs, 'close');
  }

  /** Resolves once `check` returns a value other than undefined; re-checked on every frame. */
  until<T>(check: () => T | undefined, timeoutMs = 30_000, what = 'condition'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; last frames: ${JSON.stringify(this.frames.slice(-3))}`)), timeoutMs);
      const test = (): void => {
        const v = check();
        if (v !== undefined) {
          clearTimeout(timer);
          resolve(v);
          return;
        }
        if (this.closed && what !== 'close') {
          clearTimeout(timer);
          reject(new Error(`socket closed (${this.closed.code} ${this.closed.reason}) while waiting for ${what}`));
          return;
        }
        this.waiters.push(test);
      };
      test();
    });
  }

  close(): void {
    this.ws.close();
  }
}
