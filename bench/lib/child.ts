/** Starts a program as a child process (TypeScript through node --import tsx, JavaScript as is) and waits for its ready line. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface Child {
  pid: number;
  /** What the ready line captured (a URL). */
  url: string;
  child: ChildProcess;
  output(): string;
  /** Signals the child and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startChild(file: string, args: string[], ready: RegExp, env: Record<string, string> = {}, o: { root?: string; nodeArgs?: string[] } = {}): Promise<Child> {
  const root = o.root ?? ROOT;
  const loader = /\.[cm]?js$/.test(file) ? [] : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), ...loader, path.join(root, file), ...args], {
    cwd: root,
    env: { ...process.env, STAGECALL_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.stderr?.on('data', (d: Buffer) => {
      out = (out + d.toString()).slice(-20_000);
    });
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before ready:\n${out}`)));
  });
  return {
    pid: child.pid ?? 0,
    url,
    child,
    output: () => out,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export const BENCH_ADMIN_KEY = 'bench-admin-key-0123456789';

/** How a benchmark starts the hub: as `npm run hub` does (built JavaScript), or its TypeScript through tsx (before issue 12). */
export type HubFrom = 'built' | 'tsx';

/**
 * The real hub on loopback, by default as `npm run hub` starts it; joins unthrottled unless
 * `joinRate` is given. `root`: another checkout's hub (a before/after comparison; from tsx, as
 * that checkout may predate the build, and without the flags it may predate; `from: 'built'`
 * runs its build instead, with every flag, for an A/B of two trees that both have one). STAGECALL_BENCH_HUB_CPU_PROF=<dir>
 * writes a V8 CPU profile of every hub process there (node --cpu-prof), to see what a benchmark costs the hub.
 */
export function startHubChild(dataDir: string, o: { port?: number; joinRate?: number; from?: HubFrom; root?: string } = {}): Promise<Child> {
  const builtRoot = o.root !== undefined && o.from === 'built';
  const args = ['--port', String(o.port ?? 0), '--data', dataDir, '--admin-key', BENCH_ADMIN_KEY, '--join-rate', String(o.joinRate ?? 100_000), ...(o.root && !builtRoot ? [] : ['--max-connections-per-address', '0'])];
  const ready = /Hub ready: (http:\/\/\S+)/;
  const prof = process.env.STAGECALL_BENCH_HUB_CPU_PROF;
  const run = { ...(o.root ? { root: o.root } : {}), ...(prof ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${path.resolve(prof)}`] } : {}) };
  return o.from === 'tsx' || (o.root && !builtRoot) ? startChild('src/hub/cli.ts', args, ready, {}, run) : startChild('src/main/launch.cjs', ['hub', ...args], ready, {}, run);
}
