/** The real clock: monotonic `now` (performance.now), so wall-clock jumps never fake a dead link. */
import type { Clock, TimerHandle } from './ports';

export const realClock: Clock = {
  now: () => performance.now(),
  wall: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle: TimerHandle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
