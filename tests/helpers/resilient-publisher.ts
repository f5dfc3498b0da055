/**
 * A test publisher that behaves like a correct client (P14, P16): keeps a window of pubs in
 * flight, and after any disconnect reconnects and resends every unacked message, in order,
 * with its original id.
 */
import type { AckFrame, HubFrame } from '../../src/shared/protocol';
import { TestClient } from './test-client';

export interface Msg {
  id: string;
  name: string;
  data: unknown;
}

export class ResilientPublisher {
  readonly acked = new Map<string, AckFrame>();
  readonly nacked = new Map<string, HubFrame>();
  reconnects = 0;
  private client: TestClient | null = null;
  private stopped = false;

  constructor(
    private readonly url: () => string,
    private readonly token: string,
    readonly msgs: Msg[],
    private readonly window = 10,
    private readonly onAck: () => void = () => undefined,
  ) {}

  get done(): boolean {
    return this.acked.size + this.nacked.size === this.msgs.length;
  }

  async run(): Promise<void> {
    while (!this.done && !this.stopped) {
      const c = await this.connect();
      if (!c) continue;
      await this.pump(c);
      if (!this.done) this.reconnects++;
    }
    this.client?.close();
  }

  stop(): void {
    this.stopped = true;
    this.client?.close();
  }

  private async connect(): Promise<TestClient | null> {
    try {
      const c = await TestClient.connect(this.url(), this.token);
      if (c.frames[0]?.t !== 'welcome') {
        c.close();
        throw new Error(`no welcome: ${JSON.stringify(c.frames[0])}`);
      }
      this.client = c;
      return c;
    } catch {
      await new Promise((r) => setTimeout(r, 50)); // the hub is restarting: try again shortly
      return null;
    }
  }

  /** Sends from the first unsettled message on; resolves when all settled or the socket closed. */
  private pump(c: TestClient): Promise<void> {
    return new Promise((resolve) => {
      const pending = this.msgs.filter((m) => !this.acked.has(m.id) && !this.nacked.has(m.id));
      let next = 0;
      let inflight = 0;
      const fill = (): void => {
        while (inflight < this.window && next < pending.length && !c.closed) {
          const m = pending[next++] as Msg;
          c.send({ t: 'pub', id: m.id, name: m.name, data: m.data });
          inflight++;
        }
        if (this.done || c.closed) resolve();
      };
      c.ws.on('message', (raw) => {
        const f = JSON.parse(raw.toString()) as HubFrame;
        if (f.t === 'ack') {
          this.acked.set(f.id, f);
          inflight--;
          this.onAck();
        } else if (f.t === 'nack') {
          if (f.code === 'rate_limited') {
            // Not settled: send it again on the next pass.
            pending.push(this.msgs.find((m) => m.id === f.id) as Msg);
          } else this.nacked.set(f.id, f);
          inflight--;
        } else return;
        fill();
      });
      c.ws.on('close', () => resolve());
      fill();
    });
  }
}
