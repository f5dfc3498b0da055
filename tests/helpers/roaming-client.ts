/**
 * A client that behaves as the audience page (or any correct integration) must in a cluster:
 * it holds the list of hub URLs and, whenever its socket closes, moves on to the next one;
 * after each welcome it re-subscribes with its serial + epoch (P18: the node answers with a
 * patch or a snapshot) and resends every unacked pub, in order, with its original id (P14).
 * `error unavailable` (the engine could not store, P16) means "not acked": the window is
 * resent after a short pause. Every frame is validated with the shared schema.
 */
import WebSocket from 'ws';
import { ViewMirror, type ViewState } from '../../src/shared/client';
import { CloseCode, decodeHubFrame, SUBPROTOCOL, type AckFrame, type HubFrame, type NackFrame, type SyncFrame } from '../../src/shared/protocol';

export interface Msg {
  id: string;
  name: string;
  data: unknown;
}

export interface RoamingOptions {
  urls: string[];
  token: string;
  /** Index in `urls` of the first node tried (then the next one after each close). */
  startAt?: number;
  view?: 'audience' | 'staff';
  /** Pubs in flight at once (default 1: one after another). */
  window?: number;
  /** Pause before resending after `error unavailable` or `rate_limited` (default 100 ms). */
  retryMs?: number;
}

export type HeldView = ViewState;

interface Settle {
  resolve: (f: AckFrame | NackFrame) => void;
  reject: (err: Error) => void;
}

export class RoamingClient {
  readonly acked = new Map<string, AckFrame>();
  readonly nacked = new Map<string, NackFrame>();
  /** Ids answered twice with different serials: must stay empty (P14). */
  readonly ackMismatches: string[] = [];
  /** Node of every welcome, in order. */
  readonly welcomes: string[] = [];
  readonly closeCodes: number[] = [];
  /** Milliseconds from each close to the next welcome: the time this client spent without a hub. */
  readonly gapsMs: number[] = [];
  private closedAt: number | null = null;
  /** Set when the hub refused this client for good (close 4001/4003): it stops, pending pubs reject. */
  failure: string | null = null;
  dupAcks = 0;
  unavailable = 0;
  invalidFrames = 0;
  snapshots = 0;
  patches = 0;
  /** Patches that did not fit the held view (a re-sub followed). */
  resyncs = 0;
  /** How the view came back after each reconnect: the first sync on the new socket. */
  readonly resumedBy: Array<'patch' | 'snapshot'> = [];
  /** The held view (the shared mirror's state). */
  get view(): HeldView | null {
    return this.mirror?.state ?? null;
  }
  private readonly mirror: ViewMirror | null;
  self: unknown = null;
  private readonly queue: Msg[] = [];
  private readonly inflight = new Set<string>();
  private readonly settleFns = new Map<string, Settle[]>();
  private readonly wakers = new Set<() => void>();
  private ws: WebSocket | null = null;
  private idx: number;
  private ready = false;
  private stopped = false;
  private failures = 0;
  private pause: NodeJS.Timeout | null = null;
  /** A re-sub is on its way: patches that do not fit are expected until its answer. */
  private resumePending = false;
  private readonly window: number;
  private readonly retryMs: number;

  private constructor(private readonly opts: RoamingOptions) {
    this.idx = opts.startAt ?? 0;
    this.window = opts.window ?? 1;
    this.retryMs = opts.retryMs ?? 100;
    this.mirror = opts.view ? new ViewMirror(opts.view) : null;
  }

  /** Connects; resolves after the first welcome (and, with a view, its first sync). */
  static async start(opts: RoamingOptions, timeoutMs = 30_000): Promise<RoamingClient> {
    const c = new RoamingClient(opts);
    c.connect();
    await c.until(() => (c.ready && (!opts.view || c.view) ? true : undefined), timeoutMs, 'first welcome');
    return c;
  }

  get connected(): boolean {
    return this.ready;
  }
  /** The node of the current connection (null between connections). */
  get node(): string | null {
    return this.ready ? (this.welcomes[this.welcomes.length - 1] ?? null) : null;
  }
  /** Nothing left unacked (nacked messages count as settled). */
  get settled(): boolean {
    return this.queue.length === 0;
  }

  /** Queues a pub; it is sent (and resent) until acked or nacked, which resolves the promise. */
  publish(msg: Msg): Promise<AckFrame | NackFrame> {
    const p = new Promise<AckFrame | NackFrame>((resolve, reject) => {
      if (this.failure) return reject(new Error(this.failure));
      const list = this.settleFns.get(msg.id) ?? [];
      list.push({ resolve, reject });
      this.settleFns.set(msg.id, list);
    });
    this.queue.push(msg);
    this.pump();
    return p;
  }

