/**
 * One WebSocket session (PROTOCOL.md sections 1, 3, 4, 7): hello within 5 s, token check,
 * per-connection rate limit and malformed-frame budget, and the dispatch of every frame.
 * Rate limiting happens before parsing, so a flood costs the hub as little as possible.
 */
import type WebSocket from 'ws';
import {
  AT_EVERY_MS,
  CloseCode,
  HELLO_TIMEOUT_MS,
  MALFORMED_LIMIT,
  MALFORMED_WINDOW_MS,
  MAX_FRAME_BYTES,
  RATE,
  checkPub,
  decodeFrame,
  isStaff,
  type ClientFrame,
  type ErrorCode,
  type NackCode,
  type Role,
} from '../../shared/protocol';
import type { TokenClaims } from '../auth';
import { isEngineError } from '../engine/engine-error';
import type { EventRuntime } from '../event-runtime';
import { FloodDetector, TokenBucket } from '../rate-limit';
import { MAX_AUDIENCE_CONNECTIONS_PER_CLIENT } from '../client-registry';
import type { Subscriber } from '../subscriber';
import { HIGH_WATER_BYTES } from '../view-channel';
import { corked, writePrepared, type PreparedFrame } from './prepared-frame';

/** A pub's `data` above this is refused with nack too_large (P13), well under the 64 KiB frame cap. */
export const MAX_PUB_DATA_BYTES = 16 * 1024;

/** P27 `at` reports a connection may send at once per view before the once-a-second limit bites (note 53). */
export const AT_REPORT_BURST = 2;

export interface SessionHost {
  readonly node: string;
  readonly syncHz: number;
  verifyToken(token: string): Promise<{ ok: true; claims: TokenClaims } | { ok: false; reason: string }>;
  runtimeFor(eventId: string): Promise<EventRuntime | null>;
  /**
   * A session passed hello. `too_many`: its client is over P33's connection bound (closed 4011);
   * `revoked`: a revocation arrived while its hello was checked (P32, closed 4001).
   */
  onOpen(conn: Connection): 'ok' | 'too_many' | 'revoked';
  onClose(conn: Connection): void;
  /** P33: one frame from the client's bucket shared by all of its connections. */
  takeClientRate(conn: Connection, now: number): boolean;
  subscribeStats(conn: Connection, on: boolean): void;
  frameIn(): void;
  framesSent(kind: string, n: number): void;
  ackLatency(ms: number): void;
  /** P26: a client found its state did not match a frame's hash and re-subscribed. */
  divergence(view: 'staff' | 'audience'): void;
  /** P27: an `at` report came faster than once a second per view and was ignored (note 53). */
  atReportDropped(): void;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

type Phase = 'awaiting-hello' | 'authenticating' | 'ready' | 'closed';

export class Connection implements Subscriber {
  private phase: Phase = 'awaiting-hello';
  private claims: TokenClaims | null = null;
  private runtime: EventRuntime | null = null;
  private bucket: TokenBucket | null = null;
  private flood: FloodDetector | null = null;
  private malformed: number[] = [];
  private helloTimer: NodeJS.Timeout;
  private expiryTimer: NodeJS.Timeout | null = null;
  private rtts: number[] = [];
  /** P27: one `at` per view per second, with a burst of two for network jitter (note 53). */
  private readonly atBuckets = new Map<'staff' | 'audience', TokenBucket>();
  private pingSentAt = 0;
  /** A heartbeat ping waiting to ride on the next sync frame (see heartbeat). */
  private pingDue = false;
  lastHeard = Date.now();

  constructor(
    private readonly ws: WebSocket,
    readonly connectionId: string,
    private readonly host: SessionHost,
    private readonly requestedEvent: string | null,
  ) {
    this.helloTimer = setTimeout(() => this.close(CloseCode.noHello, 'no hello within 5 s'), HELLO_TIMEOUT_MS);
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('ping', (data) => this.onPing(data));
    ws.on('pong', () => this.onPong());
    ws.on('close', () => this.onClosed());
    ws.on('error', () => this.onClosed());
  }

