/**
 * Rehearsal mode: N virtual attendees (src/simulator) join the console's own local event,
 * so a host can try the run of show under load before the doors open. One run at a time;
 * stop() aborts it and waits for the simulator to drain.
 */
import type { RehearsalStatus } from '../../shared/console-api';
import { runSimulation, type ProfileName } from '../../simulator';
import { CoreError } from './core-errors';

const IDLE: RehearsalStatus = { running: false, audience: 0, connected: 0, profile: null, lastError: null };
const STOP_WAIT_MS = 20_000;

export interface RehearsalTarget {
  hubUrl: string;
  joinCode: string;
}

export class Rehearsal {
  private current: RehearsalStatus = { ...IDLE };
  private abort: AbortController | null = null;
  private run: Promise<void> | null = null;

  constructor(private readonly emit: (s: RehearsalStatus) => void) {}

  get status(): RehearsalStatus {
    return { ...this.current };
  }

  start(target: RehearsalTarget, audience: number, profile: ProfileName): RehearsalStatus {
    if (this.run) throw new CoreError('invalid', 'a rehearsal is already running; stop it first');
    const abort = new AbortController();
    this.abort = abort;
    this.set({ running: true, audience, connected: 0, profile, lastError: null });
    const workers = Math.min(4, Math.max(1, Math.ceil(audience / 2_500)));
    const run = runSimulation({
      hubs: [target.hubUrl],
      code: target.joinCode,
      audience,
      profile,
      workers,
      drainMs: 2_000,
      signal: abort.signal,
      onProgress: (p) => {
        if (this.abort === abort) this.set({ ...this.current, connected: p.connected });
      },
    }).then(
      (report) => {
        const failed = Object.entries(report.joinFailures).map(([why, n]) => `${n} could not join (${why})`);
        this.finish(abort, failed.length ? failed.join('; ') : null);
      },
      (err: unknown) => this.finish(abort, err instanceof Error ? err.message : String(err)),
    );
    this.run = run;
    return this.status;
  }

  async stop(): Promise<RehearsalStatus> {
    const run = this.run;
    if (!run) return this.status;
    this.abort?.abort();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([run, new Promise<void>((r) => (timer = setTimeout(r, STOP_WAIT_MS)))]);
    clearTimeout(timer);
    return this.status;
  }

  private finish(abort: AbortController, lastError: string | null): void {
    if (this.abort !== abort) return;
    this.abort = null;
    this.run = null;
    this.set({ ...this.current, running: false, connected: 0, lastError });
  }

  private set(s: RehearsalStatus): void {
    this.current = s;
    this.emit(this.status);
  }
}
