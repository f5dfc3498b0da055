/**
 * The hub's own numbers: Prometheus metrics for /metrics (P7) and the per-second `stats`
 * frame (P23). One Registry per hub so several hubs can live in one process (tests, console).
 */
import client from 'prom-client';
import { Histogram } from '../shared/histogram';
import { LoopDelay } from '../shared/node/loop-delay';
import type { Role } from '../shared/protocol';
import type { EventTrouble } from './engine/engine';

const LOOP_SAMPLE_MS = 50;

export interface StatsSnapshot {
  connections: Record<string, number>;
  framesInPerSec: number;
  framesOutPerSec: number;
  ackLatencyMs: { p50: number; p99: number };
  loopLagP99Ms: number;
  heapMB: number;
  rssMB: number;
  cpuPct: number;
  load: number;
}

export class HubMetrics {
  readonly registry = new client.Registry();
  private readonly connGauge: client.Gauge<'role'>;
  private readonly framesIn: client.Counter;
  private readonly framesOut: client.Counter<'kind'>;
  private readonly framesOutByKind = new Map<string, client.Counter.Internal>();
  private readonly ackHist: client.Histogram;
  private readonly fanoutHist: client.Histogram<'view'>;
  private readonly divergences: client.Counter<'view'>;
  private readonly atDropped: client.Counter;
  private readonly refused: client.Counter<'reason'>;
  private readonly drainingGauge: client.Gauge;
  private readonly eventConnGauge: client.Gauge<'event' | 'role'>;
  /** Open sessions per event and role, so a series is removed when its event has none left. */
  private readonly perEvent = new Map<string, number>();
  private syncCount = 0;
  private lastSync = 0;
  private fanoutPerSec = 0;
  private lagP99Ms = 0;
  private load = 0;
  private readonly loop: LoopDelay;
  private readonly connections: Record<Role, number> = { host: 0, moderator: 0, producer: 0, audience: 0 };
  private inCount = 0;
  private outCount = 0;
  private lastIn = 0;
  private lastOut = 0;
  private lastAt = performance.now();
  private lastCpu = process.cpuUsage();
  private windowAck = new Histogram();
  private prevWindowAck = new Histogram();
  private rates = { framesInPerSec: 0, framesOutPerSec: 0, cpuPct: 0 };

