/**
 * The hub's clock as seen from this device (issue 6: quiz countdowns). Each pong gives
 * offset = hubTime - (sentTs + rtt/2); samples are smoothed, and low-RTT samples weigh more
 * because their midpoint estimate is tighter.
 */
export class HubClock {
  private offsetMs: number | null = null;
  private rtt: number | null = null;

  constructor(private readonly localNow: () => number = () => Date.now()) {}

  /** A rough first estimate from `welcome.hubTime`, replaced as soon as pongs arrive. */
  seed(hubTime: number): void {
    if (this.offsetMs === null) this.offsetMs = hubTime - this.localNow();
  }

  /** One ping/pong round trip: `sentTs` local time the ping left, `receivedTs` local time the pong came. */
  sample(sentTs: number, receivedTs: number, hubTime: number): void {
    const rtt = Math.max(0, receivedTs - sentTs);
    const offset = hubTime - (sentTs + rtt / 2);
    const prevRtt = this.rtt;
    this.rtt = prevRtt === null ? rtt : prevRtt * 0.8 + rtt * 0.2;
    // The first real sample replaces the welcome seed outright.
    if (this.offsetMs === null || prevRtt === null) {
      this.offsetMs = offset;
      return;
    }
    // A sample with an RTT far above the running average carries a wide error: trust it less.
    const weight = rtt <= prevRtt * 1.5 + 5 ? 0.25 : 0.05;
    this.offsetMs = this.offsetMs * (1 - weight) + offset * weight;
  }

  get offset(): number | null {
    return this.offsetMs;
  }

  get rttMs(): number | null {
    return this.rtt;
  }

  /** The hub's time now, in ms since the epoch. */
  now(): number {
    return this.localNow() + (this.offsetMs ?? 0);
  }
}
