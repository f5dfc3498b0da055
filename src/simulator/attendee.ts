/**
 * One virtual attendee: joins (P6), holds one WebSocket (hello, welcome, sub audience), keeps
 * a mirror of the audience view by snapshot and patch (P18, P19), publishes with ids it
 * resends after every reconnect until acked (P14 makes that exactly-once), stays under the
 * audience rate limit (P24), and reconnects with backoff, failing over along the hub list
 * and resuming with since+epoch. It checks every applied state against the frame's P26 hash
 * (a mismatch is a divergence: a fresh snapshot follows) and reports what it shows with P27
 * `at`, at most once a second.
 */
import WebSocket from 'ws';
import { AT_EVERY_MS, RATE, SUBPROTOCOL, type HubFrame, type MessageName, type SyncFrame } from '../shared/protocol';
import { Behaviour, type Actor } from './behaviour';
import { fullJitterDelay, hashCheck, TokenBucket, ViewMirror, type HubClock, type ViewCursor } from '../shared/client';
import { join, type Joined } from './join';
import { sourceAddressFor } from './options';
import type { Profile } from './profiles';
import type { CounterName, StatsBag } from './stats';
import { derive, type DocCache, type FrameCache, type HashCache } from './view-cache';

export interface WorkerContext {
  hubs: string[];
  code: string;
  profile: Profile;
  /** Drops per attendee per minute. */
  dropRate: number;
  spreadSources: boolean;
  stats: StatsBag;
  frames: FrameCache;
  docs: DocCache;
  hashes: HashCache;
  clock: HubClock;
  rand: () => number;
  /** See WorkerConfig.runTag. */
  runTag: string;
}

// Half the hub's audience budget (P24): a simulated phone never trips the limiter on its own.
const BUCKET = { perSec: RATE.audience.perSec / 2, burst: RATE.audience.burst / 2 };
const PING_EVERY_MS = 20_000;
const JOIN_ATTEMPTS = 8;

interface PendingPub {
  name: MessageName;
  data: unknown;
  sentAt: number;
}

export class Attendee implements Actor {
  private ws: WebSocket | null = null;
  private hub = 0;
  private identity: Joined | null = null;
  private isReady = false;
  private everReady = false;
  private readonly mirror: ViewMirror;
  private readonly pending = new Map<string, PendingPub>();
  private readonly ballots = new Set<string>();
  private seq = 0;
  private readonly bucket = new TokenBucket(BUCKET.perSec, BUCKET.burst, Date.now());
  private attempt = 0;
  private lastChatTs = 0;
  /** Hub time this connection was welcomed: chat stamped while we were away is not sync lag. */
  private connectedAtHub = Infinity;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private dropTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private atTimer: NodeJS.Timeout | null = null;
  private lastAtSent = -Infinity;
  private dropping = false;
  /** Draining: no new activity and no more simulated drops. */
  private quiet = false;
  private readonly behaviour: Behaviour;
  private firstReady: (ok: boolean) => void = () => undefined;
  /** Gave up for good (unknown join code, unauthorized). */
  failed = false;
  stopped = false;

  constructor(
    readonly index: number,
    private readonly ctx: WorkerContext,
  ) {
    this.behaviour = new Behaviour(this, ctx.profile, ctx.rand, ctx.clock, `${ctx.runTag}s${index}`);
    // The worker's DocCache applies each distinct patch once for every attendee on the same path,
    // and its HashCache hashes each resulting document once.
    this.mirror = new ViewMirror('audience', {
      patch: (doc, f) => ctx.docs.apply(doc, f.epoch, f.base, f.serial, f.patch),
      verify: hashCheck({ hashOf: (doc) => ctx.hashes.of(doc) }),
    });
  }

  get ready(): boolean {
    return this.isReady;
  }
  get doc(): unknown {
    return this.mirror.state?.doc;
  }
  get pendingCount(): number {
    return this.pending.size;
  }
  /** Polls this attendee holds an acked, applied ballot on. */
  get ballotPolls(): ReadonlySet<string> {
    return this.ballots;
  }

  count(name: CounterName): void {
    this.ctx.stats.count(name);
  }

  /** Joins and connects; resolves true at the first welcome, false if the attendee gave up. */
  start(): Promise<boolean> {
    return new Promise((resolve) => {
      this.firstReady = resolve;
      void this.joinAndConnect();
    });
  }

  /** Stops new activity; connections, resends and acks go on so in-flight pubs can settle. */
  quiesce(): void {
    this.quiet = true;
    this.behaviour.stop();
    if (this.dropTimer) clearTimeout(this.dropTimer);
    this.dropTimer = null;
  }

  close(): void {
    this.stopped = true;
    this.quiesce();
    for (const t of [this.reconnectTimer, this.pingTimer, this.atTimer]) if (t) clearTimeout(t);
    this.ws?.close(1000, 'simulation over');
    this.isReady = false;
    this.firstReady(false);
  }

  private giveUp(code: string): void {
    this.failed = true;
    this.ctx.stats.countKey('joinFailures', code);
    this.close();
  }

