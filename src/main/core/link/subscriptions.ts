/**
 * What the Link is subscribed to and how far each view got, so every (re)connect can
 * renew the subscriptions with `since` + `epoch` and the hub answers with a patch (P18)
 * or, for the log, only the entries missed (P17).
 */
import type { LogFrame, SubFrame, SyncFrame, ViewName } from '../../../shared/protocol';

export interface ViewCursor {
  /** The last serial this client holds for the view (sync: snapshot or applied patch; log: last entry). */
  since?: number;
  /** The log epoch that serial belongs to (P15). */
  epoch?: string;
}

export class SubscriptionBook {
  private readonly subs = new Map<ViewName, ViewCursor>();

  /** Remember a subscription; an explicit cursor replaces what was tracked (a resync per P19). */
  add(view: ViewName, from: ViewCursor = {}): void {
    this.subs.set(view, view === 'stats' ? {} : { since: from.since, epoch: from.epoch });
  }

  remove(view: ViewName): boolean {
    return this.subs.delete(view);
  }

  has(view: ViewName): boolean {
    return this.subs.has(view);
  }

  views(): ViewName[] {
    return [...this.subs.keys()];
  }

  cursor(view: ViewName): ViewCursor | undefined {
    const c = this.subs.get(view);
    return c ? { ...c } : undefined;
  }

  /**
   * Track a sync frame the way a mirror applies it: a snapshot sets the cursor; a patch
   * moves it only from its own `base` in the same epoch (anything else was not applied).
   */
  noteSync(frame: SyncFrame): void {
    const c = this.subs.get(frame.view);
    if (!c) return;
    if (!('patch' in frame)) {
      c.since = frame.serial;
      c.epoch = frame.epoch;
    } else if (c.since === frame.base && c.epoch === frame.epoch) {
      c.since = frame.serial;
    }
  }

  /** Log entries carry no epoch: they belong to the epoch of the connection's welcome. */
  noteLog(frame: LogFrame, epoch: string): void {
    const c = this.subs.get('log');
    if (!c) return;
    for (const e of frame.entries) {
      if (c.epoch !== epoch) {
        c.epoch = epoch;
        c.since = undefined;
      }
      if (c.since === undefined || e.serial > c.since) c.since = e.serial;
    }
  }

  /** The `sub` frames to send after a welcome carrying `epoch`. */
  renewFrames(epoch: string): SubFrame[] {
    return this.views().map((view) => this.subFrame(view, epoch));
  }

  subFrame(view: ViewName, welcomeEpoch: string | undefined): SubFrame {
    const c = this.subs.get(view) ?? {};
    const frame: SubFrame = { t: 'sub', view };
    if (view === 'stats' || c.since === undefined) return frame;
    if (view === 'log') {
      // A log serial from another epoch points into a log that no longer exists (P15):
      // ask from the start instead of skipping the new log's first entries.
      const stale = c.epoch !== undefined && welcomeEpoch !== undefined && c.epoch !== welcomeEpoch;
      frame.since = stale ? 0 : c.since;
      return frame;
    }
    // Sync views: the hub compares the epoch and answers with a snapshot on a mismatch (P18).
    frame.since = c.since;
    if (c.epoch !== undefined) frame.epoch = c.epoch;
    return frame;
  }
}
