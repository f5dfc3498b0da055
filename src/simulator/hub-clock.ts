/**
 * The hub's clock as seen from this worker, from ping/pong (P10): offset = hubTime minus the
 * midpoint of the round trip, taken from the fastest recent round trip (least queueing).
 * All attendees of a worker share one machine clock, so they share one estimate.
 */
const WINDOW = 32;

export class HubClock {
  private samples: Array<{ rtt: number; offset: number }> = [];
  private best: { rtt: number; offset: number } | null = null;

  sample(sentAt: number, hubTime: number, receivedAt: number): void {
    const rtt = Math.max(0, receivedAt - sentAt);
    this.samples.push({ rtt, offset: hubTime - (sentAt + rtt / 2) });
    if (this.samples.length > WINDOW) this.samples.shift();
    this.best = this.samples.reduce((a, b) => (b.rtt < a.rtt ? b : a));
  }

  /** A welcome's hubTime: a rough first estimate until a ping has come back. */
  hint(hubTime: number, receivedAt: number): void {
    if (!this.best) this.best = { rtt: Infinity, offset: hubTime - receivedAt };
  }

  get offsetMs(): number {
    return this.best?.offset ?? 0;
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }
}
