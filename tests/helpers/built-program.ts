/**
 * How tests start the hub and the web host: as built JavaScript, the very file the npm scripts
 * run (src/main/launch.cjs loads out/node/<program>.js after its build check), so tests exercise
 * what ships; `npm test` builds before vitest. When out/ is missing or older than the sources
 * (`npm run test:unit` after an edit) they run the TypeScript through tsx instead and say so
 * once. Never the launcher itself: test files run in parallel and must not start builds.
 */
import path from 'node:path';
import { buildNeeded } from '../../src/main/launch.cjs';

const ROOT = path.resolve(__dirname, '..', '..');
const SOURCES = { hub: 'src/hub/cli.ts', 'web-host': 'src/main/web-host-cli.ts' } as const;

export type Program = keyof typeof SOURCES;

let stale: string | null | undefined;

/** The node arguments that start `program` (its own flags follow). */
export function programArgs(program: Program): string[] {
  if (stale === undefined) {
    stale = buildNeeded(ROOT);
    if (stale) console.log(`[tests] ${stale}: hub and web host run from TypeScript through tsx (npm run build to test the built programs)`);
  }
  return stale ? ['--import', 'tsx', path.join(ROOT, SOURCES[program])] : [path.join(ROOT, 'out', 'node', `${program}.js`)];
}
