/**
 * `npm start`: builds when out/ is missing or stale, then opens the console with a local
 * event: in Electron when its binary is installed, otherwise (printing why, in one line)
 * in the browser through the web host. Extra arguments go to the console.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildNeeded, findElectronBinary } from './start-plan';

const ROOT = path.resolve(__dirname, '..', '..');
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const extra = process.argv.slice(2);

function run(args: string[]): boolean {
  const r = spawnSync(npx, args, { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  return r.status === 0;
}

function build(): boolean {
  const why = buildNeeded(ROOT);
  if (!why) return true;
  console.log(`Building the console (${why})...`);
  if (!run(['electron-vite', 'build'])) return false;
  if (fs.existsSync(path.join(ROOT, 'vite.audience.config.ts')) && !run(['vite', 'build', '--config', 'vite.audience.config.ts'])) return false;
  return true;
}

/** Runs a child with our stdio, passes Ctrl-C and SIGTERM on, and exits with its code. */
function handOver(cmd: string, args: string[], env: NodeJS.ProcessEnv): void {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit', env });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const built = build();
const electron = findElectronBinary(ROOT);
if (electron.ok) {
  if (!built) {
    console.error('stagecall: the build failed; fix the errors above and run npm start again.');
    process.exit(1);
  }
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  handOver(electron.path, ['.', '--local', ...extra], env);
} else {
  if (!built) console.error('stagecall: the build failed; the console still runs, and its page says what is missing.');
  console.log(`${electron.reason}; serving the console in your browser instead.`);
  handOver(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main/web-host-cli.ts'), '--local', ...extra], process.env);
}
