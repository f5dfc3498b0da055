/**
 * Starts the console's web host (built, as `npm run console:web` runs it, or src/main/web-host-cli.ts
 * when out/ is stale: ../../helpers/built-program.ts) as a child process and builds the renderer
 * first when its output is missing or older than its sources, so a spec always drives the UI as
 * it is in the tree.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { programArgs } from '../../helpers/built-program';
import { ROOT, tempDir } from '../../helpers/hub-process';

const RENDERER_SRC = path.join(ROOT, 'src/renderer');
const RENDERER_OUT = path.join(ROOT, 'out/renderer/index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Builds out/renderer when stale: `electron-vite build`, or (if the main-process build fails)
 * the renderer alone with Vite, which is all the web host needs.
 */
export async function ensureRendererBuilt(): Promise<void> {
  const builtAt = fs.existsSync(RENDERER_OUT) ? fs.statSync(RENDERER_OUT).mtimeMs : 0;
  const sharedSrc = path.join(ROOT, 'src/shared');
  if (builtAt > Math.max(newestMtime(RENDERER_SRC), newestMtime(sharedSrc))) return;
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: ROOT, stdio: 'pipe', timeout: 300_000 });
  } catch {
    await buildRendererOnly();
  }
  if (!fs.existsSync(RENDERER_OUT)) throw new Error('the renderer build produced no out/renderer/index.html');
}

/** The renderer part of electron.vite.config.ts, through Vite's API. */
async function buildRendererOnly(): Promise<void> {
  const { build } = await import('vite');
  const react = (await import('@vitejs/plugin-react')).default;
  const { reactionGlyphs } = await import('../../../src/shared/node/reaction-glyphs-plugin');
  await build({
    configFile: false,
    root: RENDERER_SRC,
    base: './',
    logLevel: 'warn',
    plugins: [react(), reactionGlyphs(ROOT)],
    build: { outDir: path.join(ROOT, 'out/renderer'), emptyOutDir: true, target: 'es2022', assetsInlineLimit: 0, modulePreload: { polyfill: false } },
  });
}

export interface ConsoleHost {
  /** The `Console ready:` URL (with its one-time session token). */
  url: string;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

export async function startConsoleHost(args: string[], opts: { dataDir?: string } = {}): Promise<ConsoleHost> {
  await ensureRendererBuilt();
  const dataDir = opts.dataDir ?? tempDir('console');
  const child = spawn(process.execPath, [...programArgs('web-host'), '--port', '0', '--data', dataDir, ...args], {
    cwd: ROOT,
    env: { ...process.env, STAGECALL_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web host not ready after 60 s:\n${out}`)), 60_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Console ready: (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web host exited with ${code} before ready:\n${out}`));
    });
  });
  return {
    url,
    dataDir,
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
