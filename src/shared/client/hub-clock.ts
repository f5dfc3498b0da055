/**
 * The hub's clock as seen from here (quiz countdowns, P28 `closesAt`), from ping/pong (P10):
 * each round trip gives offset = hubTime − (wall time at the round trip's midpoint), and the
 * estimate is the sample with the smallest RTT among the recent ones (least queueing, so the
 * tightest midpoint, as NTP does). The welcome's hubTime seeds it until a pong comes back.
 */
const WINDOW = 16;
/** RTT smoothing for display: an exponential average. */
const RTT_WEIGHT = 0.2;

interface Sample {
  rtt: number;
  offset: number;
}

export class HubClock {
  private samples: Sample[] = [];
  private seedOffset: number | null = null;
  private best: Sample | null = null;
  private smoothedRtt: number | null = null;
  private lastRtt: number | null = null;

  /** `wall`: ms since the Unix epoch on this machine. */
  constructor(private readonly wall: () => number = () => Date.now()) {}

  /** A rough first estimate from `welcome.hubTime`, used until a pong arrives. */
  seed(hubTime: number): void {
    if (this.best === null) this.seedOffset = hubTime - this.wall();
  }

  /** One round trip: its RTT (on a monotonic clock) and the pong's hubTime, taken when the pong arrived. */
  sample(rttMs: number, hubTime: number): void {
    const rtt = Math.max(0, rttMs);
    const offset = hubTime - (this.wall() - rtt / 2);
    this.samples.push({ rtt, offset });
    if (this.samples.length > WINDOW) this.samples.shift();
    this.best = this.samples.reduce((a, b) => (b.rtt <= a.rtt ? b : a));
    this.lastRtt = rtt;
    this.smoothedRtt = this.smoothedRtt === null ? rtt : this.smoothedRtt * (1 - RTT_WEIGHT) + rtt * RTT_WEIGHT;
  }

  /** hub time − local wall time, in ms; null before a welcome. */
  get offset(): number | null {
    return this.best?.offset ?? this.seedOffset;
  }

  /** Smoothed round-trip time in ms; null before the first pong. */
  get rttMs(): number | null {
    return this.smoothedRtt;
  }

  get lastRttMs(): number | null {
    return this.lastRtt;
  }

  /** The hub's time now, in ms since the epoch. */
  now(): number {
    return this.wall() + (this.offset ?? 0);
  }
}
