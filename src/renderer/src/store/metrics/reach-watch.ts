/**
 * P27 reach warning: raised when an open poll or running quiz has been shown on fewer than 95%
 * of the subscribed phones for more than 5 s (the stream delay longer when there is one: stream
 * viewers are meant to see a cue that much later), cleared as soon as the cue is back at 95% or
 * closes. Fed one stats frame a second; holds one timestamp per open cue.
 */
import type { DeliveryStats } from '../../../../shared/protocol/frames';

export const REACH_WARN_BELOW = 0.95;
export const REACH_WARN_AFTER_MS = 5_000;

export interface ReachAlert {
  cueId: string;
  /** Phones that show the cue, of the audience connections subscribed. */
  shown: number;
  of: number;
  /** Local time the cue's reach fell below the mark. */
  belowSince: number;
}

export class ReachWatch {
  private readonly belowSince = new Map<string, number>();

  reset(): void {
    this.belowSince.clear();
  }

  /** The worst cue past its grace, or null. `graceMs` is added to the 5 s (the stream delay). */
  observe(d: DeliveryStats | undefined, now: number, graceMs = 0): ReachAlert | null {
    const cues = d?.cues ?? {};
    for (const id of [...this.belowSince.keys()]) if (!Object.hasOwn(cues, id)) this.belowSince.delete(id);
    if (!d || d.subscribers === 0) {
      this.belowSince.clear();
      return null;
    }
    let worst: ReachAlert | null = null;
    for (const [cueId, shown] of Object.entries(cues)) {
      if (shown / d.subscribers >= REACH_WARN_BELOW) {
        this.belowSince.delete(cueId);
        continue;
      }
      const since = this.belowSince.get(cueId) ?? now;
      this.belowSince.set(cueId, since);
      if (now - since <= REACH_WARN_AFTER_MS + graceMs) continue;
      if (!worst || shown / d.subscribers < worst.shown / worst.of) worst = { cueId, shown, of: d.subscribers, belowSince: since };
    }
    return worst;
  }
}
