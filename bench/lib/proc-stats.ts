/** A child process's CPU time and resident memory, read from /proc (Linux; what these machines run). */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let clkTck = 0;
const ticksPerSecond = (): number => {
  if (!clkTck) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
};

/** utime + stime of `pid` in milliseconds (10 ms resolution at CLK_TCK 100). */
export function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / ticksPerSecond();
}

/** VmRSS of `pid` in KiB. */
export function rssKB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  return m ? Number(m[1]) : 0;
}

/** CPU used by `pid` between two calls, per second of wall time. */
export class CpuMeter {
  private cpu0: number;
  private t0: number;
  constructor(private readonly pid: number) {
    this.cpu0 = cpuMs(pid);
    this.t0 = performance.now();
  }
  read(): { cpuMs: number; wallMs: number } {
    return { cpuMs: cpuMs(this.pid) - this.cpu0, wallMs: performance.now() - this.t0 };
  }
}