  get clientId(): string {
    return this.claims?.clientId ?? '';
  }
  get role(): Role {
    return this.claims?.role ?? 'audience';
  }
  get watching(): 'room' | 'stream' {
    return this.claims?.watching ?? 'room';
  }
  get eventId(): string | null {
    return this.claims?.eventId ?? null;
  }
  get isReady(): boolean {
    return this.phase === 'ready';
  }

  /** Median RTT of the hub's WebSocket pings: stamped on entries for quiz lag compensation. */
  get medianRtt(): number | undefined {
    if (this.rtts.length === 0) return undefined;
    const sorted = [...this.rtts].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }

  // ---- Subscriber ----------------------------------------------------------------------
  sendRaw(frame: Buffer, kind: string): boolean {
    if (!this.mayQueue()) return false;
    this.ws.send(frame, { binary: false });
    this.host.framesSent(kind, 1);
    return true;
  }
  sendPrepared(frame: PreparedFrame): boolean {
    if (this.phase === 'closed' || this.ws.readyState !== this.ws.OPEN) return false;
    const ping = this.pingDue;
    if (ping) {
      this.pingDue = false;
      this.pingSentAt = performance.now();
    }
    writePrepared(this.ws, frame, ping);
    return true;
  }
  bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }
  /**
   * P33: nothing is queued past the bound (answers, history, errors, pongs alike); a peer that
   * does not read holds at most HIGH_WATER_BYTES plus one frame (docs/protocol-notes.md). Past it
   * the socket is closed as a slow consumer.
   */
  private mayQueue(): boolean {
    if (this.phase === 'closed' || this.ws.readyState !== this.ws.OPEN) return false;
    if (this.ws.bufferedAmount <= HIGH_WATER_BYTES) return true;
    this.closeSlow(`more than ${HIGH_WATER_BYTES} bytes queued`);
    return false;
  }
  /** P33's hub-wide budget: drop at once, without waiting for the peer to read a close frame. */
  shed(reason: string): void {
    this.host.log.warn({ connectionId: this.connectionId, reason, queued: this.ws.bufferedAmount }, 'shedding a slow consumer');
    this.close(CloseCode.slowConsumer, 'too slow to keep up');
    this.ws.terminate();
  }
  closeSlow(reason: string): void {
    this.host.log.warn({ connectionId: this.connectionId, reason }, 'closing slow consumer');
    this.close(CloseCode.slowConsumer, 'too slow to keep up');
  }

  send(frame: object, kind = 'control'): void {
    this.sendRaw(Buffer.from(JSON.stringify(frame)), kind);
  }

  close(code: number, reason: string): void {
    if (this.phase === 'closed') return;
    try {
      this.ws.close(code, reason.slice(0, 120));
    } catch {
      this.ws.terminate();
    }
    this.onClosed();
  }

  /** P32: the client's tokens were revoked; this connection ends as an expired one does. */
  revoke(): void {
    if (this.phase === 'closed') return;
    this.sendError('unauthorized', 'token revoked');
    this.close(CloseCode.unauthorized, 'token revoked');
  }

  /**
   * Hub-driven liveness (P10): a peer silent for `silentMs` is dropped; otherwise a WebSocket
   * ping is due, and goes out with the next sync frame this socket is written (one write, not
   * two: at 5,000 subscribers the heartbeat was 500 writes a second of its own), or alone from
   * `pingIfDue` if no frame took it.
   */
  heartbeat(now: number, silentMs: number): void {
    if (this.phase === 'closed') return;
    if (now - this.lastHeard > silentMs) {
      this.ws.terminate();
      this.onClosed();
      return;
    }
    this.pingDue = true;
  }

  /** The heartbeat's ping, sent alone if no sync frame took it since `heartbeat`. */
  pingIfDue(): void {
    if (this.pingDue && this.phase !== 'closed') this.ping();
  }

  private ping(): void {
    this.pingDue = false;
    this.pingSentAt = performance.now();
    try {
      this.ws.ping();
    } catch {
      /* socket already closing */
    }
  }

