/**
 * The subscribers a load worker runs, one class per server kind. Each counts delivered frames
 * and records publish-to-receipt latency from the publisher's timestamp in the payload.
 * Hub subscribers are real protocol clients: hello, sub audience, a mirror kept by patch
 * (shared per worker where identical, see src/simulator/view-cache.ts), resume with since+epoch.
 */
import WebSocket from 'ws';
import { io, type Socket } from 'socket.io-client';
import { decodeHubFrameLight, fullJitterDelay, retryDelay, ViewMirror, type ViewCursor } from '../../src/shared/client';
import { Histogram } from '../../src/shared/histogram';
import { SUBPROTOCOL } from '../../src/shared/protocol';
import { join } from '../../src/simulator/join';
import { DocCache, FrameCache } from '../../src/simulator/view-cache';

export const nowMs = (): number => performance.timeOrigin + performance.now();

export class LoadCtx {
  frames = 0;
  bytes = 0;
  /** Frames that are not sync (acks, self, pongs) and their bytes: the rest of a phone's downstream. */
  otherFrames = 0;
  otherBytes = 0;
  latency = new Histogram();
  ack = new Histogram();
  acks = 0;
  nacks: Record<string, number> = {};
  closes: Record<string, number> = {};
  /** What a phone's client checks of each frame (src/shared/client/decode-hub-frame.ts), not the simulator's full schemas. */
  readonly frameCache = new FrameCache(decodeHubFrameLight);
  readonly docs = new DocCache();
  storm: { target: number; cutAt: number; times: Histogram; resumed: number; maxMs: number; snapshots: number; patches: number } | null = null;
  stopping = false;

  constructor(public reconnectJitterMs: number | null) {}

  /** A client of the storm under way holds the view again: its time since the cut. */
  recordResumed(): void {
    const storm = this.storm;
    if (!storm) return;
    const ms = Date.now() - storm.cutAt;
    storm.times.record(ms);
    storm.resumed++;
    storm.maxMs = Math.max(storm.maxMs, ms);
  }

  reset(): void {
    this.frames = 0;
    this.bytes = 0;
    this.otherFrames = 0;
    this.otherBytes = 0;
    this.latency = new Histogram();
    this.ack = new Histogram();
    this.acks = 0;
    this.nacks = {};
    this.closes = {};
  }
}

export interface LoadClient {
  readonly connected: boolean;
  /** Resolves when connected (and, for the hub, subscribed), or rejects. */
  start(): Promise<void>;
  cut(): void;
  close(): void;
  readonly serial: number;
  /** hub: the storm target has been reached, on a connection opened after the storm was armed. */
  resumed: boolean;
  /** hub: forget resumption; only connections welcomed from now on count. */
  arm(): void;
}

/**
 * A load client's socket and when it reconnects after a close: as the shared client does
 * (retryDelay: a handover within 1 s, a cut with full jitter from 500 ms) or, with a fixed
 * jitter, the first attempt within 0..jitter ms and then capped backoff. One policy for every
 * server kind, so a storm against the bare relay retries exactly as one against the hub.
 */
abstract class ReconnectingSub {
  protected ws: WebSocket | null = null;
  /** The current connection was welcomed. */
  protected ready = false;
  private attempt = 0;
  /** Attempts failed since the last welcome, as the shared client counts them. */
  private failures = 0;
  private handoverAt: number | null = null;

  constructor(protected readonly ctx: LoadCtx) {}

  /** Makes `ws` the client's socket; its close is counted and then `reopen()` (if it names one) runs after the policy's delay. */
  protected track(ws: WebSocket, reopen: () => (() => void) | null): void {
    this.ws = ws;
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      if (this.ws !== ws) return;
      const wasReady = this.ready;
      this.ws = null;
      this.ready = false;
      if (this.ctx.stopping) return;
      this.ctx.closes[code] = (this.ctx.closes[code] ?? 0) + 1;
      const next = reopen();
      if (next) setTimeout(next, this.delayAfterClose(code, wasReady));
    });
  }

  private delayAfterClose(code: number, wasReady: boolean): number {
    const handover = wasReady && (code === 1001 || code === 1012);
    if (!handover) this.failures++;
    else this.handoverAt = Date.now();
    const jitterMs = this.ctx.reconnectJitterMs;
    if (jitterMs !== null) return this.attempt++ === 0 ? Math.random() * jitterMs : fullJitterDelay(this.attempt, Math.random, { baseMs: 100, capMs: 2_000 });
    return retryDelay({ handover, sinceHandoverMs: this.handoverAt === null ? null : Date.now() - this.handoverAt, failures: this.failures, random: Math.random });
  }

  protected welcomed(): void {
    this.ready = true;
    this.attempt = 0;
    this.failures = 0;
    this.handoverAt = null;
  }
}