  /** Sends a raw frame now if connected (e.g. a pub repeated on purpose); false otherwise. */
  sendRaw(frame: unknown): boolean {
    if (!this.ready || !this.ws) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Resolves once `check` returns a value; re-checked on every frame and close. */
  until<T>(check: () => T | undefined, timeoutMs = 30_000, what = 'condition'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.wakers.delete(test);
        reject(new Error(`timed out waiting for ${what} (node ${this.node}, welcomes ${this.welcomes.join(',')}, closes ${this.closeCodes.join(',')})`));
      }, timeoutMs);
      const test = (): void => {
        const v = check();
        if (v === undefined) return;
        clearTimeout(timer);
        this.wakers.delete(test);
        resolve(v);
      };
      this.wakers.add(test);
      test();
    });
  }

  close(): void {
    this.stopped = true;
    if (this.pause) clearTimeout(this.pause);
    this.ws?.terminate();
  }

  // ---- connection ----------------------------------------------------------------

  private connect(): void {
    if (this.stopped) return;
    const url = this.opts.urls[this.idx % this.opts.urls.length] as string;
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/ws`, SUBPROTOCOL, { perMessageDeflate: false });
    this.ws = ws;
    ws.on('open', () => ws.send(JSON.stringify({ t: 'hello', token: this.opts.token, client: { name: 'roaming-test', version: '0' } })));
    ws.on('message', (data: Buffer) => {
      if (this.ws === ws) this.onText(data.toString('utf8'));
    });
    ws.on('error', () => undefined); // `close` follows
    ws.on('close', (code) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.ready = false;
      this.closeCodes.push(code);
      this.closedAt ??= performance.now();
      this.wake();
      if (this.stopped) return;
      if (code === CloseCode.unauthorized || code === CloseCode.forbidden) return this.fail(`closed ${code} by ${url}`);
      // Next URL, after a short jittered backoff (the first retry almost at once).
      this.idx++;
      this.failures++;
      const delay = Math.random() * Math.min(1_000, 50 * 2 ** (this.failures - 1));
      setTimeout(() => this.connect(), delay);
    });
  }

  private onText(text: string): void {
    const d = decodeHubFrame(text);
    if (!d.ok) {
      this.invalidFrames++;
      return;
    }
    this.onFrame(d.frame);
    this.wake();
  }

  private onFrame(f: HubFrame): void {
    switch (f.t) {
      case 'welcome':
        this.ready = true;
        this.failures = 0;
        this.welcomes.push(f.node);
        if (this.closedAt !== null) this.gapsMs.push(performance.now() - this.closedAt);
        this.closedAt = null;
        if (this.opts.view) {
          this.resumePending = this.view !== null;
          this.subscribe(this.view ? { since: this.view.serial, epoch: this.view.epoch } : {});
        }
        this.inflight.clear(); // nothing is in flight on a new socket: resend from the first unacked
        this.pump();
        return;
      case 'ack':
        return this.onAck(f);
      case 'nack':
        this.inflight.delete(f.id);
        if (f.code === 'rate_limited') return this.pauseThenResend();
        this.settle(f);
        return this.pump();
      case 'error':
        if (f.code === 'unavailable') {
          this.unavailable++;
          this.pauseThenResend();
        }
        return;
      case 'sync':
        return this.onSync(f);
      case 'self':
        this.self = f.data;
        return;
      default:
        return;
    }
  }

  private onAck(f: AckFrame): void {
    this.inflight.delete(f.id);
    if (f.dup) this.dupAcks++;
    const first = this.acked.get(f.id);
    if (first) {
      if (first.serial !== f.serial) this.ackMismatches.push(`${f.id}: ${first.serial} then ${f.serial}`);
    } else if (this.queue.some((m) => m.id === f.id)) {
      this.acked.set(f.id, f);
      this.settle(f);
    }
    this.pump();
  }

  private settle(f: AckFrame | NackFrame): void {
    if (f.t === 'nack') this.nacked.set(f.id, f);
    const at = this.queue.findIndex((m) => m.id === f.id);
    if (at >= 0) this.queue.splice(at, 1);
    for (const fn of this.settleFns.get(f.id) ?? []) fn.resolve(f);
    this.settleFns.delete(f.id);
  }

  /** Not acked: forget what is in flight and send it all again (same ids) after a pause. */
  private pauseThenResend(): void {
    this.inflight.clear();
    if (this.pause) return;
    this.pause = setTimeout(() => {
      this.pause = null;
      this.pump();
    }, this.retryMs);
  }

  private pump(): void {
    if (!this.ready || !this.ws || this.pause) return;
    for (const m of this.queue) {
      if (this.inflight.size >= this.window) break;
      if (this.inflight.has(m.id)) continue;
      this.ws.send(JSON.stringify({ t: 'pub', id: m.id, name: m.name, data: m.data }));
      this.inflight.add(m.id);
    }
  }

  private fail(reason: string): void {
    this.failure = reason;
    this.stopped = true;
    for (const list of this.settleFns.values()) for (const fn of list) fn.reject(new Error(reason));
    this.settleFns.clear();
  }

  // ---- view ----------------------------------------------------------------------

  private subscribe(from: { since?: number; epoch?: string }): void {
    this.ws?.send(JSON.stringify({ t: 'sub', view: this.opts.view, ...from }));
  }

  private onSync(f: SyncFrame): void {
    if (!this.mirror || f.view !== this.opts.view) return;
    if (this.resumePending) {
      this.resumePending = false;
      this.resumedBy.push('patch' in f ? 'patch' : 'snapshot');
    }
    const r = this.mirror.apply(f);
    if (!r.ok) {
      // P19: the mirror names the cursor to ask with, once per gap.
      if (r.resubscribe) {
        this.resyncs++;
        this.subscribe(r.resubscribe);
      }
      return;
    }
    if (r.kind === 'snapshot') this.snapshots++;
    else this.patches++;
  }

  private wake(): void {
    for (const w of [...this.wakers]) w();
  }
}
