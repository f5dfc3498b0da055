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
import type { CueReach, RecordedReach } from '../../../shared/report/report-types';
import { isStaffView } from '../results-csv';
import { throttle, type Throttled } from '../throttle';
import { replaceFile } from '../view-cache';

export const REACH_FILE = 'reach.json';
/** Cues and quiz questions kept per event: a run of show is tens; a hub listing thousands must not grow this file without bound. */
const MAX_CUES = 2_000;
const SAVE_EVERY_MS = 5_000;

const Reach = z.object({ reached: z.number().int().min(0), subscribers: z.number().int().min(0), at: z.number() });
/** Pairs, not objects, on disk too: a record would not round-trip a cue called "__proto__". */
const Pairs = z.array(z.tuple([z.string(), Reach])).max(MAX_CUES);
const Stored = z.object({
  eventId: z.string(),
  cues: Pairs,
  /** quizId → questionId → reach: a running quiz's count is its current question's (P27). */
  questions: z.array(z.tuple([z.string(), Pairs])).max(MAX_CUES),
});

/** Keeps the higher of two readings; false when `next` adds nothing. */
const better = (had: CueReach | undefined, next: number): boolean => had === undefined || next > had.reached;

export class ReachRecorder {
  // Maps, not objects: cue ids are the audience-facing ids anyone may choose ("__proto__" too).
  private cues = new Map<string, CueReach>();
  private questions = new Map<string, Map<string, CueReach>>();
  private size = 0;
  private readonly save: Throttled;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly userDataDir: string,
    private readonly eventId: string,
  ) {
    try {
      const parsed = Stored.safeParse(JSON.parse(fs.readFileSync(path.join(userDataDir, REACH_FILE), 'utf8')));
      if (parsed.success && parsed.data.eventId === eventId) {
        this.cues = new Map(parsed.data.cues);
        this.questions = new Map(parsed.data.questions.map(([id, qs]) => [id, new Map(qs)]));
        this.size = this.cues.size + [...this.questions.values()].reduce((n, q) => n + q.size, 0);
      }
    } catch {
      // no file yet, or a torn one: start from nothing
    }
    this.save = throttle(() => {
      const text = JSON.stringify({ eventId: this.eventId, cues: [...this.cues], questions: [...this.questions].map(([id, qs]) => [id, [...qs]]) });
      this.writing = this.writing.then(() => replaceFile(path.join(this.userDataDir, REACH_FILE), text)).catch(() => undefined);
    }, SAVE_EVERY_MS);
  }

  /**
   * `currentQuestion` names a running quiz's current question as the console's view has it, if
   * that view has caught up with the audience view the frame counts against (serial `current`):
   * stats can overtake a conflated sync, and a count must not go to the question before.
   */
  observe(f: StatsFrame, currentQuestion: (quizId: string, current: number) => string | null = () => null): void {
    const d = f.delivery?.audience;
    if (!d) return;
    let changed = false;
    const keep = (map: Map<string, CueReach>, id: string, reached: number): void => {
      const had = map.get(id);
      if (!better(had, reached) || (had === undefined && this.size >= MAX_CUES)) return;
      if (had === undefined) this.size++;
      map.set(id, { reached, subscribers: d.subscribers, at: f.ts });
      changed = true;
    };
    for (const [id, reached] of Object.entries(d.cues)) {
      keep(this.cues, id, reached);
      const question = currentQuestion(id, d.current);
      if (!question) continue;
      const qs = this.questions.get(id) ?? new Map<string, CueReach>();
      this.questions.set(id, qs);
      keep(qs, question, reached);
    }
    if (changed) this.save();
  }

  get reach(): RecordedReach {
    return { cues: this.cues, questions: this.questions };
  }

  /** Writes what is pending, and waits for it. */
  async close(): Promise<void> {
    this.save.flush();
    this.save.cancel();
    await this.writing;
  }
}

/** The current question of a running quiz in the console's staff view (when at `serial` or later), or null. */
export function currentQuestionOf(view: { serial: number; doc: unknown } | null | undefined, quizId: string, serial: number): string | null {
  const doc = view && view.serial >= serial ? view.doc : null;
  if (!isStaffView(doc) || !Object.hasOwn(doc.quizzes, quizId)) return null;
  const q = doc.quizzes[quizId];
  return q?.status === 'running' ? (q.current?.questionId ?? null) : null;
}
