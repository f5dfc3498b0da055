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
