/** The simulator's library surface (the console's rehearsal mode and the benchmarks use it). */
export { runSimulation, SimulationError, type RunOptions, type SimProgress } from './run-simulation';
export { formatReport, type LatencySummary, type SimReport } from './report';
export { PROFILES, PROFILE_NAMES, type Profile, type ProfileName } from './profiles';
export type { SimOptions, SimOptionsInput } from './options';
