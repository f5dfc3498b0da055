/**
 * Per-cue reach for the post-event report: P27's `delivery.audience.cues` counts, in each staff
 * `stats` frame, the audience connections that show an open poll or running quiz; the log keeps
 * none of it. The console keeps the highest count each cue reached (and the subscribers at that
 * moment) in `<userData>/reach.json`, for the current event, so a restarted console still has
 * it. A hint like the view cache: a torn or foreign file starts from nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { StatsFrame } from '../../../shared/protocol';
import type { CueReach } from '../../../shared/report/report-types';
import { throttle, type Throttled } from '../throttle';
import { replaceFile } from '../view-cache';

export const REACH_FILE = 'reach.json';
/** Cues kept per event: a run of show is tens of cues; a hub listing thousands must not grow this file without bound. */
const MAX_CUES = 2_000;
const SAVE_EVERY_MS = 5_000;

const Stored = z.object({
  eventId: z.string(),
  cues: z.record(z.string(), z.object({ reached: z.number().int().min(0), subscribers: z.number().int().min(0), at: z.number() })),
});

export class ReachRecorder {
  private cues: Record<string, CueReach> = {};
  private readonly save: Throttled;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly userDataDir: string,
    private readonly eventId: string,
  ) {
    try {
      const parsed = Stored.safeParse(JSON.parse(fs.readFileSync(path.join(userDataDir, REACH_FILE), 'utf8')));
      if (parsed.success && parsed.data.eventId === eventId) this.cues = parsed.data.cues;
    } catch {
      // no file yet, or a torn one: start from nothing
    }
    this.save = throttle(() => {
      const text = JSON.stringify({ eventId: this.eventId, cues: this.cues });
      this.writing = this.writing.then(() => replaceFile(path.join(this.userDataDir, REACH_FILE), text)).catch(() => undefined);
    }, SAVE_EVERY_MS);
  }

  observe(f: StatsFrame): void {
    const d = f.delivery?.audience;
    if (!d) return;
    let changed = false;
    for (const [id, reached] of Object.entries(d.cues)) {
      const had = this.cues[id];
      if (had ? reached <= had.reached : Object.keys(this.cues).length >= MAX_CUES) continue;
      this.cues[id] = { reached, subscribers: d.subscribers, at: f.ts };
      changed = true;
    }
    if (changed) this.save();
  }

  get reach(): Readonly<Record<string, CueReach>> {
    return this.cues;
  }

  /** Writes what is pending, and waits for it. */
  async close(): Promise<void> {
    this.save.flush();
    this.save.cancel();
    await this.writing;
  }
}
