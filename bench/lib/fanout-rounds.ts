/**
 * Fan-out CPU per delivered frame in alternating rounds (hub, bare ws, pre-built, then again),
 * each round's relays at the rate and frame size the hub delivered in that round, with the
 * spread over rounds: on a shared 2-core box one round of `npm run bench -- peers` swings by
 * 15% or more. With `--syscalls` it counts the server child's write, writev and read calls over
 * 10 s of each window (perf stat on tracepoints, which costs the child little).
 *   npx tsx bench/lib/fanout-rounds.ts --clients 5000 --rate 4 --rounds 2 [--kinds hub,ws,ws-prebuilt] [--syscalls]
 * A kind `hub@/other/checkout` runs that checkout's built hub in the same rounds (an A/B of a
 * change: build both, then e.g. `--kinds hub@/tmp/before,hub,ws,ws-prebuilt`).
 * Run it under the bench lock at 1,000+ subscribers.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { measureFanout, type FanoutFigures, type ServerKind } from './fanout';

const args = process.argv.slice(2);
const opt = (k: string, d: string): string => {
  const i = args.indexOf(`--${k}`);
  return i >= 0 ? (args[i + 1] ?? d) : d;
};
const kinds = opt('kinds', 'hub,ws,ws-prebuilt').split(',');
/** `hub@root`: the hub built in another checkout. */
const kindOf = (k: string): { kind: ServerKind; hubRoot?: string } => {
  const [kind, hubRoot] = k.split('@') as [ServerKind, string | undefined];
  return hubRoot ? { kind, hubRoot } : { kind };
};
const clients = Number(opt('clients', '5000'));
const rateHz = Number(opt('rate', '4'));
const rounds = Number(opt('rounds', '2'));
const warmupS = Number(opt('warmup', '5'));
const measureS = Number(opt('measure', '15'));
const syscalls = args.includes('--syscalls');

const EVENTS = ['syscalls:sys_enter_write', 'syscalls:sys_enter_writev', 'syscalls:sys_enter_read'];

/** The server child of this process (the benchmark's load generators are threads). */
function serverPid(): number {
  const out = execFileSync('ps', ['--ppid', String(process.pid), '-o', 'pid=,args='], { encoding: 'utf8' });
  const line = out.split('\n').find((l) => /hub|bare-ws|socketio/.test(l));
  return Number(line?.trim().split(/\s+/)[0] ?? 0);
}

function countSyscalls(pid: number, seconds: number): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const p: ChildProcess = spawn('perf', ['stat', '-x', ',', '-e', EVENTS.join(','), '-p', String(pid), '--', 'sleep', String(seconds)], { stdio: ['ignore', 'ignore', 'pipe'] });
    p.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    p.once('exit', () => {
      const counts = out
        .split('\n')
        .map((l) => l.split(','))
        .filter((f) => f.length > 2 && f[2]?.startsWith('syscalls:'))
        .map((f) => `${(f[2] ?? '').replace('syscalls:sys_enter_', '')} ${(Number(f[0]) / seconds).toFixed(0)}/s`);
      resolve(counts.join(', '));
    });
    p.once('error', () => resolve('perf not available'));
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function main(): Promise<void> {
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const ratios = new Map<string, number[]>();
  for (let r = 1; r <= rounds; r++) {
    const figs = new Map<string, FanoutFigures>();
    let frameBytes = 0;
    let relayHz = rateHz;
    for (const kind of kinds) {
      let counted: Promise<string> | null = null;
      const { kind: server, hubRoot } = kindOf(kind);
      const f = await measureFanout({
        kind: server,
        ...(hubRoot ? { hubRoot } : {}),
        clients,
        rateHz: server === 'hub' ? rateHz : relayHz,
        ...(server === 'hub' ? {} : { frameBytes }),
        warmupS,
        measureS,
        workers: 2,
        log: (l) => {
          if (syscalls && l.includes('subscribers connected')) {
            const pid = serverPid();
            setTimeout(() => (counted = countSyscalls(pid, Math.min(10, measureS))), (warmupS + 1) * 1000);
          }
        },
      });
      // The relays follow this tree's hub (or the first hub of the round when none is this tree's).
      if (server === 'hub' && (kind === 'hub' || frameBytes === 0)) {
        frameBytes = Math.round(f.avgFrameBytes);
        relayHz = f.framesPerSec / Math.max(1, f.connected);
      }
      figs.set(kind, f);
      const calls = counted ? ` | ${await (counted as Promise<string>)}` : '';
      console.log(
        `round ${r} ${kind}: ${f.connected} connected, ${f.framesPerSec.toFixed(0)} frames/s (${f.avgFrameBytes.toFixed(0)} B), CPU ${f.cpuUsPerFrame.toFixed(2)} µs/frame, latency p50 ${f.latencyP50.toFixed(1)} p99 ${f.latencyP99.toFixed(1)} ms, load ${(os.loadavg()[0] ?? 0).toFixed(2)}${calls}`,
      );
    }
    const bare = figs.get('ws');
    for (const [kind, f] of figs) if (bare) ratios.set(kind, [...(ratios.get(kind) ?? []), f.cpuUsPerFrame / bare.cpuUsPerFrame]);
  }
  for (const [kind, xs] of ratios)
    console.log(`${clients} x ${rateHz}/s ${kind}: ${median(xs).toFixed(2)}x of bare ws CPU per delivered frame (median of ${xs.length}; ${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`);
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
