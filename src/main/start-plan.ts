/**
 * What `npm start` has to do, decided from the file system alone (start.ts runs it):
 * whether the build in out/ is missing or older than the sources, and whether an Electron
 * binary is really installed. Never `require('electron')`: without its binary that
 * starts a download.
 */
import fs from 'node:fs';
import path from 'node:path';

// The build check lives in the plain-Node launcher (it must run before anything is built).
export { buildNeeded, buildOutputs } from './launch.cjs';

export type ElectronBinary = { ok: true; path: string } | { ok: false; reason: string };

/** node_modules/electron/path.txt names the binary under dist/ once it was downloaded. */
export function findElectronBinary(root: string, dir = path.join(root, 'node_modules', 'electron')): ElectronBinary {
  const shown = (p: string): string => (path.relative(root, p).startsWith('..') ? p : path.relative(root, p));
  const pathTxt = path.join(dir, 'path.txt');
  if (!fs.existsSync(pathTxt)) return { ok: false, reason: `Electron's binary is not installed (${shown(pathTxt)} is missing)` };
  const rel = fs.readFileSync(pathTxt, 'utf8').trim();
  const bin = path.join(dir, 'dist', rel);
  if (!rel || !fs.existsSync(bin)) return { ok: false, reason: `Electron's binary is not installed (${rel ? shown(bin) : 'path.txt is empty'} does not exist)` };
  return { ok: true, path: bin };
}
