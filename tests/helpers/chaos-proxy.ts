/**
 * A fault-injecting TCP proxy on loopback: forwards every connection to a target port and,
 * while chaos runs, cuts ALL of them at random intervals (RST toward the client, the
 * upstream side destroyed), the way a venue's Wi-Fi drops. Bytes in flight are lost.
 */
import net from 'node:net';

export interface ChaosOptions {
  minMs?: number;
  maxMs?: number;
  random?: () => number;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

export class ChaosProxy {
  /** Connections accepted so far. */
  accepted = 0;
  /** Times chaos (or cutAll) struck with at least one connection open. */
  cuts = 0;
  /** Connections cut. */
  cutConnections = 0;
  private readonly pairs = new Set<Pair>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    private targetPort: number,
  ) {}

  static async start(targetPort: number): Promise<ChaosProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const proxy = new ChaosProxy(server, (server.address() as net.AddressInfo).port, targetPort);
    server.on('connection', (client) => proxy.accept(client));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get open(): number {
    return this.pairs.size;
  }

  /** Cuts every open connection now; returns how many. */
  cutAll(): number {
    const n = this.pairs.size;
    for (const p of [...this.pairs]) this.drop(p, true);
    if (n > 0) this.cuts++;
    this.cutConnections += n;
    return n;
  }

  startChaos(opts: ChaosOptions = {}): void {
    const min = opts.minMs ?? 500;
    const max = opts.maxMs ?? 3_000;
    const random = opts.random ?? Math.random;
    const next = (): void => {
      this.timer = setTimeout(() => {
        this.cutAll();
        next();
      }, min + random() * (max - min));
    };
    this.stopChaos();
    next();
  }

  stopChaos(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  async close(): Promise<void> {
    this.stopChaos();
    for (const p of [...this.pairs]) this.drop(p, false);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.accepted++;
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    const pair: Pair = { client, upstream };
    this.pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = (): void => this.drop(pair, false);
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  }

  private drop(p: Pair, reset: boolean): void {
    if (!this.pairs.delete(p)) return;
    p.client.unpipe();
    p.upstream.unpipe();
    if (reset && typeof p.client.resetAndDestroy === 'function') p.client.resetAndDestroy();
    else p.client.destroy();
    if (reset && typeof p.upstream.resetAndDestroy === 'function') p.upstream.resetAndDestroy();
    else p.upstream.destroy();
  }
}
