/** The benchmark's side of its load workers: start them, ask all of them, merge what they say. */
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { Histogram } from '../../src/shared/histogram';
import { spawnWorker } from '../../src/simulator/spawn-worker';
import type { FromLoad, LoadConfig, LoadKind, LoadStats, StormStats, ToLoad } from './load-messages';

type Body<T> = T extends { id: number } ? Omit<T, 'id'> : never;

export interface MergedStats {
  connected: number;
  frames: number;
  bytes: number;
  otherFrames: number;
  otherBytes: number;
  latency: Histogram;
  ack: Histogram;
  acks: number;
  nacks: Record<string, number>;
  closes: Record<string, number>;
  maxSerial: number;
}

export interface MergedStorm {
  clients: number;
  resumed: number;
  times: Histogram;
  maxMs: number;
  snapshots: number;
  patches: number;
}

const addAll = (into: Record<string, number>, from: Record<string, number>): void => {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
};

export class LoadPool {
  private seq = 0;
  private readonly waiting = new Map<number, { left: number; replies: Array<Extract<FromLoad, { type: 'reply' }>>; resolve: (r: Array<Extract<FromLoad, { type: 'reply' }>>) => void }>();
  connected = 0;
  failed = 0;
  errors: string[] = [];

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers)
      w.on('message', (m: FromLoad) => {
        if (m.type !== 'reply') return;
        const wait = this.waiting.get(m.id);
        if (!wait) return;
        wait.replies.push(m);
        if (--wait.left === 0) {
          this.waiting.delete(m.id);
          wait.resolve(wait.replies);
        }
      });
  }

  static async start(o: { kind: LoadKind; url: string; code?: string; clients: number; workers: number; connectConcurrency?: number; reconnectJitterMs?: number | null }): Promise<LoadPool> {
    const n = Math.max(1, Math.min(o.workers, o.clients));
    const workers: Worker[] = [];
    const ready: Array<Promise<Extract<FromLoad, { type: 'connected' }>>> = [];
    let first = 0;
    for (let w = 0; w < n; w++) {
      const count = Math.floor(o.clients / n) + (w < o.clients % n ? 1 : 0);
      const cfg: LoadConfig = { worker: w, kind: o.kind, url: o.url, count, first, ...(o.code ? { code: o.code } : {}), connectConcurrency: o.connectConcurrency ?? 50, reconnectJitterMs: o.reconnectJitterMs === undefined ? 1_000 : o.reconnectJitterMs };
      first += count;
      const wk = spawnWorker(path.join(__dirname, 'load-worker.ts'), cfg);
      workers.push(wk);
      ready.push(
        new Promise((resolve, reject) => {
          wk.on('message', (m: FromLoad) => {
            if (m.type === 'connected') resolve(m);
            if (m.type === 'fatal') reject(new Error(m.message));
          });
          wk.once('error', reject);
        }),
      );
    }
    const pool = new LoadPool(workers);
    for (const r of await Promise.all(ready)) {
      pool.connected += r.connected;
      pool.failed += r.failed;
      pool.errors.push(...r.errors);
    }
    return pool;
  }

  private ask(body: Body<ToLoad>): Promise<Array<Extract<FromLoad, { type: 'reply' }>>> {
    const id = this.seq++;
    return new Promise((resolve) => {
      this.waiting.set(id, { left: this.workers.length, replies: [], resolve });
      for (const w of this.workers) w.postMessage({ ...body, id } as ToLoad);
    });
  }

  async reset(): Promise<void> {
    await this.ask({ type: 'reset' });
  }

  async vote(everyMs: number, pollId: string, options: string[]): Promise<void> {
    await this.ask({ type: 'vote', everyMs, pollId, options });
  }

  async collect(): Promise<MergedStats> {
    const out: MergedStats = { connected: 0, frames: 0, bytes: 0, otherFrames: 0, otherBytes: 0, latency: new Histogram(), ack: new Histogram(), acks: 0, nacks: {}, closes: {}, maxSerial: 0 };
    for (const r of await this.ask({ type: 'collect' })) {
      const s = r.stats as LoadStats;
      out.connected += s.connected;
      out.frames += s.frames;
      out.bytes += s.bytes;
      out.otherFrames += s.otherFrames;
      out.otherBytes += s.otherBytes;
      out.latency.merge(Histogram.load(s.latency));
      out.ack.merge(Histogram.load(s.ack));
      out.acks += s.acks;
      addAll(out.nacks, s.nacks);
      addAll(out.closes, s.closes);
      out.maxSerial = Math.max(out.maxSerial, s.maxSerial);
    }
    return out;
  }

  /** Arms every worker's storm timer (and, with `terminate`, cuts every socket); resolves when all resumed or timed out. */
  async storm(o: { target: number; cutAt: number; terminate: boolean; timeoutMs: number; jitterMs: number | null }): Promise<MergedStorm> {
    const out: MergedStorm = { clients: 0, resumed: 0, times: new Histogram(), maxMs: 0, snapshots: 0, patches: 0 };
    for (const r of await this.ask({ type: 'storm', ...o })) {
      const s = r.storm as StormStats;
      out.clients += s.clients;
      out.resumed += s.resumed;
      out.times.merge(Histogram.load(s.times));
      out.maxMs = Math.max(out.maxMs, s.maxMs);
      out.snapshots += s.snapshots;
      out.patches += s.patches;
    }
    return out;
  }

  async stop(): Promise<void> {
    await Promise.race([this.ask({ type: 'stop' }), new Promise((r) => setTimeout(r, 5_000))]);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