  private async joinAndConnect(): Promise<void> {
    for (let i = 0; i < JOIN_ATTEMPTS && !this.stopped; i++) {
      const hubUrl = this.ctx.hubs[this.hub] as string;
      const r = await join(hubUrl, this.ctx.code, `Sim ${this.index}`, sourceAddressFor(hubUrl, this.index, this.ctx.spreadSources));
      if (r.ok) {
        this.identity = r.joined;
        this.ctx.stats.count('joined');
        return this.connect();
      }
      if (!r.retryable) return this.giveUp(r.code);
      if (r.code !== 'rate_limited' && r.code !== 'http_429') this.hub = (this.hub + 1) % this.ctx.hubs.length;
      await new Promise((res) => setTimeout(res, this.backoffMs(i + 1)));
    }
    if (!this.stopped) this.giveUp('join_retries_exhausted');
  }

  private backoffMs(attempt: number): number {
    return 100 + fullJitterDelay(attempt, this.ctx.rand, { baseMs: 250, capMs: 10_000 });
  }

  private connect(): void {
    if (this.stopped || !this.identity) return;
    const hubUrl = this.ctx.hubs[this.hub] as string;
    const local = sourceAddressFor(hubUrl, this.index, this.ctx.spreadSources);
    const ws = new WebSocket(`${hubUrl.replace(/^http/, 'ws')}/v1/ws`, SUBPROTOCOL, {
      perMessageDeflate: false,
      handshakeTimeout: 15_000,
      ...(local ? { localAddress: local, family: 4 } : {}),
    });
    this.ws = ws;
    let welcomed = false;
    ws.on('open', () => this.send({ t: 'hello', token: this.identity?.token, client: { name: 'stagecall-simulator', version: '1' } }));
    ws.on('message', (data: Buffer) => {
      if (this.ws !== ws) return;
      const text = data.toString('utf8');
      this.ctx.stats.count('framesIn');
      this.ctx.stats.count('bytesIn', data.length);
      const d = this.ctx.frames.decode(text);
      if (!d.ok) return this.ctx.stats.countKey('errors', 'bad_frame');
      if (d.frame.t === 'welcome') welcomed = true;
      this.onFrame(d.frame);
    });
    ws.on('error', () => undefined); // 'close' follows
    ws.on('close', (code) => {
      if (this.ws !== ws) return;
      this.onClosed(code, welcomed);
    });
  }

