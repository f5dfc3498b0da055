/**
 * What `npm start` has to do, decided from the file system alone (start.ts runs it):
 * whether the build in out/ is missing or older than the sources, and whether an Electron
 * binary is really installed. Never `require('electron')`: without its binary that
 * starts a download.
 */
import fs from 'node:fs';
import path from 'node:path';

const SOURCE_ROOTS = ['src', 'electron.vite.config.ts', 'vite.audience.config.ts', 'package.json', 'tsconfig.base.json'];
const SKIP = new Set(['node_modules', 'out', '.git']);

function newestIn(p: string): number {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of fs.readdirSync(p)) if (!SKIP.has(name)) newest = Math.max(newest, newestIn(path.join(p, name)));
  return newest;
}

/** The files a complete build leaves, one per part. */
export function buildOutputs(root: string): string[] {
  const outs = ['out/main/index.js', 'out/preload/index.js', 'out/renderer/index.html'];
  if (fs.existsSync(path.join(root, 'vite.audience.config.ts'))) outs.push('out/audience/index.html');
  return outs.map((o) => path.join(root, o));
}

/** null when out/ is complete and newer than every source; otherwise why a build is needed. */
export function buildNeeded(root: string): string | null {
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

export type ElectronBinary = { ok: true; path: string } | { ok: false; reason: string };

/** node_modules/electron/path.txt names the binary under dist/ once it was downloaded. */
export function findElectronBinary(root: string): ElectronBinary {
  const dir = path.join(root, 'node_modules', 'electron');
  const pathTxt = path.join(dir, 'path.txt');
  if (!fs.existsSync(pathTxt)) return { ok: false, reason: "Electron's binary is not installed (node_modules/electron/path.txt is missing)" };
  const rel = fs.readFileSync(pathTxt, 'utf8').trim();
  const bin = path.join(dir, 'dist', rel);
  if (!rel || !fs.existsSync(bin)) return { ok: false, reason: `Electron's binary is not installed (${path.relative(root, bin) || 'dist/'} does not exist)` };
  return { ok: true, path: bin };
}