/** Chat texts the benchmark host sends: `bench <seq> <epoch ms>`. */
const chatStamps = new WeakMap<object, Array<[number, number]>>();
function stampsOf(doc: unknown): Array<[number, number]> {
  if (doc === null || typeof doc !== 'object') return [];
  let s = chatStamps.get(doc);
  if (!s) {
    s = [];
    for (const m of (doc as { chat?: Array<{ text: string }> }).chat ?? []) {
      const parts = m.text.split(' ');
      if (parts[0] === 'bench') s.push([Number(parts[1]), Number(parts[2])]);
    }
    chatStamps.set(doc, s);
  }
  return s;
}

export class HubSub extends ReconnectingSub implements LoadClient {
  private token = '';
  private readonly mirror: ViewMirror;
  private lastSeq = -1;
  private voteTimer: NodeJS.Timeout | null = null;
  private readonly votes = new Map<string, number>();
  private n = 0;
  private onFirstView: (() => void) | null = null;
  private freshSinceArm = false;
  resumed = false;

  constructor(
    ctx: LoadCtx,
    private readonly url: string,
    private readonly code: string,
    private readonly index: number,
  ) {
    super(ctx);
    this.mirror = new ViewMirror('audience', { patch: (doc, f) => ctx.docs.apply(doc, f.epoch, f.base, f.serial, f.patch) });
  }

  private subscribe(from: ViewCursor): void {
    this.ws?.send(JSON.stringify({ t: 'sub', view: 'audience', ...from }));
  }

  get connected(): boolean {
    return this.ready;
  }
  get serial(): number {
    return this.mirror.state?.serial ?? 0;
  }

  async start(): Promise<void> {
    const r = await join(this.url, this.code, `Load ${this.index}`, undefined);
    if (!r.ok) throw new Error(`join: ${r.code} ${r.message}`);
    this.token = r.joined.token;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no view within 60 s')), 60_000);
      this.onFirstView = () => {
        clearTimeout(timer);
        resolve();
      };
      this.connect();
    });
  }

  private connect(): void {
    if (this.ctx.stopping) return;
    const ws = new WebSocket(`${this.url.replace(/^http/, 'ws')}/v1/ws`, SUBPROTOCOL, { perMessageDeflate: false, handshakeTimeout: 30_000 });
    this.track(ws, () => () => this.connect());
    ws.on('open', () => ws.send(JSON.stringify({ t: 'hello', token: this.token })));
    ws.on('message', (data: Buffer) => this.onMessage(data));
  }

  private onMessage(data: Buffer): void {
    const text = data.toString('utf8');
    const d = this.ctx.frameCache.decode(text);
    if (!d.ok) return;
    const f = d.frame;
    if (f.t !== 'sync') {
      this.ctx.otherFrames++;
      this.ctx.otherBytes += data.length;
    }
    if (f.t === 'welcome') {
      this.welcomed();
      this.freshSinceArm = true;
      this.subscribe(this.mirror.cursor());
      return;
    }
    if (f.t === 'ack' || f.t === 'nack') {
      const sent = this.votes.get(f.id);
      if (sent === undefined) return;
      this.votes.delete(f.id);
      if (f.t === 'ack') {
        this.ctx.acks++;
        this.ctx.ack.record(nowMs() - sent);
      } else this.ctx.nacks[f.code] = (this.ctx.nacks[f.code] ?? 0) + 1;
      return;
    }
    if (f.t !== 'sync') return;
    this.ctx.frames++;
    this.ctx.bytes += data.length;
    const storm = this.ctx.storm;
    const r = this.mirror.apply(f);
    if (!r.ok) {
      if (r.resubscribe) this.subscribe(r.resubscribe); // P19: once per gap, from the cursor the mirror names
      return;
    }
    const doc = this.mirror.state?.doc;
    if (r.kind === 'snapshot') {
      const s = stampsOf(doc);
      this.lastSeq = Math.max(this.lastSeq, s[s.length - 1]?.[0] ?? -1);
      if (storm) storm.snapshots++;
    } else {
      if (storm) storm.patches++;
      const s = stampsOf(doc);
      const now = nowMs();
      for (let i = s.length - 1; i >= 0; i--) {
        const [seq, ms] = s[i] as [number, number];
        if (seq <= this.lastSeq) break;
        this.ctx.latency.record(Math.max(0, now - ms));
      }
      this.lastSeq = Math.max(this.lastSeq, s[s.length - 1]?.[0] ?? -1);
    }
    if (storm && this.freshSinceArm && !this.resumed && this.serial >= storm.target) {
      this.resumed = true;
      this.ctx.recordResumed();
    }
    if (this.onFirstView) {
      this.onFirstView();
      this.onFirstView = null;
    }
  }

  /**
   * Votes on `pollId`: a first ballot within a second, then a changed ballot every `everyMs`
   * (jittered), alternating options; 0 stops. With results hidden a changed ballot moves the
   * staff tallies but not the audience view, so the view's change rate stays the host's.
   */
  vote(everyMs: number, pollId: string, options: string[]): void {
    if (this.voteTimer) clearTimeout(this.voteTimer);
    this.voteTimer = null;
    if (everyMs <= 0) return;
    const next = (delay: number): void => {
      this.voteTimer = setTimeout(() => {
        if (this.ready && this.ws) {
          const id = `v${this.n++}`;
          this.votes.set(id, nowMs());
          this.ws.send(JSON.stringify({ t: 'pub', id, name: 'vote.cast', data: { pollId, optionIds: [options[this.n % options.length]] } }));
        }
        next(everyMs * (0.5 + Math.random()));
      }, delay);
    };
    next(Math.random() * 1_000);
  }

  arm(): void {
    this.resumed = false;
    this.freshSinceArm = false;
  }

  cut(): void {
    this.ws?.terminate();
  }

  close(): void {
    if (this.voteTimer) clearTimeout(this.voteTimer);
    this.ws?.terminate();
  }
}

