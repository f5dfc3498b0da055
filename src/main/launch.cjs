// @ts-check
/**
 * `npm start`, `npm run hub` and `npm run console:web` run built JavaScript (out/node, bundled
 * by vite.node.config.ts), never TypeScript at start. This launcher is plain Node so that it works on a fresh clone: it runs
 * the one build (`npm run build`) when out/ is missing or older than the sources, then loads
 * the program in this very process (no second Node start):
 *   node src/main/launch.cjs <start|hub|web-host> [args...]
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const PROGRAMS = { start: 'start.js', hub: 'hub.js', 'web-host': 'web-host.js' };
const SOURCE_ROOTS = ['src', 'electron.vite.config.ts', 'vite.audience.config.ts', 'vite.node.config.ts', 'package.json', 'tsconfig.base.json'];
const SKIP = new Set(['node_modules', 'out', '.git']);

/** Newest mtime under p. It runs before every start: one readdir per folder, one stat per file. @param {string} p @returns {number} */
function newestIn(p) {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  return st.isDirectory() ? newestInDir(p) : st.mtimeMs;
}

/** @param {string} dir @returns {number} */
function newestInDir(dir) {
  let newest = 0;
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(d.name)) continue;
    const p = path.join(dir, d.name);
    newest = Math.max(newest, d.isDirectory() ? newestInDir(p) : (fs.statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? 0));
  }
  return newest;
}

/** The files a complete build leaves, one per part. @param {string} root @returns {string[]} */
function buildOutputs(root) {
  const outs = ['out/main/index.js', 'out/node/hub.js', 'out/node/web-host.js', 'out/node/start.js', 'out/preload/index.js', 'out/renderer/index.html'];
  if (fs.existsSync(path.join(root, 'vite.audience.config.ts'))) outs.push('out/audience/index.html');
  return outs.map((o) => path.join(root, o));
}

/** null when out/ is complete and newer than every source; otherwise why a build is needed. @param {string} root @returns {string | null} */
function buildNeeded(root) {
  let oldestOut = Infinity;
  for (const f of buildOutputs(root)) {
    try {
      oldestOut = Math.min(oldestOut, fs.statSync(f).mtimeMs);
    } catch {
      return `${path.relative(root, f)} is missing`;
    }
  }
  const newestSrc = Math.max(...SOURCE_ROOTS.map((s) => newestIn(path.join(root, s))));
  return newestSrc > oldestOut ? 'the sources changed since the last build' : null;
}

/** Runs `npm run build` when needed; false (after saying so) when it failed. @param {string} root @returns {boolean} */
function ensureBuilt(root) {
  const why = buildNeeded(root);
  if (!why) return true;
  console.log(`Building Stagecall first (${why})...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = require('node:child_process').spawnSync(npm, ['run', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], shell: process.platform === 'win32' });
  if (r.status === 0) return true;
  console.error(`stagecall: the build failed (${r.error ? r.error.message : `npm run build exited ${r.status ?? r.signal}`}); fix the errors above and try again.`);
  return false;
}

module.exports = { buildNeeded, buildOutputs, ensureBuilt };

if (require.main === module) {
  const name = process.argv[2] ?? '';
  const file = Object.prototype.hasOwnProperty.call(PROGRAMS, name) ? PROGRAMS[/** @type {keyof typeof PROGRAMS} */ (name)] : undefined;
  if (!file) {
    console.error(`usage: node src/main/launch.cjs <${Object.keys(PROGRAMS).join('|')}> [args...]`);
    process.exit(2);
  }
  if (!ensureBuilt(ROOT)) process.exit(1);
  // Node 22+: keep V8's compiled code of out/ and node_modules between starts (a no-op on 20).
  require('node:module').enableCompileCache?.();
  // The program reads its own flags from argv[2...], as when started directly.
  process.argv.splice(2, 1);
  require(path.join(ROOT, 'out', 'node', file));
}
