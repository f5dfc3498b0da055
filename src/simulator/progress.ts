/** The CLI's stderr lines: a progress bar while the audience connects, then one summary line a second. */
import type { SimProgress } from './run-simulation';

const n = (v: number): string => v.toLocaleString('en-US');

export function progressBar(p: SimProgress, width = 30): string {
  const done = Math.min(width, Math.round((p.connected / Math.max(1, p.audience)) * width));
  const bar = `${'#'.repeat(done)}${'-'.repeat(width - done)}`;
  return `connecting [${bar}] ${n(p.connected)}/${n(p.audience)} connected, ${n(p.joined)} joined${p.failed ? `, ${n(p.failed)} gave up` : ''} (${p.elapsedS.toFixed(0)} s)`;
}

export function summaryLine(p: SimProgress): string {
  return `[${p.elapsedS.toFixed(0).padStart(4)} s] ${p.phase}: connected ${n(p.connected)}/${n(p.audience)} | frames in ${n(p.framesInPerSec)}/s out ${n(p.framesOutPerSec)}/s | ack p99 ${p.ackP99Ms} ms | reconnects ${n(p.reconnects)}${p.pendingPubs ? ` | unacked ${n(p.pendingPubs)}` : ''}${p.simulatorLagMs > 100 ? ` | simulator lagging ${n(p.simulatorLagMs)} ms` : ''}`;
}

/** Redraws in place on a terminal; one line per update otherwise (logs, CI). */
export function progressPrinter(out: NodeJS.WriteStream): { show(p: SimProgress): void; end(): void } {
  let drawn = false;
  return {
    show(p) {
      const line = p.phase === 'connecting' ? progressBar(p) : summaryLine(p);
      if (out.isTTY) {
        out.write(`\r\x1b[2K${line}`);
        drawn = true;
      } else out.write(`${line}\n`);
    },
    end() {
      if (drawn) out.write('\n');
    },
  };
}
