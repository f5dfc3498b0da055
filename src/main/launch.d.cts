/** Types of launch.cjs, the plain-Node launcher that builds when needed and runs out/main. */
/** The files a complete build leaves, one per part. */
export function buildOutputs(root: string): string[];
/** null when out/ is complete and newer than every source; otherwise why a build is needed. */
export function buildNeeded(root: string): string | null;
/** Runs `npm run build` when needed; false (after saying so) when it failed. */
export function ensureBuilt(root: string): boolean;
