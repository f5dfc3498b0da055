/**
 * `npm run bench -- console`: the console core's own cost under a 1,000-person simulated audience
 * (issue 15, Show), before and after issue 15's console-path changes, in the same run. Two console
 * cores, each in its own process, join the same hub as hosts at once: one from this tree, one from
 * a checkout of BEFORE_COMMIT (the newest commit whose console still had its own link and view
 * mirror, subscribed to the per-vote log after the first sync, and fsynced a resume hint). Each is
 * a console showing the Live screen (no log screen open), every event serialised once for a
 * renderer as the web host's bridge does. Measured per console process over the run phase: CPU
 * (utime+stime from /proc/<pid>/stat), what it wrote (/proc/<pid>/io wchar, write_bytes, syscw),
 * fsync calls (counted in the process), and what crossed to the renderer.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_ADMIN_KEY, ROOT, startHubChild } from './lib/child';
import { cpuMs } from './lib/proc-stats';
import type { BenchModule, BenchTable } from './lib/report';
import { DROP_RATE, livelyAudience, runOfShow } from './lib/run-of-show';
import { adminPost, createEventWithHost, StaffClient } from './lib/staff-client';

/** Parent of 48862c4 "Console core on the shared client" (before 6a48fb9 and 7c71c00 too). */
export const BEFORE_COMMIT = 'e8f2841';
const DRIVER = path.join(__dirname, 'lib', 'console-driver.ts');

interface ProcIo {
  wchar: number;
  syscw: number;
  writeBytes: number;
}

