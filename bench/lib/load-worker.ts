/** A load-generating worker thread: connects its share of subscribers, then answers the benchmark's requests. */
import { parentPort, workerData } from 'node:worker_threads';
import { Histogram } from '../../src/shared/histogram';
import { HubSub, LoadCtx, SioSub, WsSub, type LoadClient } from './load-clients';
import type { FromLoad, LoadConfig, ToLoad } from './load-messages';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('load-worker runs as a worker thread');
  const cfg = workerData as LoadConfig;
  const post = (m: FromLoad): void => port.postMessage(m);
  const ctx = new LoadCtx(cfg.reconnectJitterMs);
  const clients: LoadClient[] = Array.from({ length: cfg.count }, (_, i) => {
    if (cfg.kind === 'hub') return new HubSub(ctx, cfg.url, cfg.code ?? '', cfg.first + i);
    if (cfg.kind === 'ws') return new WsSub(ctx, cfg.url);
    return new SioSub(ctx, cfg.url);
  });
  let stormTimer: NodeJS.Timeout | null = null;

  port.on('message', (m: ToLoad) => {
    switch (m.type) {
      case 'vote':
        for (const c of clients) if (c instanceof HubSub) c.vote(m.everyMs, m.pollId, m.options);
        return post({ type: 'reply', id: m.id });
      case 'reset':
        ctx.reset();
        return post({ type: 'reply', id: m.id });
      case 'collect': {
        let maxSerial = 0;
        let connected = 0;
        for (const c of clients) {
          if (c.connected) connected++;
          maxSerial = Math.max(maxSerial, c.serial);
        }
        return post({
          type: 'reply',
          id: m.id,
          stats: { connected, frames: ctx.frames, bytes: ctx.bytes, otherFrames: ctx.otherFrames, otherBytes: ctx.otherBytes, latency: ctx.latency.dump(), ack: ctx.ack.dump(), acks: ctx.acks, nacks: ctx.nacks, closes: ctx.closes, maxSerial },
        });
      }
      case 'storm': {
        const storm = { target: m.target, cutAt: m.cutAt, times: new Histogram(), resumed: 0, maxMs: 0, snapshots: 0, patches: 0 };
        ctx.storm = storm;
        ctx.reconnectJitterMs = m.jitterMs;
        for (const c of clients) c.arm();
        if (m.terminate) for (const c of clients) c.cut();
        const reply = (): void => {
          if (stormTimer) clearInterval(stormTimer);
          stormTimer = null;
          ctx.storm = null;
          post({ type: 'reply', id: m.id, storm: { clients: clients.length, resumed: storm.resumed, times: storm.times.dump(), maxMs: storm.maxMs, snapshots: storm.snapshots, patches: storm.patches } });
        };
        stormTimer = setInterval(() => {
          if (storm.resumed >= clients.length || Date.now() - m.cutAt > m.timeoutMs) reply();
        }, 20);
        return;
      }
      case 'stop':
        ctx.stopping = true;
        for (const c of clients) c.close();
        post({ type: 'reply', id: m.id });
        setTimeout(() => process.exit(0), 100).unref();
        return;
    }
  });

  let next = 0;
  let connected = 0;
  const errors: string[] = [];
  const lane = async (): Promise<void> => {
    while (next < clients.length) {
      const c = clients[next++] as LoadClient;
      try {
        await c.start();
        connected++;
      } catch (err) {
        if (errors.length < 5) errors.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: cfg.connectConcurrency }, lane));
  post({ type: 'connected', connected, failed: clients.length - connected, errors });
}

main().catch((err: unknown) => parentPort?.postMessage({ type: 'fatal', message: err instanceof Error ? err.message : String(err) } satisfies FromLoad));
