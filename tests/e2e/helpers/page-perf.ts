/**
 * Responsiveness probes for the console page: a PerformanceObserver collecting long tasks
 * (> 50 ms) and a 100 ms timer whose lateness is the worst input delay a person would feel;
 * the renderer's JS heap from CDP (Performance.getMetrics). Scripts are strings: this file is
 * compiled without the DOM library.
 */
import type { CDPSession, Page } from '@playwright/test';

const PROBE = `(() => {
  const perf = { longTasks: [], maxTimerLateMs: 0 };
  Object.defineProperty(window, '__stagecallPerf', { value: perf });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) perf.longTasks.push({ start: Math.round(e.startTime), ms: Math.round(e.duration) });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { perf.error = String(e); }
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    perf.maxTimerLateMs = Math.max(perf.maxTimerLateMs, Math.round(now - last - 100));
    last = now;
  }, 100);
})();`;

export interface LongTask {
  start: number;
  ms: number;
}

export async function installPerfProbe(page: Page): Promise<void> {
  await page.addInitScript({ content: PROBE });
}

export async function readPerf(page: Page): Promise<{ longTasks: LongTask[]; maxTimerLateMs: number; now: number }> {
  return (await page.evaluate('({ ...window.__stagecallPerf, now: performance.now() })')) as { longTasks: LongTask[]; maxTimerLateMs: number; now: number };
}

export async function resetTimerLate(page: Page): Promise<void> {
  await page.evaluate('window.__stagecallPerf.maxTimerLateMs = 0');
}

export async function heapUsedMB(cdp: CDPSession, collectGarbage: boolean): Promise<number> {
  if (collectGarbage) await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
  return Math.round((used / 2 ** 20) * 10) / 10;
}

/** The page's main-thread time by kind, from CDP `Performance.getMetrics` (seconds, cumulative since the page opened). */
export interface PageTimes {
  scriptS: number;
  layoutS: number;
  styleS: number;
  taskS: number;
}

export async function pageTimes(cdp: CDPSession): Promise<PageTimes> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = (name: string): number => metrics.find((x) => x.name === name)?.value ?? NaN;
  return { scriptS: m('ScriptDuration'), layoutS: m('LayoutDuration'), styleS: m('RecalcStyleDuration'), taskS: m('TaskDuration') };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  wallMs: number;
  /** JavaScript on the page's thread (samples outside idle, program and GC). */
  jsMs: number;
  gcMs: number;
  /** (program): the renderer's native work outside JS: style, layout, paint, parsing. */
  programMs: number;
  /** Self time by script file (the built chunk's name without its hash). */
  byFile: Array<{ file: string; ms: number }>;
  /** Self time by function (name @ file:line), the largest first. */
  top: Array<{ fn: string; ms: number }>;
}

/** Self time per node of a CDP CPU profile, folded into the figures the load report prints. */
export function summariseProfile(p: CpuProfile, topN = 10): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  // timeDeltas[i] is the time before sample i; the time a sample stands for is the next delta.
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
  }
  let jsMs = 0;
  let gcMs = 0;
  let programMs = 0;
  const files = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, ms] of self) {
    const f = byId.get(id)?.callFrame;
    const name = f?.functionName ?? '';
    if (name === '(idle)' || name === '(root)') continue;
    if (name === '(program)') {
      programMs += ms;
      continue;
    }
    if (name === '(garbage collector)') {
      gcMs += ms;
      continue;
    }
    jsMs += ms;
    const file = (f?.url ?? '').split('/').pop()?.replace(/-[\w-]{8}\.js$/, '.js') || '(native)';
    files.set(file, (files.get(file) ?? 0) + ms);
    const key = `${name || '(anonymous)'} @ ${file}:${(f?.lineNumber ?? 0) + 1}:${(f?.columnNumber ?? 0) + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + ms);
  }
  const sorted = (m: Map<string, number>): Array<[string, number]> => [...m].sort((a, b) => b[1] - a[1]);
  return {
    wallMs: (p.endTime - p.startTime) / 1000,
    jsMs,
    gcMs,
    programMs,
    byFile: sorted(files).slice(0, topN).map(([file, ms]) => ({ file, ms })),
    top: sorted(fns).slice(0, topN).map(([fn, ms]) => ({ fn, ms })),
  };
}