function procIo(pid: number): ProcIo {
  const text = fs.readFileSync(`/proc/${pid}/io`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}: (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { wchar: field('wchar'), syscw: field('syscw'), writeBytes: field('write_bytes') };
}

interface Counts {
  fsyncs: number;
  bridgeBytes: number;
  events: Record<string, number>;
}

class ConsoleProc {
  private out = '';
  private waiters: Array<{ re: RegExp; resolve: (m: RegExpExecArray) => void }> = [];
  readonly exited: Promise<number | null>;
  private constructor(
    readonly label: string,
    readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (d: Buffer) => {
      this.out += d.toString();
      for (const w of [...this.waiters]) {
        const m = w.re.exec(this.out);
        if (m) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          this.out = this.out.slice(m.index + m[0].length);
          w.resolve(m);
        }
      }
    });
    child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[console ${label}] ${d.toString()}`));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static async start(label: string, srcDir: string, hubUrl: string, token: string, dataDir: string, screen: 'live' | 'log'): Promise<ConsoleProc> {
    const child = spawn(process.execPath, ['--import', 'tsx', DRIVER, srcDir, hubUrl, token, dataDir, screen], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, STAGECALL_LOG_LEVEL: 'warn' } });
    const p = new ConsoleProc(label, child);
    await Promise.race([p.wait(/CONSOLE READY/), p.exited.then((c) => Promise.reject(new Error(`console ${label} exited with ${c} before ready`)))]);
    return p;
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  wait(re: RegExp): Promise<RegExpExecArray> {
    const m = re.exec(this.out);
    if (m) {
      this.out = this.out.slice(m.index + m[0].length);
      return Promise.resolve(m);
    }
    return new Promise((resolve) => this.waiters.push({ re, resolve }));
  }

  async command(line: string, answer: RegExp): Promise<RegExpExecArray> {
    const p = this.wait(answer);
    this.child.stdin?.write(`${line}\n`);
    return p;
  }

  async stop(): Promise<void> {
    this.child.stdin?.write('exit\n');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(t);
  }
}

/** A checkout of `commit`'s sources with this tree's node_modules (the dependencies the console uses did not change). */
function checkout(commit: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `stagecall-console-${commit}-`));
  const tar = execFileSync('git', ['-C', ROOT, 'archive', commit, 'src', 'package.json', 'tsconfig.json', 'tsconfig.base.json', 'tsconfig.node.json'], { maxBuffer: 256 * 2 ** 20 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

interface Sample {
  cpuMs: number;
  io: ProcIo;
  at: number;
}
const sample = (pid: number): Sample => ({ cpuMs: cpuMs(pid), io: procIo(pid), at: performance.now() });

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number) : 0;
};

export const bench: BenchModule = {
  describe: `the console core's CPU, disk writes and fsyncs per second under a 1,000-person simulated audience, this tree beside ${BEFORE_COMMIT} (before issue 15's console path) in the same run`,
  async run(ctx) {
    const audience = ctx.quick ? 100 : 1_000;
    const durationS = ctx.quick ? 8 : 30;
    const beforeSrc = process.env.STAGECALL_BENCH_CONSOLE_BEFORE ?? checkout(BEFORE_COMMIT);
    const hubData = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecall-consolebench-hub-'));
    const hub = await startHubChild(hubData, { joinRate: 50 });
    const show = new AbortController();
    const consoles: ConsoleProc[] = [];
    const dataDirs: string[] = [];
    try {
      const ev = await createEventWithHost(hub.url, BENCH_ADMIN_KEY, `Console bench ${audience}`);
      const tokenFor = async (name: string): Promise<string> => (await adminPost<{ token: string }>(hub.url, '/v1/tokens', { eventId: ev.eventId, role: 'host', name }, BENCH_ADMIN_KEY)).token;
      const trees: Array<[string, string, 'live' | 'log']> = [
        [`before (${BEFORE_COMMIT})`, beforeSrc, 'live'],
        ['after (this tree)', ROOT, 'live'],
        ['after, Connection screen’s log open', ROOT, 'log'],
      ];
      for (const [label, src, screen] of trees) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecall-consolebench-console-'));
        dataDirs.push(dir);
        consoles.push(await ConsoleProc.start(label, src, hub.url, await tokenFor(label), dir, screen));
      }
      const host = await StaffClient.connect(hub.url, ev.hostToken);
      const script = runOfShow(host, { chatEveryMs: 1_000, pollEveryMs: 10_000, quizEveryMs: 15_000, signal: show.signal });
      let first: Sample[] | null = null;
      let last: Sample[] = [];
      const perSecond: number[][] = consoles.map(() => []);
      let prev: Sample[] | null = null;
      const load0 = os.loadavg()[0] ?? 0;
      const r = await livelyAudience(hub.url, ev.joinCode, audience, durationS, (p) => {
          if (p.phase !== 'running') return;
          const now = consoles.map((c) => sample(c.pid));
          if (!first) {
            first = now;
            for (const c of consoles) c.child.stdin?.write('start\n');
          } else if (prev) {
            now.forEach((s, i) => perSecond[i]?.push(((s.cpuMs - (prev as Sample[])[i]!.cpuMs) / (s.at - (prev as Sample[])[i]!.at)) * 100));
          }
          prev = now;
          last = now;
          if (Math.round(p.elapsedS) % 10 === 0) ctx.log(`console bench: ${p.phase} ${p.connected}/${p.audience}, audience in ${p.framesInPerSec} frames/s`);
      });
      const counts: Counts[] = [];
      for (const c of consoles) counts.push(JSON.parse((await c.command('stop', /COUNTS (.*)\n/))[1] as string) as Counts);
      const load1 = os.loadavg()[0] ?? 0;
      show.abort();
      await script.catch(() => undefined);
      host.close();
      if (!first) throw new Error('the simulation never reached its run phase');
      const start: Sample[] = first;
      const rows = consoles.map((c, i) => {
        const a = start[i] as Sample;
        const b = last[i] as Sample;
        const s = (b.at - a.at) / 1000;
        const k = counts[i] as Counts;
        return {
          label: c.label,
          cpuPct: ((b.cpuMs - a.cpuMs) / (b.at - a.at)) * 100,
          cpuP99: pct(perSecond[i] ?? [], 99),
          wcharKBs: (b.io.wchar - a.io.wchar) / 1024 / s,
          writeKBs: (b.io.writeBytes - a.io.writeBytes) / 1024 / s,
          syscwS: (b.io.syscw - a.io.syscw) / s,
          fsyncS: k.fsyncs / s,
          bridgeKBs: k.bridgeBytes / 1024 / s,
          syncS: (k.events.sync ?? 0) / s,
          logS: (k.events.log ?? 0) / s,
          seconds: s,
        };
      });
      const [before, after] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
      const ratio = (x: number, y: number): string => (y === 0 ? (x === 0 ? '1' : '∞') : `${(x / y).toFixed(2)}x`);
      const table: BenchTable['rows'] = rows.map((x) => [x.label, Math.round(x.cpuPct * 10) / 10, Math.round(x.cpuP99 * 10) / 10, Math.round(x.wcharKBs * 10) / 10, Math.round(x.writeKBs * 10) / 10, Math.round(x.syscwS * 10) / 10, Math.round(x.fsyncS * 100) / 100, Math.round(x.bridgeKBs * 10) / 10, Math.round(x.syncS * 10) / 10, Math.round(x.logS * 10) / 10]);
      // The ratio row compares the two Live-screen consoles; the third row is for reference.
      table.splice(2, 0, [
        'before ÷ after',
        ratio(before.cpuPct, after.cpuPct),
        ratio(before.cpuP99, after.cpuP99),
        ratio(before.wcharKBs, after.wcharKBs),
        ratio(before.writeKBs, after.writeKBs),
        ratio(before.syscwS, after.syscwS),
        ratio(before.fsyncS, after.fsyncS),
        ratio(before.bridgeKBs, after.bridgeKBs),
        ratio(before.syncS, after.syncS),
        ratio(before.logS, after.logS),
      ]);
      ctx.log(`console bench: ${r.joined} joined, ${r.pubs.acked} acks, load average ${load0.toFixed(2)} → ${load1.toFixed(2)}`);
      return [
        {
          title: `Console core under a ${audience.toLocaleString('en-US')}-person simulated audience, before and after issue 15`,
          columns: ['console core', 'CPU % (of one core)', 'CPU % p99 of 1 s', 'written KB/s (wchar)', 'disk KB/s (write_bytes)', 'write calls/s (syscw)', 'fsyncs/s', 'to renderer KB/s', 'sync events/s', 'log events/s'],
          rows: table,
          notes: [
            `All three console cores at once, each in its own process, joined as hosts to one hub child (\`npm run hub\`) under one simulation: ${audience.toLocaleString('en-US')} lively attendees (\`runSimulation\`, 2 worker threads, ${DROP_RATE} drops per attendee per minute) and a scripted host (chat every second, a poll every 10 s, a quiz question every 15 s), measured over the ${Math.round(before.seconds)} s run phase. ${r.joined} joined, ${r.pubs.acked.toLocaleString('en-US')} acked actions; load average (1 min) ${load0.toFixed(2)} at the start of the run, ${load1.toFixed(2)} at its end, on 2 cores shared with the hub and the simulator.`,
            `"before" is \`git archive ${BEFORE_COMMIT}\` (the parent of 48862c4 "Console core on the shared client", so also before 6a48fb9 dropped the fsynced resume hint and 7c71c00), run through tsx from its own sources with this tree's node_modules; "after" is this tree. The first two are consoles on the Live screen: no log screen open, so after issue 15 the per-vote log stream is not subscribed; before, the core subscribed to it after the first sync and forwarded every entry. The ratio row compares those two; the last row is this tree with the Connection screen's live log open (a log watch held), what the stream costs now that only that screen pays for it.`,
            'CPU: utime+stime of the console process from /proc/<pid>/stat over the run (10 ms ticks); p99 over its 1-second samples. Written: /proc/<pid>/io wchar (bytes handed to write calls: journal, staff-view.json cache, sockets) and syscw (write calls: sockets and libuv’s eventfd wake-ups included, so it swings run to run); disk: write_bytes (what reached the block layer, often 0 here because writeback attributes later pages to the kernel flusher). fsyncs: fsync/fdatasync calls counted in the process (fs and FileHandle).',
            'To renderer: the JSON the web host would write to one renderer for every event the core emitted (each event serialised once); sync/log events: how many `sync` (one per view change, patch or state) and `log` events it emitted a second.',
          ],
        },
      ];
    } finally {
      show.abort();
      for (const c of consoles) await c.stop().catch(() => undefined);
      await hub.kill();
      for (const d of [hubData, ...dataDirs]) fs.rmSync(d, { recursive: true, force: true });
      if (!process.env.STAGECALL_BENCH_CONSOLE_BEFORE) fs.rmSync(beforeSrc, { recursive: true, force: true });
    }
  },
};