/**
 * A bare relay's subscriber (bench/lib/bare-ws-server.ts). In a storm it stands for the floor
 * of a reconnect: after its socket is cut it reconnects on the hub clients' policy and makes
 * the same two round trips a hub client makes (hello, answered by a welcome-sized frame; sub,
 * answered by a sync-sized frame), with no token, state or validation behind them.
 */
export class WsSub extends ReconnectingSub implements LoadClient {
  private static last: { text: string; ts: number } = { text: '', ts: 0 };
  /** Set by a cut: from then on a close reconnects and each connection says hello. */
  private storming = false;
  private freshSinceArm = false;
  resumed = false;
  readonly serial = 0;

  constructor(
    ctx: LoadCtx,
    private readonly url: string,
  ) {
    super(ctx);
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = this.open();
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
  }

  private open(): WebSocket {
    const ws = new WebSocket(this.url, { perMessageDeflate: false, handshakeTimeout: 30_000 });
    this.track(ws, () => (this.storming ? () => void this.open() : null));
    if (this.storming) ws.on('open', () => ws.send('{"t":"hello"}'));
    ws.on('message', (data: Buffer) => this.onMessage(ws, data));
    return ws;
  }

  private onMessage(ws: WebSocket, data: Buffer): void {
    const now = nowMs();
    const text = data.toString('utf8');
    if (text.startsWith('{"t":"welcome"')) {
      this.welcomed();
      this.freshSinceArm = true;
      ws.send('{"t":"sub"}');
      return;
    }
    if (text.startsWith('{"t":"sync"')) {
      if (this.ctx.storm && this.freshSinceArm && !this.resumed) {
        this.resumed = true;
        this.ctx.recordResumed();
      }
      return;
    }
    // Every client parses; the same bytes in a row are parsed once per worker.
    if (text !== WsSub.last.text) WsSub.last = { text, ts: (JSON.parse(text) as { ts: number }).ts };
    this.ctx.frames++;
    this.ctx.bytes += data.length;
    this.ctx.latency.record(Math.max(0, now - WsSub.last.ts));
  }

  arm(): void {
    this.resumed = false;
    this.freshSinceArm = false;
  }
  cut(): void {
    this.storming = true;
    this.ws?.terminate();
  }
  close(): void {
    this.ws?.terminate();
  }
}

export class SioSub implements LoadClient {
  private socket: Socket | null = null;
  resumed = false;
  readonly serial = 0;

  constructor(
    private readonly ctx: LoadCtx,
    private readonly url: string,
  ) {}

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = io(this.url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 30_000 });
      this.socket = s;
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
      s.on('disconnect', (reason) => {
        if (!this.ctx.stopping) this.ctx.closes[reason] = (this.ctx.closes[reason] ?? 0) + 1;
      });
      s.on('b', (p: { ts: number; pad: string }) => {
        this.ctx.frames++;
        this.ctx.bytes += p.pad.length + 40;
        this.ctx.latency.record(Math.max(0, nowMs() - p.ts));
      });
    });
  }

  arm(): void {
    this.resumed = false;
  }
  cut(): void {
    this.socket?.disconnect();
  }
  close(): void {
    this.socket?.disconnect();
  }
}