  constructor(private readonly capacity: number) {
    // Both event-loop monitors sample every 50 ms, not prom-client's and perf_hooks' 10: each
    // sample wakes the loop, and 200 wake-ups a second were half an idle hub's CPU (issue 18.3).
    // A stall still shows in full (the late sample measures it); p99 over a second is its max.
    client.collectDefaultMetrics({ register: this.registry, prefix: 'stagecall_', eventLoopMonitoringPrecision: LOOP_SAMPLE_MS });
    this.connGauge = new client.Gauge({ name: 'stagecall_connections', help: 'Open WebSocket sessions by role', labelNames: ['role'], registers: [this.registry] });
    this.framesIn = new client.Counter({ name: 'stagecall_frames_in_total', help: 'Frames received from clients', registers: [this.registry] });
    this.framesOut = new client.Counter({ name: 'stagecall_frames_out_total', help: 'Frames sent to clients', labelNames: ['kind'], registers: [this.registry] });
    this.ackHist = new client.Histogram({
      name: 'stagecall_ack_latency_seconds',
      help: 'From pub received to ack sent (includes the durable append)',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2],
      registers: [this.registry],
    });
    this.fanoutHist = new client.Histogram({
      name: 'stagecall_sync_fanout_seconds',
      help: 'Time to write one sync tick to every subscriber of a view',
      labelNames: ['view'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2],
      registers: [this.registry],
    });
    this.drainingGauge = new client.Gauge({ name: 'stagecall_draining', help: '1 while this node drains (P31): take it out of rotation', registers: [this.registry] });
    this.drainingGauge.set(0);
    // Autoscaling signals (docs/scaling.md "Autoscaling"): one number to scale on, and what explains it.
    const load = (): number => this.load;
    const fanout = (): number => this.fanoutPerSec;
    new client.Gauge({
      name: 'stagecall_load_ratio',
      help: 'P23 load: the largest of connections/capacity, CPU and event-loop lag/200 ms, 0..1; scale out above ~0.7',
      registers: [this.registry],
      collect() {
        this.set(load());
      },
    });
    new client.Gauge({
      name: 'stagecall_fanout_frames_per_second',
      help: 'Sync frames written to subscribers per second, over the last second',
      registers: [this.registry],
      collect() {
        this.set(fanout());
      },
    });
    this.eventConnGauge = new client.Gauge({ name: 'stagecall_event_connections', help: 'Open WebSocket sessions by event and role', labelNames: ['event', 'role'], registers: [this.registry] });
    this.refused = new client.Counter({
      name: 'stagecall_connections_refused_total',
      help: 'TCP connections refused before any request was read, by reason (note 54)',
      labelNames: ['reason'],
      registers: [this.registry],
    });
    this.refused.inc({ reason: 'per_address' }, 0);
    this.atDropped = new client.Counter({
      name: 'stagecall_at_reports_dropped_total',
      help: 'P27 `at` reports ignored for coming faster than once a second per view per connection (note 53)',
      registers: [this.registry],
    });
    this.divergences = new client.Counter({
      name: 'stagecall_state_divergences_total',
      help: 'Clients whose view state did not match a sync frame hash (P26) and re-subscribed; expected 0',
      labelNames: ['view'],
      registers: [this.registry],
    });
    this.divergences.inc({ view: 'staff' }, 0);
    this.divergences.inc({ view: 'audience' }, 0);
    this.loop = new LoopDelay(LOOP_SAMPLE_MS);
  }

  /** Event runtimes loaded on this node (idle ones are unloaded), read at every scrape. */
  trackEventsLoaded(count: () => number): void {
    new client.Gauge({
      name: 'stagecall_events_loaded',
      help: 'Events with a runtime loaded on this node (state, timers, log tail); idle events are unloaded and reopen on demand',
      registers: [this.registry],
      collect() {
        this.set(count());
      },
    });
  }

  /** Events the engine cannot serve (P34 outages, quarantined logs), read at every scrape. */
  trackEventTroubles(troubles: () => EventTrouble[]): void {
    const registers = [this.registry];
    new client.Gauge({
      name: 'stagecall_events_unserved',
      help: 'Events this node cannot serve right now: unavailable (storage refusing writes, retried) or quarantined (damaged log)',
      labelNames: ['state'],
      registers,
      collect() {
        const list = troubles();
        for (const state of ['unavailable', 'quarantined'] as const) this.set({ state }, list.filter((t) => t.state === state).length);
      },
    });
    new client.Gauge({
      name: 'stagecall_event_unserved',
      help: '1 for each event this node cannot serve right now, by event and state',
      labelNames: ['event', 'state'],
      registers,
      collect() {
        this.reset();
        for (const t of troubles()) this.set({ event: t.eventId, state: t.state }, 1);
      },
    });
  }

  /** Issue 18's hello cache of verified tokens, read at every scrape. */
  trackTokenCache(cache: { readonly size: number; readonly hits: number; readonly misses: number }): void {
    new client.Gauge({
      name: 'stagecall_token_cache_entries',
      help: 'Verified tokens remembered so a returning hello skips the signature check (at most --token-cache-size)',
      registers: [this.registry],
      collect() {
        this.set(cache.size);
      },
    });
    new client.Counter({
      name: 'stagecall_token_cache_lookups_total',
      help: 'hello token checks by whether the verified claims were remembered (hit) or the signature was checked (miss)',
      labelNames: ['result'],
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc({ result: 'hit' }, cache.hits);
        this.inc({ result: 'miss' }, cache.misses);
      },
    });
  }

  connectionOpened(role: Role, eventId: string | null): void {
    this.connections[role]++;
    this.connGauge.inc({ role });
    if (!eventId) return;
    const key = `${eventId}\u0000${role}`;
    this.perEvent.set(key, (this.perEvent.get(key) ?? 0) + 1);
    this.eventConnGauge.inc({ event: eventId, role });
  }
  connectionClosed(role: Role, eventId: string | null): void {
    this.connections[role]--;
    this.connGauge.dec({ role });
    if (!eventId) return;
    const key = `${eventId}\u0000${role}`;
    const left = (this.perEvent.get(key) ?? 1) - 1;
    // An event nobody is connected to leaves no series behind: metrics follow the events in use.
    if (left > 0) {
      this.perEvent.set(key, left);
      this.eventConnGauge.dec({ event: eventId, role });
    } else {
      this.perEvent.delete(key);
      this.eventConnGauge.remove({ event: eventId, role });
    }
  }

  /** Per event: this node's audience over the cluster's (presence), read at every scrape. */
  trackAudienceShare(events: () => Array<{ eventId: string; local: number; cluster: number }>): void {
    new client.Gauge({
      name: 'stagecall_audience_share',
      help: "This node's share of the event's audience connections across the cluster (0..1)",
      labelNames: ['event'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const e of events()) if (e.cluster > 0) this.set({ event: e.eventId }, Math.min(1, e.local / e.cluster));
      },
    });
  }
  get totalConnections(): number {
    return this.connections.host + this.connections.moderator + this.connections.producer + this.connections.audience;
  }
  get audienceConnections(): number {
    return this.connections.audience;
  }
  setDraining(on: boolean): void {
    this.drainingGauge.set(on ? 1 : 0);
  }
  frameIn(): void {
    this.inCount++;
    this.framesIn.inc();
  }
  framesSent(kind: string, n: number): void {
    this.outCount += n;
    if (kind === 'sync') this.syncCount += n;
    // A labelled child per kind: resolving labels on every frame costs more than the send.
    let child = this.framesOutByKind.get(kind);
    if (!child) {
      child = this.framesOut.labels(kind);
      this.framesOutByKind.set(kind, child);
    }
    child.inc(n);
  }
  ack(ms: number): void {
    this.windowAck.record(ms);
    this.ackHist.observe(ms / 1000);
  }
  divergence(view: 'staff' | 'audience'): void {
    this.divergences.inc({ view });
  }
  connectionRefused(reason: 'per_address' | 'pipelined'): void {
    this.refused.inc({ reason });
  }
  atReportDropped(): void {
    this.atDropped.inc();
  }
  fanout(view: string, ms: number): void {
    this.fanoutHist.observe({ view }, ms / 1000);
  }

  /** Call once a second: turns counters into rates and rolls the ack-latency window. */
  tick(): void {
    const now = performance.now();
    const dt = Math.max(0.001, (now - this.lastAt) / 1000);
    const cpu = process.cpuUsage(this.lastCpu);
    this.rates = {
      framesInPerSec: (this.inCount - this.lastIn) / dt,
      framesOutPerSec: (this.outCount - this.lastOut) / dt,
      cpuPct: ((cpu.user + cpu.system) / 1000 / (dt * 1000)) * 100,
    };
    this.fanoutPerSec = round((this.syncCount - this.lastSync) / dt);
    this.lastSync = this.syncCount;
    this.lastIn = this.inCount;
    this.lastOut = this.outCount;
    // Lag and load are computed here, once a second, so /metrics and stats frames agree.
    this.lagP99Ms = this.loop.percentileMs(99);
    this.loop.reset();
    // Load: the largest of connection use, CPU use and loop lag, each against what this node was sized for.
    this.load = round(Math.min(1, Math.max(this.totalConnections / this.capacity, this.rates.cpuPct / 100, this.lagP99Ms / 200)), 3);
    this.lastAt = now;
    this.lastCpu = process.cpuUsage();
    this.prevWindowAck = this.windowAck;
    this.windowAck = new Histogram();
  }

  snapshot(): StatsSnapshot {
    const mem = process.memoryUsage();
    // Ack latency over the last full window plus the current one, so a quiet second is not blank.
    const ack = new Histogram();
    ack.merge(this.prevWindowAck);
    ack.merge(this.windowAck);
    const lagP99 = this.lagP99Ms;
    return {
      connections: { ...this.connections },
      framesInPerSec: round(this.rates.framesInPerSec),
      framesOutPerSec: round(this.rates.framesOutPerSec),
      ackLatencyMs: { p50: round(ack.quantile(0.5)), p99: round(ack.quantile(0.99)) },
      loopLagP99Ms: round(lagP99),
      heapMB: round(mem.heapUsed / 2 ** 20),
      rssMB: round(mem.rss / 2 ** 20),
      cpuPct: round(this.rates.cpuPct),
      load: this.load,
    };
  }

  close(): void {
    this.loop.stop();
    this.registry.clear();
  }
}

const round = (v: number, digits = 2): number => Math.round(v * 10 ** digits) / 10 ** digits;
