/**
 * The hub process's wiring: HTTP API + WebSocket sessions + event runtimes + metrics, over one
 * engine. A library function, so the console can run a hub in-process (local-event mode).
 */
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { WebSocketServer } from 'ws';
import { CloseCode, DEFAULT_SYNC_HZ, MAX_FRAME_BYTES, SILENT_PEER_MS, SUBPROTOCOL, type DeliveryStats } from '../shared/protocol';
import { answerClientError, parseRequestTarget, upgradeRefusal } from '../shared/request-target';
import { TokenAuthority } from './auth';
import { DEFAULT_IDLE_UNLOAD_MS, type Engine, type SnapshotPolicy } from './engine/engine';
import { RevocationSet } from './engine/revocations';
import { drainEvenly } from './drain';
import { EventRuntime } from './event-runtime';
import { HubApi } from './http/api';
import { HttpError, sendError } from './http/json';
import { StaticFiles } from './http/static-files';
import { AddressConnections } from './address-connections';
import { ClientRegistry } from './client-registry';
import { newConnectionId } from './ids';
import { HubMetrics } from './metrics';
import { HIGH_WATER_BYTES } from './view-channel';
import { DEFAULT_QUEUE_BUDGET_BYTES, overBudget } from './queue-budget';
import { Connection, type SessionHost } from './ws/connection';

export interface HubOptions {
  engine: Engine;
  adminKey: string;
  port?: number;
  /** 127.0.0.1 by default; 0.0.0.0 to be reachable on the LAN (local events). */
  host?: string;
  node?: string;
  syncHz?: number;
  /** Connections this node is sized for: `load` in stats is measured against it. */
  capacity?: number;
  /**
   * Concurrent TCP connections one remote address may hold (HTTP and WebSocket, any phase); over
   * it a 429 (note 54). Default: `capacity`, so a venue behind one NAT still fits; 0: no bound.
   */
  maxConnectionsPerAddress?: number;
  /** The built audience app; defaults to out/audience in the project. */
  staticDir?: string;
  /** P6: joins per second per remote address (default 50, burst 4x). */
  joinRatePerSec?: number;
  /** P31: the window a drain spreads its 1012 closes over (default 10 s). */
  drainSeconds?: number;
  /** Called once a drain closed every socket, however it was started (`npm run hub` exits then). */
  onDrained?: () => void;
  /**
   * Issue 11 item 8: the origins phones may use for this hub's cluster (`--public-url`), in
   * `/v1/join`'s answer and `GET /v1/hubs`. The audience page sends a token only to these, the
   * hub that issued it, or its own origin, whatever its `?hubs=` says.
   */
  publicUrls?: string[];
  /** P33: bytes queued for all sockets together before the slowest are shed (default 256 MiB). */
  queueBudgetBytes?: number;
  /** An event with no member and no publish for this long (ms) is unloaded until next needed (default 5 min). */
  idleUnloadMs?: number;
  /** P10: how often every socket is pinged (ms; default 10 s; tests shorten it). */
  heartbeatMs?: number;
  /** Issue 18: verified tokens remembered for the next hello (default DEFAULT_TOKEN_CACHE_SIZE; 0: verify every hello). */
  tokenCacheSize?: number;
  /** Issue 18: when event runtimes write state snapshots (default DEFAULT_SNAPSHOTS). */
  snapshots?: SnapshotPolicy;
  logger?: pino.Logger;
}

export interface Hub {
  readonly url: string;
  readonly port: number;
  readonly node: string;
  readonly engine: Engine;
  readonly draining: boolean;
  /**
   * P31: health turns 503, new WebSockets are refused with 503 and every socket is closed with
   * 1012, evenly over `seconds` (default: the hub's drainSeconds). Resolves once none is left;
   * calling it again returns the same drain.
   */
  drain(seconds?: number): Promise<void>;
  /** Graceful: stop accepting, flush pending appends, close every socket with 1001 (P11). */
  close(): Promise<void>;
}

const HEARTBEAT_MS = 10_000;
/** How long a heartbeat ping waits for a sync frame to ride on before it goes alone (2.5 ticks at 10 Hz). */
const PING_RIDE_MS = 250;
/**
 * Connections the kernel may hold for us to accept (capped by net.core.somaxconn, 4096 on
 * current Linux). Node's default, 511, overflows in a reconnect storm: the kernel drops the
 * SYNs past it and each phone's TCP stack tries again only after 1 s, then 3 s, 7 s, 15 s,
 * which is what made the 5,000-phone storm's p99 5-18 s while hub and clients were half idle.
 */
