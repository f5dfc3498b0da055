/**
 * `npm start` (through src/main/launch.cjs, which builds first): opens the console with a local
 * event, in Electron when its binary is installed, otherwise (printing why, in one line) in the
 * browser through the web host. Extra arguments go to the console.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { findElectronBinary } from './start-plan';

// Built into out/main beside web-host.js.
const ROOT = path.resolve(__dirname, '..', '..');
const extra = process.argv.slice(2);

/** Runs a child with our stdio, passes Ctrl-C and SIGTERM on, and exits with its code. */
function handOver(cmd: string, args: string[], env: NodeJS.ProcessEnv): void {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit', env });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const electron = findElectronBinary(ROOT);
if (electron.ok) {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  handOver(electron.path, [ROOT, '--local', ...extra], env);
} else {
  console.log(`${electron.reason}; serving the console in your browser instead.`);
  handOver(process.execPath, [path.join(__dirname, 'web-host.js'), '--local', ...extra], process.env);
}