  /**
   * The hub answers WebSocket pings itself (the server runs with autoPong off): a control frame
   * never reaches the decoder, so without this a peer could have every ping answered at any rate
   * for ever, outside P24 (note 56). Pings take from the same buckets as every frame: over them
   * the pong is left out, and five times over for 10 s closes 4008. A pong is queued like any
   * frame (P33): past the bound the socket is closed 4009 instead.
   */
  private onPing(data: Buffer): void {
    if (this.phase === 'closed') return;
    this.lastHeard = Date.now();
    if (this.takeRate() !== 'ok' || !this.mayQueue()) return;
    try {
      this.ws.pong(data);
    } catch {
      /* socket already closing */
    }
  }

  private onPong(): void {
    this.lastHeard = Date.now();
    if (this.pingSentAt) {
      this.rtts.push(performance.now() - this.pingSentAt);
      if (this.rtts.length > 9) this.rtts.shift();
      this.pingSentAt = 0;
    }
  }

  private isClosed(): boolean {
    return this.phase === 'closed';
  }

  private onClosed(): void {
    if (this.phase === 'closed') return;
    const wasReady = this.phase === 'ready';
    this.phase = 'closed';
    clearTimeout(this.helloTimer);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.runtime?.detach(this);
    if (wasReady) this.host.onClose(this);
  }

