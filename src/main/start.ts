/**
 * `npm start` (through src/main/launch.cjs, which builds first): opens the desktop console with
 * a local event. When Electron's binary is missing it is installed through Electron's own
 * installer first; only when that fails (or with `--browser`) does the console open in the
 * browser through the web host, after one line that says why. Other arguments go to the console.
 * STAGECALL_ELECTRON_DIR names another electron package folder (tests use a copy).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { electronVersion, installElectron } from './electron-install';
import { findElectronBinary } from './start-plan';

// Built into out/node beside web-host.js (vite.node.config.ts).
const ROOT = path.resolve(__dirname, '..', '..');
const args = process.argv.slice(2);
const browserOnly = args.includes('--browser');
const extra = args.filter((a) => a !== '--browser');
const electronDir = path.resolve(process.env.STAGECALL_ELECTRON_DIR ?? path.join(ROOT, 'node_modules', 'electron'));

/** Runs a child with our stdio, passes Ctrl-C and SIGTERM on, and exits with its code. */
function handOver(cmd: string, childArgs: string[], env: NodeJS.ProcessEnv): void {
  const child = spawn(cmd, childArgs, { cwd: ROOT, stdio: 'inherit', env });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function browser(why: string): void {
  console.log(`${why}; serving the console in your browser instead.`);
  handOver(process.execPath, [path.join(__dirname, 'web-host.js'), '--local', ...extra], process.env);
}

function desktop(binary: string): void {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  handOver(binary, [ROOT, '--local', ...extra], env);
}

async function main(): Promise<void> {
  if (browserOnly) return browser('--browser given');
  const found = findElectronBinary(ROOT, electronDir);
  if (found.ok) return desktop(found.path);
  const mirror = process.env.ELECTRON_MIRROR ? ` from ${process.env.ELECTRON_MIRROR}` : '';
  console.log(`${found.reason}: installing Electron ${electronVersion(electronDir)} through its installer${mirror} (once; about 100 MB)...`);
  const installed = await installElectron({ electronDir });
  const after = installed.ok ? findElectronBinary(ROOT, electronDir) : null;
  if (!installed.ok) return browser(`Electron could not be installed (${installed.reason})`);
  if (!after?.ok) return browser(`Electron's installer finished but ${after?.reason ?? 'left no binary'}`);
  console.log(`Electron installed in ${installed.seconds.toFixed(1)} s.`);
  desktop(after.path);
}

void main();