  private onClosed(code: number, welcomed: boolean): void {
    const wasReady = this.isReady;
    this.ws = null;
    this.isReady = false;
    if (this.pingTimer) clearTimeout(this.pingTimer);
    if (this.dropTimer) clearTimeout(this.dropTimer);
    if (this.stopped) return;
    this.ctx.stats.countKey('closes', String(code));
    if (wasReady) this.ctx.stats.count('drops');
    if (code === 4001 || code === 4003) return this.giveUp(code === 4001 ? 'unauthorized' : 'forbidden');
    // A hub that is going away (P11), draining (P31) or never welcomed us: try the next one on the list.
    if (!welcomed || code === 1001 || code === 1012) this.hub = (this.hub + 1) % this.ctx.hubs.length;
    const delay = this.dropping ? 50 + this.ctx.rand() * 950 : this.backoffMs(++this.attempt);
    this.dropping = false;
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private onFrame(f: HubFrame): void {
    switch (f.t) {
      case 'welcome':
        return this.onWelcome(f.hubTime);
      case 'sync':
        return this.onSync(f);
      case 'ack': {
        const p = this.pending.get(f.id);
        if (!p) return;
        this.pending.delete(f.id);
        this.ctx.stats.count('acks');
        this.ctx.stats.ackMs.record(Date.now() - p.sentAt);
        if (f.dup) this.ctx.stats.count('dups');
        if (f.applied) {
          this.ctx.stats.count('applied');
          if (p.name === 'vote.cast') this.ballots.add((p.data as { pollId: string }).pollId);
        } else this.ctx.stats.countKey('notApplied', f.reason ?? 'unknown');
        return;
      }
      case 'nack': {
        this.ctx.stats.countKey('nacks', f.code);
        const p = this.pending.get(f.id);
        if (!p) return;
        // Over the limit: not in the log, so the same id may go again a little later (P13, P24).
        if (f.code === 'rate_limited') setTimeout(() => this.resend(f.id), 500 + this.ctx.rand() * 1_000);
        else this.pending.delete(f.id);
        return;
      }
      case 'error':
        this.ctx.stats.countKey('errors', f.code);
        // Storage trouble: every unacked pub goes again with its id (retry is safe, P14).
        if (f.code === 'unavailable') setTimeout(() => this.resendAll(), 500 + this.ctx.rand() * 1_000);
        return;
      case 'pong':
        if (typeof f.ts === 'number') this.ctx.clock.sample(Date.now() - f.ts, f.hubTime); // ts: our Date.now() at the ping
        return;
      default:
        return; // self frames and the rest: counted above, nothing to do
    }
  }

  private onWelcome(hubTime: number): void {
    this.ctx.clock.seed(hubTime);
    this.connectedAtHub = hubTime;
    if (this.everReady) this.ctx.stats.count('reconnects');
    this.isReady = true;
    this.attempt = 0;
    this.subscribe(this.mirror.cursor());
    this.resendAll();
    this.ping();
    this.scheduleDrop();
    if (!this.everReady) {
      this.everReady = true;
      this.firstReady(true);
    }
  }

  private subscribe(from: ViewCursor, diverged = false): void {
    this.send({ t: 'sub', view: 'audience', ...from, ...(diverged ? { reason: 'hash_mismatch' } : {}) });
  }

  /** P27: the serial now shown, at most once a second; a report held back sends the latest serial. */
  private reportAt(): void {
    if (this.atTimer) return;
    const send = (): void => {
      this.atTimer = null;
      const st = this.mirror.state;
      if (!st || !this.isReady) return;
      this.takeToken(); // it counts against the hub's rate limit like any frame
      this.send({ t: 'at', view: 'audience', serial: st.serial });
      this.lastAtSent = Date.now();
      this.ctx.stats.count('atSent');
    };
    const due = this.lastAtSent + AT_EVERY_MS - Date.now();
    if (due <= 0) send();
    else this.atTimer = setTimeout(send, due);
  }

  private onSync(f: SyncFrame): void {
    const r = this.mirror.apply(f);
    if (!r.ok) {
      // P19: not at base, or a patch that does not fit: the mirror names the cursor to ask with, once.
      if (r.code === 'resyncing' || r.code === 'other_view') return;
      this.ctx.stats.count('resyncs');
      if (r.code === 'patch_failed') this.ctx.stats.countKey('errors', 'patch_failed');
      // P26: the hub counts divergences it is told about in /metrics.
      if (r.code === 'hash_mismatch') this.ctx.stats.count('divergences');
      this.subscribe(r.resubscribe ?? {}, r.code === 'hash_mismatch');
      return;
    }
    this.reportAt();
    const doc = this.mirror.state?.doc;
    const d = derive(doc);
    if (r.kind === 'snapshot') {
      this.ctx.stats.count('snapshots');
      this.lastChatTs = Math.max(this.lastChatTs, ...d.chatTs);
      this.behaviour.start();
    } else {
      this.ctx.stats.count('patches');
      this.recordLag(d);
    }
    this.behaviour.onView(d);
  }

  /** Sync lag: our receipt on the hub's clock minus the hub's stamp of chat messages new in this patch. */
  private recordLag(d: ReturnType<typeof derive>): void {
    const ts = d.chatTs;
    if (ts.length === 0 || (ts[ts.length - 1] ?? 0) <= this.lastChatTs) return;
    const now = this.ctx.clock.now();
    for (let i = ts.length - 1; i >= 0 && (ts[i] ?? 0) > this.lastChatTs; i--) {
      const stamp = ts[i] ?? 0;
      if (stamp >= this.connectedAtHub) this.ctx.stats.syncLagMs.record(Math.max(0, now - stamp));
    }
    this.lastChatTs = ts[ts.length - 1] ?? this.lastChatTs;
  }

  publish(name: MessageName, data: unknown, essential: boolean): void {
    if (!this.takeToken() && !essential) return; // an impatient thumb, over budget: dropped
    if (!this.isReady && !essential) return;
    const id = `${this.seq++}`;
    this.pending.set(id, { name, data, sentAt: Date.now() });
    if (this.isReady) this.sendPub(id);
  }

  private resendAll(): void {
    for (const id of this.pending.keys()) this.sendPub(id);
  }

  private resend(id: string): void {
    if (this.pending.has(id) && this.isReady) this.sendPub(id);
  }

  private sendPub(id: string): void {
    const p = this.pending.get(id);
    if (!p) return;
    p.sentAt = Date.now();
    this.ctx.stats.count('pubsSent');
    this.send({ t: 'pub', id, name: p.name, data: p.data });
  }

  private send(frame: object): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    ws.send(JSON.stringify(frame));
    this.ctx.stats.count('framesOut');
  }

  private takeToken(): boolean {
    return this.bucket.take(Date.now());
  }

  private ping(): void {
    if (!this.isReady) return;
    this.takeToken();
    this.send({ t: 'ping', id: this.seq++, ts: Date.now() });
    this.pingTimer = setTimeout(() => this.ping(), PING_EVERY_MS * (0.5 + this.ctx.rand()));
  }

  /** A simulated network loss: the socket just dies (no close handshake), as on a phone in a lift. */
  private scheduleDrop(): void {
    if (this.ctx.dropRate <= 0 || this.stopped || this.quiet) return;
    const delay = (-Math.log(Math.max(this.ctx.rand(), 1e-12)) / this.ctx.dropRate) * 60_000;
    this.dropTimer = setTimeout(() => {
      if (!this.isReady || !this.ws) return;
      this.dropping = true;
      this.ws.terminate();
    }, delay);
  }
}