const LISTEN_BACKLOG = 8_192;
const DEFAULT_CAPACITY = 5_000;
const HEADERS_TIMEOUT_MS = 10_000;
/** Note 62: requests one HTTP socket may have waiting for their answers (browsers send one at a time). */
const MAX_PIPELINED_REQUESTS = 16;
/** Note 57: frames one message may come in, and TCP reads one unfinished frame may take. */
const MAX_MESSAGE_FRAGMENTS = 64;
const MAX_BUFFERED_READS = 1_024;
const REQUEST_TIMEOUT_MS = 30_000;

export async function startHub(opts: HubOptions): Promise<Hub> {
  const node = opts.node ?? `${os.hostname().split('.')[0]}-${process.pid}`;
  const syncHz = opts.syncHz ?? DEFAULT_SYNC_HZ;
  const log = opts.logger ?? pino({ level: process.env.STAGECALL_LOG_LEVEL ?? 'info' });
  const startedAt = Date.now();
  const engine = opts.engine;
  const tokens = new TokenAuthority(opts.adminKey, await engine.tokenSecret(), opts.tokenCacheSize !== undefined ? { cacheSize: opts.tokenCacheSize } : {});
  const metrics = new HubMetrics(opts.capacity ?? DEFAULT_CAPACITY);
  metrics.trackTokenCache(tokens.cache);
  metrics.trackEventTroubles(() => engine.troubles?.() ?? []);
  /** Runtimes that finished opening, for what /metrics reads synchronously. */
  const openRuntimes = new Map<string, EventRuntime>();
  metrics.trackEventsLoaded(() => openRuntimes.size);
  metrics.trackAudienceShare(() => [...openRuntimes.values()].map((r) => ({ eventId: r.meta.eventId, local: r.localAudience, cluster: r.clusterAudience })));
  const files = new StaticFiles(opts.staticDir ?? path.join(__dirname, '..', '..', 'out', 'audience'));
  const runtimes = new Map<string, Promise<EventRuntime | null>>();
  const connections = new Set<Connection>();
  const clients = new ClientRegistry<Connection>(); // P33
  // P32: revocations this node heard of, for sessions whose hello was checked just before one
  // arrived; hello itself asks the engine. Bounded: lapsed ones are pruned as new ones come.
  const heardRevoked = new RevocationSet();
  const stopRevocations = engine.onRevoked((r) => {
    heardRevoked.prune(Date.now());
    heardRevoked.add(r);
    const live = clients.connectionsOf(r.eventId, r.clientId);
    if (live.length) log.info({ eventId: r.eventId, clientId: r.clientId, connections: live.length }, 'revoked: closing live connections');
    for (const c of live) c.revoke();
  });
  const statsSubs = new Set<Connection>();
  let closing = false;
  let drained: Promise<void> | null = null;
  let drainWindowS = opts.drainSeconds ?? 10;

  /** Unloaded events whose next hub timer (P28) must still fire: woken then. */
  const wakeTimers = new Map<string, NodeJS.Timeout>();

  const runtimeFor = (eventId: string): Promise<EventRuntime | null> => {
    let rt = runtimes.get(eventId);
    if (!rt) {
      clearTimeout(wakeTimers.get(eventId));
      wakeTimers.delete(eventId);
      rt = engine.getEvent(eventId).then((meta) =>
        meta
          ? EventRuntime.open(engine, meta, {
              node,
              syncHz,
              onFanout: (view, ms, sent) => {
                metrics.fanout(view, ms);
                metrics.framesSent('sync', sent);
              },
              onError: (err) => log.error({ err, eventId }, 'event runtime error'),
              notice: (message) => log.warn({ eventId }, message),
              ...(opts.snapshots ? { snapshots: opts.snapshots } : {}),
              onEnded: (ended, reason) => {
                log.warn({ eventId, reason }, 'event runtime ended');
                runtimes.delete(eventId);
                openRuntimes.delete(eventId);
                for (const m of ended.memberList) if (m instanceof Connection) m.close(CloseCode.goingAway, reason);
              },
            })
          : null,
      );
      rt.then(
        (r) => {
          if (!r) return;
          openRuntimes.set(eventId, r);
          log.info({ eventId, serial: r.serial, fromSnapshot: r.restoredFrom }, 'event opened');
        },
        () => runtimes.delete(eventId),
      );
      runtimes.set(eventId, rt);
    }
    return rt;
  };

  // Idle events (issue 11): memory, timers and open files follow the events in use. An unloaded
  // event reopens on its next hello or HTTP use by folding its log, exactly as after a restart.
  const idleUnloadMs = opts.idleUnloadMs ?? DEFAULT_IDLE_UNLOAD_MS;
  const wakeFor = (eventId: string, at: number): void => {
    clearTimeout(wakeTimers.get(eventId));
    const t = setTimeout(() => {
      wakeTimers.delete(eventId);
      runtimeFor(eventId).catch((err: unknown) => log.error({ err, eventId }, 'waking an idle event for its timer failed'));
    }, Math.min(Math.max(0, at - Date.now()), 2 ** 31 - 1));
    t.unref();
    wakeTimers.set(eventId, t);
  };
  const unloadIdle = async (): Promise<void> => {
    const now = performance.now();
    const closing: Array<Promise<void>> = [];
    for (const [eventId, rt] of openRuntimes) {
      const idle = rt.idleMs(now);
      if (idle === null || idle < idleUnloadMs) continue;
      // Synchronous with the idle check: a hello from now on opens a fresh runtime.
      runtimes.delete(eventId);
      openRuntimes.delete(eventId);
      const wakeAt = rt.nextTimerAt;
      closing.push(rt.close().then(() => (wakeAt === null ? undefined : wakeFor(eventId, wakeAt))));
    }
    await Promise.all(closing);
  };
  const idleSweep = setInterval(() => void unloadIdle().catch((err: unknown) => log.error({ err }, 'unloading idle events failed')), Math.max(50, Math.min(idleUnloadMs / 2, 30_000)));
  idleSweep.unref();

  const host: SessionHost = {
    node,
    syncHz,
    verifyToken: async (t) => {
      // The signature check is cached per token (issue 18); revocation (P32) is asked every time.
      const v = await tokens.verify(t);
      if (v.ok && (await engine.isRevoked(v.claims.eventId, v.claims.clientId))) return { ok: false, reason: 'revoked' };
      return v;
    },
    runtimeFor,
    onOpen: (c) => {
      if (heardRevoked.has(c.eventId ?? '', c.clientId, Date.now())) return 'revoked';
      if (!clients.admit(c)) return 'too_many';
      connections.add(c);
      metrics.connectionOpened(c.role, c.eventId);
      return 'ok';
    },
    onClose: (c) => {
      clients.release(c);
      connections.delete(c);
      statsSubs.delete(c);
      metrics.connectionClosed(c.role, c.eventId);
    },
    takeClientRate: (c, now) => clients.take(c, now),
    subscribeStats: (c, on) => (on ? statsSubs.add(c) : statsSubs.delete(c)),
    frameIn: () => metrics.frameIn(),
    framesSent: (kind, n) => metrics.framesSent(kind, n),
    ackLatency: (ms) => metrics.ack(ms),
    divergence: (view) => metrics.divergence(view),
    atReportDropped: () => metrics.atReportDropped(),
    log,
  };

  const api = new HubApi({
    engine,
    tokens,
    node,
    startedAt,
    isDraining: () => drained !== null,
    drain: (seconds) => {
      const already = drained !== null;
      void drain(seconds);
      return { connections: connections.size, drainSeconds: drainWindowS, alreadyDraining: already };
    },
    ...(opts.joinRatePerSec ? { joinRatePerSec: opts.joinRatePerSec } : {}),
    metricsText: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
    streamDelayOf: async (eventId) => (await runtimeFor(eventId))?.streamDelayMs ?? 0,
    publicUrls: opts.publicUrls ?? [],
  });

  // Node's own 400 for an HTTP/1.1 request without Host has an empty, non-JSON body: the hub
  // refuses it itself, in PROTOCOL.md's error shape like every other refusal.
  // Note 54: a request must have sent its headers within 10 s and all of itself within 30 s
  // (Node: 60 s and 300 s, checked every 30 s), so half-sent requests cannot pile up.
  // Note 62: HTTP/1.1 lets a peer pipeline requests on one socket without reading a single answer,
  // and Node queues every answer for it: bounded here like a WebSocket's queue (P33).
  const answering = new WeakMap<net.Socket, number>();
  const server = http.createServer({ requireHostHeader: false, headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1_000 }, (req, res) => {
    const socket = req.socket;
    const inFlight = (answering.get(socket) ?? 0) + 1;
    if (inFlight > MAX_PIPELINED_REQUESTS || socket.writableLength > HIGH_WATER_BYTES) {
      metrics.connectionRefused('pipelined');
      return void socket.destroy();
    }
    answering.set(socket, inFlight);
    res.once('close', () => answering.set(socket, (answering.get(socket) ?? 1) - 1));
    if (req.headers.host === undefined && req.httpVersion === '1.1') return sendError(res, new HttpError(400, 'bad_request', 'an HTTP/1.1 request needs a Host header'));
    const target = parseRequestTarget(req.url);
    if (!target.ok) return sendError(res, new HttpError(target.status, target.code, target.message));
    const pathname = target.pathname;
    api
      .handle(req, res, pathname)
      .then((handled) => {
        if (handled) return;
        if ((req.method === 'GET' || req.method === 'HEAD') && files.serve(req, pathname, res)) return;
        sendError(res, new HttpError(404, 'not_found', `nothing at ${pathname.slice(0, 200)}`));
      })
      .catch((err: unknown) => {
        if (res.headersSent) return void res.destroy();
        if (err instanceof HttpError) return sendError(res, err);
        log.error({ err, path: pathname }, 'http handler failed');
        sendError(res, new HttpError(500, 'internal', 'the hub failed to handle this request'));
      });
  });
  server.keepAliveTimeout = 5_000;
  // Node leaves every header past the 2,000th out of req.headers without a word (a late
  // Content-Type or Content-Length then seems absent); the 16 KB header-size limit bounds them anyway.
  server.maxHeadersCount = 0;
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => answerClientError(err, socket));
  // Note 54: one remote address holds at most so many sockets at once, whatever they are doing.
  const perAddress = new AddressConnections(opts.maxConnectionsPerAddress ?? opts.capacity ?? DEFAULT_CAPACITY);
  server.prependListener('connection', (socket: net.Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    if (perAddress.admit(address)) return void socket.once('close', () => perAddress.release(address));
    metrics.connectionRefused('per_address');
    socket.on('error', () => socket.destroy());
    socket.end(upgradeRefusal(429, { code: 'too_many_connections', message: `at most ${perAddress.max} connections at once from one address` }), () => socket.destroy());
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES, // P2: ws closes with 1009 above it
    perMessageDeflate: false, // per-socket compression would defeat send-once fan-out
    autoPong: false, // Connection answers pings within P24's rate and P33's bound (note 56)
    // Note 57: a message still arriving is held whole, each fragment and each TCP read as an
    // object of its own (~130 B and ~250 B for one byte sent); ws allows 16,384 and 262,144, so a
    // message that never ends cost 2-15 MB a connection. Clients send a message as one frame.
    maxFragments: MAX_MESSAGE_FRAGMENTS,
    maxBufferedChunks: MAX_BUFFERED_READS,
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });

  // ws's own handshake refusals (bad Sec-WebSocket-Key or -Version, not a GET) are text/html:
  // answer them in PROTOCOL.md's JSON error shape instead, like every other refusal.
  wss.on('wsClientError', (err, socket, req) => {
    const notGet = req.method !== 'GET';
    socket.end(upgradeRefusal(notGet ? 405 : 400, { code: notGet ? 'method_not_allowed' : 'bad_request', message: err.message }));
  });

  server.on('upgrade', (req, socket, head) => {
    // Node hands the raw socket over without an error listener: a peer reset must not crash us.
    socket.on('error', () => socket.destroy());
    const target = parseRequestTarget(req.url);
    if (!target.ok) return void socket.end(upgradeRefusal(400, target));
    if (target.pathname !== '/v1/ws' || closing) return void socket.end(upgradeRefusal(404, { code: 'not_found', message: 'WebSockets are served at /v1/ws' }));
    // P31: a draining node takes no new sessions; the client moves to the next hub URL.
    if (drained) return void socket.end(upgradeRefusal(503, { code: 'draining', message: 'this hub is draining; use another hub URL' }));
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new Connection(ws, newConnectionId(), host, target.query.get('event'));
      // Sessions not yet past hello still count for shutdown.
      ws.once('close', () => connections.delete(conn));
      connections.add(conn);
    });
  });

  // P10: each ping rides on the socket's next sync frame if one goes out within PING_RIDE_MS.
  let pingsAlone: NodeJS.Timeout | null = null;
  const heartbeat = setInterval(() => {
    const now = Date.now();
    for (const c of connections) c.heartbeat(now, SILENT_PEER_MS);
    if (pingsAlone) clearTimeout(pingsAlone);
    pingsAlone = setTimeout(() => {
      pingsAlone = null;
      for (const c of connections) c.pingIfDue();
    }, PING_RIDE_MS);
    pingsAlone.unref();
  }, opts.heartbeatMs ?? HEARTBEAT_MS);
  heartbeat.unref();

  const queueBudget = opts.queueBudgetBytes ?? DEFAULT_QUEUE_BUDGET_BYTES;
  const statsTimer = setInterval(() => {
    metrics.tick();
    for (const c of overBudget(connections, queueBudget)) c.shed(`the hub's outbound queues are over their ${queueBudget}-byte budget`);
    if (statsSubs.size === 0) return;
    const snap = metrics.snapshot();
    void (async () => {
      const perEvent = new Map<
        string,
        { online: number; nodes: Array<{ node: string; online: number; connections: number }>; delivery?: { audience: DeliveryStats } }
      >();
      for (const c of statsSubs) {
        const eventId = c.eventId;
        if (!eventId || perEvent.has(eventId)) continue;
        const rt = await runtimeFor(eventId);
        const nodes = await engine.presence(eventId).catch(() => []);
        perEvent.set(eventId, {
          online: rt?.online ?? 0,
          nodes: nodes.length ? nodes : [{ node, online: rt?.localAudience ?? 0, connections: connections.size }],
          ...(rt ? { delivery: { audience: rt.deliveryStats() } } : {}),
        });
      }
      for (const c of statsSubs) {
        const ev = perEvent.get(c.eventId ?? '');
        c.send({ t: 'stats', ts: Date.now(), node, nodes: ev?.nodes ?? [], audienceOnline: ev?.online ?? 0, ...snap, ...(ev?.delivery ? { delivery: ev.delivery } : {}) }, 'stats');
      }
    })().catch((err: unknown) => log.error({ err }, 'stats failed'));
  }, 1_000);
  statsTimer.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1', backlog: LISTEN_BACKLOG }, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 0);
  const shownHost = !opts.host || opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
  const url = `http://${shownHost}:${port}`;

  const drain = (seconds?: number): Promise<void> => {
    if (!drained) {
      drainWindowS = seconds ?? drainWindowS;
      log.info({ node, connections: connections.size, drainSeconds: drainWindowS }, 'draining');
      metrics.setDraining(true);
      drained = drainEvenly([...connections], drainWindowS * 1000, CloseCode.serviceRestart, 'node draining').done;
      void drained.then(() => {
        log.info({ node }, 'drained');
        opts.onDrained?.();
      });
    }
    return drained;
  };

  const close = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    stopRevocations();
    clearInterval(heartbeat);
    if (pingsAlone) clearTimeout(pingsAlone);
    clearInterval(statsTimer);
    clearInterval(idleSweep);
    for (const t of wakeTimers.values()) clearTimeout(t);
    server.close();
    const rts = (await Promise.all([...runtimes.values()].map((p) => p.catch(() => null)))).filter((r): r is EventRuntime => r !== null);
    await Promise.all(rts.map((r) => r.close()));
    for (const c of [...connections]) c.close(CloseCode.goingAway, 'hub shutting down');
    for (const ws of wss.clients) ws.close(CloseCode.goingAway, 'hub shutting down');
    wss.close();
    server.closeAllConnections();
    await engine.close();
    metrics.close();
  };

  return {
    url,
    port,
    node,
    engine,
    get draining() {
      return drained !== null;
    },
    drain,
    close,
  };
}
