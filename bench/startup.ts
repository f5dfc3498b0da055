/**
 * How long the hub takes from spawn to its `Hub ready:` line, against bare Node listening on
 * a port (the floor), measured in the same run and interleaved so load hits every variant alike:
 * the built hub as `npm run hub` starts it (src/main/launch.cjs: build check, then the bundled
 * out/node/hub.js), the same through npm itself (against bare Node through npm: npm's own start
 * is about twice bare Node's), and the TypeScript source through tsx (how it ran before issue 12).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Histogram } from '../src/shared/histogram';
import { ROOT } from './lib/child';
import type { BenchModule, BenchTable } from './lib/report';

const BARE = "require('node:http').createServer().listen(0, '127.0.0.1', function () { console.log('Ready: ' + this.address().port); })";

interface Variant {
  name: string;
  cmd: string;
  args: (data: string) => string[];
  /** The bare Node start this one is compared with (same launcher). */
  base: string;
  cwd?: string;
}

const BARE_NODE = 'bare Node http listen';
const BARE_NPM = 'bare Node http listen, through npm run';
const KEY = ['--admin-key', 'bench-admin-key-0123456789'];
/** A package whose only script is the bare listen: npm run's own cost, without the hub. */
const BARE_PKG = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecall-startup-npm-'));
fs.writeFileSync(path.join(BARE_PKG, 'package.json'), JSON.stringify({ name: 'bare', private: true, scripts: { bare: `node -e "${BARE}"` } }));

const VARIANTS: Variant[] = [
  { name: BARE_NODE, cmd: process.execPath, args: () => ['-e', BARE], base: BARE_NODE },
  { name: 'hub, built (node src/main/launch.cjs hub)', cmd: process.execPath, args: (d) => [path.join(ROOT, 'src/main/launch.cjs'), 'hub', '--port', '0', '--data', d, ...KEY], base: BARE_NODE },
  { name: BARE_NPM, cmd: 'npm', args: () => ['run', '--silent', 'bare'], base: BARE_NPM, cwd: BARE_PKG },
  { name: 'hub, built, through npm run hub', cmd: 'npm', args: (d) => ['run', '--silent', 'hub', '--', '--port', '0', '--data', d, ...KEY], base: BARE_NPM },
  { name: 'hub from TypeScript (node --import tsx src/hub/cli.ts)', cmd: process.execPath, args: (d) => ['--import', 'tsx', path.join(ROOT, 'src/hub/cli.ts'), '--port', '0', '--data', d, ...KEY], base: BARE_NODE },
];

/** Spawn to ready line, in ms; the child is then stopped and reaped. */
function timeToReady(v: Variant): Promise<number> {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecall-startup-'));
  const t0 = performance.now();
  const child = spawn(v.cmd, v.args(data), { cwd: v.cwd ?? ROOT, env: { ...process.env, STAGECALL_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let ms = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!ms && /(Hub ready|Ready): /.test(out)) {
        ms = performance.now() - t0;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      fs.rmSync(data, { recursive: true, force: true });
      if (ms) resolve(ms);
      else reject(new Error(`${v.name} exited with ${code} before ready:\n${out}`));
    });
  });
}

export const bench: BenchModule = {
  describe: 'hub start-up: spawn to ready line, built JavaScript vs TypeScript through tsx, as a ratio of bare Node listening',
  async run(ctx) {
    const load0 = os.loadavg().map((l) => l.toFixed(1)).join(', ');
    const rounds = ctx.quick ? 3 : 25;
    // One start to warm the file cache and settle the build check (a stale out/ is rebuilt here, not timed).
    await timeToReady(VARIANTS[1] as Variant);
    const times = new Map<string, Histogram>(VARIANTS.map((v) => [v.name, new Histogram()]));
    for (let r = 0; r < rounds; r++) for (const v of VARIANTS) times.get(v.name)?.record(await timeToReady(v));
    fs.rmSync(BARE_PKG, { recursive: true, force: true });
    const ms = (h: Histogram, q: number): number => Number(h.quantile(q).toFixed(0));
    const rows = VARIANTS.map((v) => {
      const h = times.get(v.name) ?? new Histogram();
      const base = times.get(v.base) ?? new Histogram();
      const x = (q: number): string => `${(h.quantile(q) / base.quantile(q)).toFixed(2)}x`;
      return [v.name, ms(h, 0.5), ms(h, 0.99), Number(h.min.toFixed(0)), Number(h.max.toFixed(0)), v.base, x(0.5), x(0.99)];
    });
    for (const r of rows) ctx.log(`${r[0]}: p50 ${r[1]} ms (${r[6]}), p99 ${r[2]} ms (${r[7]}) of ${r[5]}`);
    const table: BenchTable = {
      title: 'Hub start-up: spawn to ready line',
      columns: ['program', 'p50 ms', 'p99 ms', 'min ms', 'max ms', 'compared with', 'p50 vs that', 'p99 vs that'],
      rows,
      notes: [
        `${rounds} rounds, the variants interleaved in each round; an empty data folder each start; stdout piped (no pretty logger). p50/p99 from a histogram of the ${rounds} starts of each program (with so few starts the p99 is about the slowest).`,
        'Issue 12 asks `npm run hub` to be ready within 3x bare Node: the built row measures the program npm runs (the launcher\'s build check, then out/node/hub.js: the hub and its dependencies bundled and minified by vite.node.config.ts, the Redis engine a chunk loaded only with --engine redis); the npm rows add npm\'s own start, the same for any script, so `npm run hub` is compared with bare Node started by `npm run` too (a package whose only script is the bare listen).',
        'Before the bundle (2026-12-01: out/main/hub.js, built by electron-vite with every dependency required from node_modules, hundreds of files to resolve, read and compile before listening, zod, jose, prom-client, pino and ws alone ~0.4 s on an idle core): median 3.79x bare Node, the same bench.',
        `Load average at the start: ${load0}; at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(', ')} (other jobs share the 2 cores).`,
      ],
    };
    return [table];
  },
};
