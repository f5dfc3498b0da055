/**
 * The ConsoleApi over the web host's `/bridge` WebSocket (src/main/web-host.ts), for the
 * console UI running in a plain browser. The session cookie the page was loaded with
 * authenticates the socket. Reconnects with backoff; a request waits for the connection
 * up to its timeout, and always resolves with a Result (never rejects). A request whose
 * answer was lost with the connection is NOT resent (a publish must not be doubled): it
 * resolves with `unavailable`, and the outbox events show whether it was queued.
 */
import type { ConsoleApi, ConsoleError, EventName, Events, RequestName, RequestPayload, Responses, Result } from '../../../shared/console-api';
import { fullJitterDelay } from '../../../shared/client/backoff';
import { LONG_REQUEST_MS } from '../../../shared/request-timeouts';

/** The part of the browser's WebSocket the bridge uses (so tests can hand in another). */
export interface BridgeSocket {
  readonly readyState: number;
  send(text: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface WebBridgeOptions {
  /** Default: ws(s)://<this page's host>/bridge. */
  url?: string;
  /** Per request, from the call until its answer (default 15 s; LONG_REQUEST_MS names the longer ones). */
  timeoutMs?: number;
  createSocket?: (url: string) => BridgeSocket;
  backoff?: { baseMs: number; capMs: number };
  random?: () => number;
}

export interface WebBridge extends ConsoleApi {
  readonly connected: boolean;
  /** Called with true on every open and false on every close of the socket to the web host. */
  onConnection(cb: (up: boolean) => void): () => void;
  /** Closes the socket for good (tests, page unload). */
  close(): void;
}

interface Pending {
  text: string;
  sent: boolean;
  timer: ReturnType<typeof setTimeout>;
  resolve: (r: Result<unknown>) => void;
}

const OPEN = 1;
const unavailable = (message: string): { ok: false; error: ConsoleError } => ({ ok: false, error: { code: 'unavailable', message } });

/** Browser globals, typed here so this file also compiles (and is tested) under Node. */
const browser = globalThis as unknown as { location: { protocol: string; host: string }; WebSocket: new (url: string) => BridgeSocket };

function defaultUrl(): string {
  const loc = browser.location;
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/bridge`;
}

export function createWebBridge(opts: WebBridgeOptions = {}): WebBridge {
  const url = opts.url ?? defaultUrl();
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const createSocket = opts.createSocket ?? ((u: string) => new browser.WebSocket(u));
  const backoff = opts.backoff ?? { baseMs: 250, capMs: 5_000 };
  const random = opts.random ?? Math.random;
  const pending = new Map<number, Pending>();
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const connectionListeners = new Set<(up: boolean) => void>();
  const tellConnection = (up: boolean): void => {
    for (const fn of [...connectionListeners]) fn(up);
  };
  let socket: BridgeSocket | null = null;
  let isOpen = false;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  let nextId = 1;

  const settle = (id: number, result: Result<unknown>): void => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(result);
  };

  const dispatch = (event: EventName, payload: unknown): void => {
    for (const fn of [...(listeners.get(event) ?? [])]) {
      try {
        (fn as (p: unknown) => void)(payload);
      } catch (err) {
        console.error(`[bridge] ${event} listener failed`, err);
      }
    }
  };

  const onMessage = (data: unknown): void => {
    if (typeof data !== 'string') return;
    let msg: unknown;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null) return;
    const m = msg as { id?: unknown; result?: unknown; event?: unknown; payload?: unknown };
    if (typeof m.event === 'string') dispatch(m.event as EventName, m.payload);
    else if (typeof m.id === 'number' && typeof m.result === 'object' && m.result !== null) settle(m.id, m.result as Result<unknown>);
  };

  const connect = (): void => {
    if (closed) return;
    const s = createSocket(url);
    socket = s;
    s.onopen = () => {
      if (socket !== s) return;
      isOpen = true;
      attempt = 0;
      tellConnection(true);
      for (const p of pending.values()) {
        if (p.sent) continue;
        s.send(p.text);
        p.sent = true;
      }
    };
    s.onmessage = (ev) => socket === s && onMessage(ev.data);
    s.onerror = () => undefined; // close follows
    s.onclose = () => {
      if (socket !== s) return;
      socket = null;
      isOpen = false;
      tellConnection(false);
      // Sent but unanswered: the core may or may not have done it; the caller must look, not retry blindly.
      for (const [id, p] of [...pending]) if (p.sent) settle(id, unavailable('lost the connection to the console before it answered; check the outbox before trying again'));
      if (closed) return;
      const delay = fullJitterDelay(attempt++, random, backoff) + 50;
      retryTimer = setTimeout(connect, delay);
    };
  };

  const request = <N extends RequestName>(name: N, payload: RequestPayload<N>): Promise<Result<Responses[N]>> =>
    new Promise<Result<unknown>>((resolve) => {
      if (closed) return resolve(unavailable('the console bridge is closed'));
      const id = nextId++;
      const limit = LONG_REQUEST_MS[name] ?? timeoutMs;
      const p: Pending = {
        text: JSON.stringify({ id, name, payload }),
        sent: false,
        timer: setTimeout(() => settle(id, unavailable(`the console did not answer within ${Math.round(limit / 1000)} s`)), limit),
        resolve,
      };
      pending.set(id, p);
      if (socket && isOpen && socket.readyState === OPEN) {
        socket.send(p.text);
        p.sent = true;
      }
    }) as Promise<Result<Responses[N]>>;

  const on = <E extends EventName>(event: E, listener: (payload: Events[E]) => void): (() => void) => {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    const fn = listener as (payload: never) => void;
    set.add(fn);
    return () => {
      listeners.get(event)?.delete(fn);
    };
  };

  connect();

  return {
    request,
    on,
    get connected() {
      return isOpen;
    },
    onConnection(cb) {
      connectionListeners.add(cb);
      return () => connectionListeners.delete(cb);
    },
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const s = socket;
      socket = null;
      isOpen = false;
      s?.close(1000, 'bridge closed');
      for (const id of [...pending.keys()]) settle(id, unavailable('the console bridge is closed'));
    },
  };
}
