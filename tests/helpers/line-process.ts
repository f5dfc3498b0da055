/** Starts a real process and collects the lines it prints, so a test can wait for a fact. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface LineProcess {
  proc: ChildProcess;
  pid: number;
  lines: string[];
  stderr: () => string;
  /** Resolves once a printed line matches (rejects if the process exits first). */
  waitFor: (match: (line: string) => boolean) => Promise<string>;
  /** Writes one line to its stdin (spawned with `stdin: true`). */
  send: (line: string) => void;
  /** Resolves once the process has exited on its own (and been reaped) and its output is read. */
  closed: Promise<void>;
  /** SIGKILL, then resolves once the process is gone and its output fully read. */
  kill: () => Promise<void>;
}

export function spawnLines(command: string, args: string[], opts: { stdin?: boolean } = {}): LineProcess {
  const proc = spawn(command, args, { stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let err = '';
  let partial = '';
  const watchers: Array<{ match: (l: string) => boolean; resolve: (l: string) => void }> = [];
  proc.stdout?.setEncoding('utf8');
  proc.stdout?.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (let i = watchers.length - 1; i >= 0; i--) {
        const w = watchers[i];
        if (w?.match(line)) {
          watchers.splice(i, 1);
          w.resolve(line);
        }
      }
    }
  });
  proc.stderr?.setEncoding('utf8');
  proc.stderr?.on('data', (c: string) => (err += c));
  const closed = new Promise<void>((resolve) => proc.on('close', () => resolve()));
  return {
    proc,
    pid: proc.pid ?? -1,
    lines,
    stderr: () => err,
    waitFor: (match) =>
      new Promise<string>((resolve, reject) => {
        const seen = lines.find(match);
        if (seen !== undefined) return resolve(seen);
        watchers.push({ match, resolve });
        void closed.then(() => reject(new Error(`process exited before the expected line; stderr: ${err.slice(-2000)}`)));
      }),
    send: (line) => void proc.stdin?.write(`${line}\n`),
    closed,
    kill: async () => {
      proc.kill('SIGKILL');
      await closed; // 'close': exited (and reaped, so its pid is dead) and stdout drained
    },
  };
}

/** A TypeScript file run under plain Node (tsx), as the programs run in tests. */
export const spawnTsLines = (script: string, args: string[], opts: { stdin?: boolean } = {}): LineProcess =>
  spawnLines(process.execPath, ['--import', 'tsx', script, ...args], opts);