  // ---- inbound ---------------------------------------------------------------------------
  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    try {
      this.handleMessage(data, isBinary);
    } catch (err) {
      // A bug reached by some input: answer it and keep the hub (and this socket) up.
      this.host.log.error({ err, connectionId: this.connectionId }, 'frame handler failed');
      this.sendError('internal', 'the hub failed to handle this frame');
    }
  }

  private handleMessage(data: WebSocket.RawData, isBinary: boolean): void {
    if (this.phase === 'closed') return;
    this.lastHeard = Date.now();
    this.host.frameIn();
    // Frames racing the token check are dropped, and before any decoding: without a bucket yet,
    // they would cost a JSON parse each (up to 64 KiB) at whatever rate the peer sends.
    if (this.phase === 'authenticating') return;
    const rate = this.takeRate();
    if (rate === 'closed') return;
    if (rate === 'over') return this.refuseRateLimited(data);
    if (isBinary) return this.malformedFrame('frames are UTF-8 text, not binary');
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    const decoded = decodeFrame(text);
    if (!decoded.ok) {
      if (decoded.code === 'too_large') return this.close(CloseCode.tooBig, decoded.message);
      return this.malformedFrame(decoded.message, this.phase === 'ready' ? decoded.nack : undefined);
    }
    const frame = decoded.frame;
    if (this.phase === 'awaiting-hello') {
      if (frame.t !== 'hello') return this.close(CloseCode.noHello, 'the first frame must be hello');
      this.phase = 'authenticating';
      void this.onHello(frame.token, frame.eventId).catch((err: unknown) => {
        if (isEngineError(err, 'corrupt_log') || isEngineError(err, 'unavailable')) {
          // One event's storage is down (quarantined log, unreachable store): say so; others serve.
          this.host.log.warn({ reason: err.message }, 'hello refused: event unavailable');
          this.send({ t: 'error', code: 'unavailable', message: `this event cannot be served right now: ${err.message}` });
          return this.close(1011, 'event unavailable');
        }
        this.host.log.error({ err }, 'hello failed');
        this.close(1011, 'internal error');
      });
      return;
    }
    if (this.phase !== 'ready') return; // closed meanwhile
    // A sub's answer and the self frame after it leave in one write.
    if (frame.t === 'sub') corked(this.ws, () => this.dispatch(frame));
    else this.dispatch(frame);
  }

  /**
   * P24 for one inbound frame, text or ping: a token from the connection's and the client's
   * buckets (none before hello), or `closed` once the flood has lasted 10 s (closed 4008 here).
   */
  private takeRate(): 'ok' | 'over' | 'closed' {
    if (!this.bucket || !this.flood) return 'ok';
    const now = Date.now();
    if (this.flood.offer(now)) {
      this.close(CloseCode.rateLimited, 'rate limit exceeded five times over for 10 s');
      return 'closed';
    }
    return this.bucket.take(now) && this.host.takeClientRate(this, now) ? 'ok' : 'over';
  }

  /** Over the limit: a pub gets its nack (P24); anything else an error frame. Parses minimally. */
  private refuseRateLimited(data: WebSocket.RawData): void {
    const raw = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
    if (raw.length < 512) {
      const m = /"t"\s*:\s*"pub"[\s\S]*?"id"\s*:\s*"([^"\\]{1,64})"|"id"\s*:\s*"([^"\\]{1,64})"[\s\S]*?"t"\s*:\s*"pub"/.exec(raw.toString('utf8'));
      const id = m?.[1] ?? m?.[2];
      if (id) return this.send({ t: 'nack', id, code: 'rate_limited', message: 'slow down: over the per-connection rate limit' });
    }
    this.sendError('rate_limited', 'slow down: over the per-connection rate limit');
  }

  /** P2's budget; a pub the decoder could still name gets its nack (P13) instead of an error. */
  private malformedFrame(message: string, nack?: { id: string; code: NackCode }): void {
    const now = Date.now();
    this.malformed.push(now);
    while (this.malformed.length && (this.malformed[0] ?? 0) < now - MALFORMED_WINDOW_MS) this.malformed.shift();
    if (this.malformed.length > MALFORMED_LIMIT) return this.close(CloseCode.malformed, 'too many malformed frames');
    if (nack) return this.send({ t: 'nack', id: nack.id, code: nack.code, message });
    this.sendError('malformed', message);
  }

  private sendError(code: ErrorCode, message: string): void {
    this.send({ t: 'error', code, message });
  }

  private async onHello(token: string, eventIdClaimed: string | undefined): Promise<void> {
    const v = await this.host.verifyToken(token);
    if (this.phase === 'closed') return;
    if (!v.ok) {
      this.sendError('unauthorized', v.reason === 'expired' ? 'token expired' : v.reason === 'revoked' ? 'token revoked' : 'invalid token');
      return this.close(CloseCode.unauthorized, 'unauthorized');
    }
    const wanted = eventIdClaimed ?? this.requestedEvent;
    if (wanted && wanted !== v.claims.eventId) {
      this.sendError('forbidden', 'this token is for another event');
      return this.close(CloseCode.forbidden, 'token for another event');
    }
    const runtime = await this.host.runtimeFor(v.claims.eventId);
    if (this.isClosed()) return;
    if (!runtime) {
      this.sendError('unauthorized', 'the token names an event this hub does not know');
      return this.close(CloseCode.unauthorized, 'unknown event');
    }
    clearTimeout(this.helloTimer);
    this.claims = v.claims;
    const admitted = this.host.onOpen(this);
    if (admitted === 'too_many') return this.close(CloseCode.tooManyConnections, `at most ${MAX_AUDIENCE_CONNECTIONS_PER_CLIENT} connections per client`);
    if (admitted === 'revoked') return this.revoke();
    this.runtime = runtime;
    const rate = isStaff(v.claims.role) ? RATE.staff : RATE.audience;
    this.bucket = new TokenBucket(rate.perSec, rate.burst, Date.now());
    this.flood = new FloodDetector(rate.perSec);
    this.phase = 'ready';
    runtime.attach(this);
    // P32: the token's expiry holds on a live connection too, not only at hello.
    const untilExp = Math.min(v.claims.exp * 1000 - Date.now(), 2 ** 31 - 1);
    this.expiryTimer = setTimeout(() => {
      this.sendError('unauthorized', 'token expired');
      this.close(CloseCode.unauthorized, 'token expired');
    }, Math.max(0, untilExp));
    this.expiryTimer.unref();
    corked(this.ws, () => this.welcome(runtime, v.claims, rate.perSec));
  }

  private welcome(runtime: EventRuntime, claims: TokenClaims, ratePerSec: number): void {
    this.send({
      t: 'welcome',
      connectionId: this.connectionId,
      clientId: claims.clientId,
      role: claims.role,
      eventId: claims.eventId,
      epoch: runtime.epoch,
      node: this.host.node,
      hubTime: Date.now(),
      limits: { maxFrameBytes: MAX_FRAME_BYTES, ratePerSec, syncHz: this.host.syncHz },
      // A moderator or producer joined by token never saw the code the host shares (notes 46).
      ...(isStaff(claims.role) ? { joinCode: runtime.meta.joinCode } : {}),
    });
    this.ping(); // first RTT sample right away, for quiz fairness
  }

  private dispatch(frame: ClientFrame): void {
    const rt = this.runtime as EventRuntime;
    switch (frame.t) {
      case 'hello':
        return this.sendError('malformed', 'already said hello');
      case 'ping':
        return this.send({ t: 'pong', id: frame.id, ts: frame.ts, hubTime: Date.now() }, 'pong');
      case 'pub':
        return void this.onPub(frame.id, frame.name, frame.data).catch((err: unknown) => this.fail(err));
      case 'history':
        if (!isStaff(this.role)) return this.sendError('forbidden', 'history is for staff roles');
        return void rt
          .history(frame.from, frame.limit)
          .then((h) => this.send({ t: 'history', ...h }, 'history'))
          .catch((err: unknown) => this.fail(err));
      case 'sub':
        if (frame.reason === 'hash_mismatch' && frame.view !== 'log' && frame.view !== 'stats') this.host.divergence(frame.view);
        if (frame.view === 'audience') return rt.subscribeView('audience', this, frame.since, frame.epoch);
        if (!isStaff(this.role)) return this.sendError('forbidden', `the ${frame.view} view is for staff roles`);
        if (frame.view === 'staff') return rt.subscribeView('staff', this, frame.since, frame.epoch);
        if (frame.view === 'log') return rt.subscribeLog(this, frame.since ?? 0);
        return this.host.subscribeStats(this, true);
      case 'unsub':
        if (frame.view === 'stats') return this.host.subscribeStats(this, false);
        return rt.unsubscribeView(frame.view, this);
      case 'at':
        if (!this.takeAtReport(frame.view)) return this.host.atReportDropped();
        return rt.reportAt(frame.view, this, frame.serial);
    }
  }

  /** P27 (note 53): an `at` past one a second per view is dropped without an answer; only the latest matters anyway. */
  private takeAtReport(view: 'staff' | 'audience'): boolean {
    const now = Date.now();
    let bucket = this.atBuckets.get(view);
    if (!bucket) this.atBuckets.set(view, (bucket = new TokenBucket(1000 / AT_EVERY_MS, AT_REPORT_BURST, now)));
    return bucket.take(now);
  }

  private async onPub(id: string, name: string, data: unknown): Promise<void> {
    const t0 = performance.now();
    const claims = this.claims as TokenClaims;
    const nack = (code: NackCode, message: string): void => this.send({ t: 'nack', id, code, message });
    // The decoder bounded `data`'s depth and width (json-bounds.ts), so this cannot recurse far.
    if (JSON.stringify(data ?? null).length > MAX_PUB_DATA_BYTES) return nack('too_large', `data exceeds ${MAX_PUB_DATA_BYTES} bytes`);
    const check = checkPub(claims.role, name, data);
    if (!check.ok) return nack(check.code, check.message);
    try {
      const rtt = this.medianRtt;
      const outcome = await (this.runtime as EventRuntime).publish({
        clientId: claims.clientId,
        id,
        name: check.name,
        role: claims.role,
        author: claims.name,
        data: check.data,
        ts: Date.now(),
        ...(rtt !== undefined ? { rttMs: Math.round(rtt) } : {}),
        ...(claims.watching === 'stream' ? { watching: 'stream' as const } : {}),
      });
      this.send(
        { t: 'ack', id, serial: outcome.serial, applied: outcome.applied, ...(outcome.reason ? { reason: outcome.reason } : {}), ...(outcome.dup ? { dup: true } : {}) },
        'ack',
      );
      this.host.ackLatency(performance.now() - t0);
    } catch (err) {
      this.fail(err, id);
    }
  }

  /** P34: a refused pub is named by its id, so the client knows what to resend (same id, P14). */
  private fail(err: unknown, id?: string): void {
    // Storage outages are expected and retried by the engine: one warning, not a stack per pub.
    if (isEngineError(err, 'unavailable')) this.host.log.warn({ connectionId: this.connectionId, reason: err.message }, 'storage refused a request');
    else this.host.log.error({ err, connectionId: this.connectionId }, 'request failed');
    const message = 'the hub could not store this right now; retry with the same id';
    this.send({ t: 'error', code: 'unavailable', message, ...(id !== undefined ? { id } : {}) });
  }
}
