/**
 * Installs Electron's binary through Electron's own installer: the electron package's
 * install.js (which honours ELECTRON_MIRROR, electron_config_cache,
 * electron_use_remote_checksums and the rest of @electron/get's settings). Its error trace
 * is boiled down to one line, so `npm start` can say in one line why it falls back.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export type InstallResult = { ok: true; seconds: number } | { ok: false; reason: string };

export interface InstallOptions {
  /** The electron package folder (node_modules/electron). */
  electronDir: string;
  /** One line now and then while the download runs; default: to stdout. */
  progress?: (line: string) => void;
  progressEveryMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Keep the tail of the installer's output: an error trace is all we read from it. */
const MAX_KEPT = 64 * 1024;

/** The one line that says why: the first `SomethingError: message` line, else the last line. */
export function installFailureLine(output: string, exit: string): string {
  const lines = output.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const error = lines.find((l) => /^(\w+)?Error\b.*:/.test(l) && !l.startsWith('at '));
  let line = error ?? lines.filter((l) => !l.startsWith('at ')).pop() ?? exit;
  // Node's fetch hides the cause (DNS, refused, offline) from the installer's trace.
  if (/fetch failed/.test(line)) line += ': the download server could not be reached (ELECTRON_MIRROR names a mirror)';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

export function electronVersion(electronDir: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(electronDir, 'package.json'), 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    return '?';
  }
}

export function installElectron(opts: InstallOptions): Promise<InstallResult> {
  const script = path.join(opts.electronDir, 'install.js');
  if (!fs.existsSync(script)) return Promise.resolve({ ok: false, reason: `${script} is missing (run npm install)` });
  const progress = opts.progress ?? ((line: string) => console.log(line));
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], {
      cwd: opts.electronDir,
      env: { ...(opts.env ?? process.env), ELECTRON_RUN_AS_NODE: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let kept = '';
    const keep = (d: Buffer): void => {
      kept = (kept + d.toString()).slice(-MAX_KEPT);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    // Piped output is not a TTY, so the installer draws no bar of its own: say that it is alive.
    const beat = setInterval(() => progress(`  still installing Electron (${Math.round((Date.now() - started) / 1000)} s)...`), opts.progressEveryMs ?? 10_000);
    const done = (r: InstallResult): void => {
      clearInterval(beat);
      resolve(r);
    };
    child.once('error', (err) => done({ ok: false, reason: `could not run ${script}: ${err.message}` }));
    child.once('close', (code, signal) => {
      if (code === 0) done({ ok: true, seconds: (Date.now() - started) / 1000 });
      else done({ ok: false, reason: installFailureLine(kept, `the installer exited with ${code ?? signal}`) });
    });
  });
}
