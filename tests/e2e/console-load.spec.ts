/**
 * Issue 5 (Show, load): 5,000 simulated audience members (src/simulator runSimulation, worker
 * threads; STAGECALL_UI_LOAD_AUDIENCE for a smaller one) vote, ask, upvote and react for 60 s while the console page is driven through its
 * screens. Reports the page's long tasks (> 50 and > 100 ms, PerformanceObserver), the worst lateness of a
 * 100 ms timer, screen-switch times and the JS heap (CDP) at start and end, the page's main-thread
 * time (CDP) and a CPU profile's JS self time over the run, into
 * docs/benchmarks.md (<!-- ui-load -->). Gated: STAGECALL_UI_LOAD=1.
 */
import fs from 'node:fs';
import os from 'node:os';
import { expect, test } from '@playwright/test';
import { runSimulation, type SimProgress } from '../../src/simulator/run-simulation';
import { ADMIN_KEY, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { writeBenchSection } from './helpers/bench-section';
import { closeAll, joinMany } from './helpers/audience';
import { startConsoleHost, type ConsoleHost } from './helpers/console-host';
import { createOpenSingleChoicePoll, goTo, openConsole } from './helpers/console-page';
import { heapUsedMB, installPerfProbe, pageTimes, readPerf, resetTimerLate, summariseProfile, type CpuProfile, type LongTask } from './helpers/page-perf';
import { skipUnless } from './helpers/skip-unless';

skipUnless(Boolean(process.env.STAGECALL_UI_LOAD), 'console-load.spec', 'set STAGECALL_UI_LOAD=1 to run the 5,000-person UI load test');
test.setTimeout(900_000);
// No Playwright trace: its DOM snapshot on every action runs in the page and would count as the page's own work.
test.use({ trace: 'off' });

const AUDIENCE = Number(process.env.STAGECALL_UI_LOAD_AUDIENCE ?? 5000);
/** A held key repeats about 30 times a second (the usual auto-repeat rate). */
const KEY_REPEAT_MS = 33;
const RUN_S = 60;
const RAMP_LIMIT_S = 600;

let hub: HubProcess | null = null;
let host: ConsoleHost | null = null;

test.afterEach(async () => {
  await host?.stop();
  await hub?.kill();
  host = null;
  hub = null;
});

const SCREENS = ['Live', 'Q&A', 'Run of show', 'Connection', 'Live', 'Q&A'] as const;

test('UI-6 load: 5,000 people for 60 s, the console stays responsive', async ({ page }) => {
  const loadAtStart = os.loadavg()[0] ?? 0;
  hub = await startHubProcess({ args: ['--join-rate', '100000'] });
  host = await startConsoleHost(['--hub', hub.url, '--admin-key', ADMIN_KEY, '--title', 'Load test']);
  await page.setViewportSize({ width: 1440, height: 900 });
  await installPerfProbe(page);
  await openConsole(page, host.url);
  const code = (await page.getByTestId('topbar-join-code').textContent()) ?? '';
  await createOpenSingleChoicePoll(page, 'Warm-up: which session next?', ['Keynote', 'Workshop', 'Panel']);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const heapStart = await heapUsedMB(cdp, true);
  const startPerf = await readPerf(page);

  let phase: SimProgress['phase'] = 'connecting';
  let running: () => void = () => undefined;
  const runningNow = new Promise<void>((r) => (running = r));
  let lastProgress: SimProgress | null = null;
  const sim = runSimulation({
    hubs: [hub.url],
    code,
    audience: AUDIENCE,
    profile: 'lively',
    workers: 2,
    durationS: RUN_S,
    // Everyone joins before the 60 s start, even on a loaded machine (the default limit, 160 s at 5,000, ran out at load averages of 10-15).
    rampTimeoutS: RAMP_LIMIT_S,
    onProgress: (p) => {
      lastProgress = p;
      if (p.phase === 'running' && phase !== 'running') running();
      phase = p.phase;
    },
  });

  await goTo(page, 'Live');
  await runningNow;
  // A CPU profile of the page over the run (sampled each ms), for the page's own JS time and where it
  // goes; STAGECALL_UI_PROFILE=<file.cpuprofile> also keeps the profile (open it in DevTools).
  const profileTo = process.env.STAGECALL_UI_PROFILE;
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  await cdp.send('Profiler.start');
  const timesStart = await pageTimes(cdp);
  const ramp = await readPerf(page);
  await resetTimerLate(page);
  const runStart = ramp.now;

  // During the run: a second poll wave, a switch of screen every ~10 s, keyboard in the Q&A queue.
  const switches: number[] = [];
  const marks: Array<{ screen: string; at: number }> = [];
  let onlineSeen = 0;
  const onlineTile = async (): Promise<number> => {
    await expect(page.locator('.tile').filter({ hasText: 'Audience online' })).toBeVisible();
    return Number(((await page.locator('.tile').filter({ hasText: 'Audience online' }).locator('strong').textContent()) ?? '0').replace(/\D/g, ''));
  };
  const shotTo = process.env.STAGECALL_UI_SCREENSHOT;
  let shot = false;
  const t0 = Date.now();
  await createOpenSingleChoicePoll(page, 'Main vote: what should we build?', ['Search', 'Sharing', 'Speed', 'Sync']);
  for (const s of SCREENS) {
    const t = Date.now();
    await goTo(page, s);
    await expect(page.getByRole('heading', { level: 2, name: s === 'Q&A' ? 'Q&A moderation' : s })).toBeVisible();
    switches.push(Date.now() - t);
    if (s === 'Q&A') for (const k of ['j', 'j', 'j', 'k']) await page.keyboard.press(k);
    marks.push({ screen: s, at: Math.round((await readPerf(page)).now) });
    if (s === 'Live') onlineSeen = Math.max(onlineSeen, await onlineTile());
    if (s === 'Live' && shotTo && !shot) {
      // The charts after they have drawn a few seconds of the run (STAGECALL_UI_SCREENSHOT=<file.png>).
      shot = true;
      await page.waitForTimeout(4_000); // pacing: let a few seconds of the run reach the charts
      await page.screenshot({ path: shotTo });
      // And every chart: a window tall enough for the whole screen (off-screen charts do not draw).
      await page.setViewportSize({ width: 1440, height: 2600 });
      await page.waitForTimeout(1_500); // pacing: the charts that came into view draw
      await page.screenshot({ path: shotTo.replace(/(\.png)?$/, '-all.png') });
      await page.setViewportSize({ width: 1440, height: 900 });
    }
    const wait = Math.min(10_000, RUN_S * 1000 - (Date.now() - t0) - 2_000);
    if (wait > 0) await page.waitForTimeout(wait); // pacing the scenario, not a correctness wait
    if (s === 'Live') onlineSeen = Math.max(onlineSeen, await onlineTile());
  }
  const report = await sim;
  const end = await readPerf(page);
  const timesEnd = await pageTimes(cdp);
  const profile = (await cdp.send('Profiler.stop')).profile as CpuProfile;
  if (profileTo) fs.writeFileSync(profileTo, JSON.stringify(profile));
  const prof = summariseProfile(profile);
  const heapEnd = await heapUsedMB(cdp, false);
  const heapEndGc = await heapUsedMB(cdp, true);

  const inRun = end.longTasks.filter((t: LongTask) => t.start >= runStart);
  const inRamp = end.longTasks.filter((t: LongTask) => t.start >= startPerf.now && t.start < runStart);
  const stats = (ts: LongTask[]): string => (ts.length ? `${ts.length} (total ${ts.reduce((a, t) => a + t.ms, 0)} ms, longest ${Math.max(...ts.map((t) => t.ms))} ms)` : '0');
  const over100 = (ts: LongTask[]): LongTask[] => ts.filter((t) => t.ms > 100);
  const s1 = (x: number): string => (x / 1000).toFixed(2);
  const runWallS = (end.now - runStart) / 1000;
  const loadAtEnd = os.loadavg()[0] ?? 0;
  const date = new Date().toISOString().slice(0, 10);
  const body = `_${date}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, Chromium (system), \`STAGECALL_UI_LOAD=1 npx playwright test tests/e2e/console-load.spec.ts\`_

### Console UI under a 5,000-person audience

The console page (web host → real hub) while \`runSimulation\` drives ${AUDIENCE.toLocaleString('en')} lively attendees (2 worker threads, same machine: hub, console core, simulator and Chromium share the cores; load average ${loadAtStart.toFixed(1)} at the start, ${loadAtEnd.toFixed(1)} at the end, other jobs on the machine included).${report.joined < AUDIENCE ? ` ${report.joined.toLocaleString('en')} of them joined: ${(AUDIENCE - report.joined).toLocaleString('en')} joins failed or were still pending when the ramp ended (after ${report.rampS.toFixed(0)} s, limit ${RAMP_LIMIT_S} s) and the 60 s began.` : ''}

| figure | value |
|---|---|
| attendees joined / connected at end | ${report.joined.toLocaleString('en')} / ${report.connectedAtEnd.toLocaleString('en')} |
| ramp (all connected) | ${report.rampS.toFixed(1)} s |
| run | ${report.runS.toFixed(1)} s, ${report.pubs.sent.toLocaleString('en')} pubs (${report.pubs.acked.toLocaleString('en')} acked) |
| most audience online shown on the Live screen during the run | ${onlineSeen.toLocaleString('en')} |
| long tasks > 50 ms during the ramp | ${stats(inRamp)} |
| long tasks > 50 ms during the ${RUN_S} s run | ${stats(inRun)} |
| long tasks > 100 ms during the ${RUN_S} s run | ${stats(over100(inRun))} |
| page main thread busy during the run (CDP \`TaskDuration\`) | ${(timesEnd.taskS - timesStart.taskS).toFixed(2)} s of ${runWallS.toFixed(1)} s: script ${(timesEnd.scriptS - timesStart.scriptS).toFixed(2)} s, style ${(timesEnd.styleS - timesStart.styleS).toFixed(2)} s, layout ${(timesEnd.layoutS - timesStart.layoutS).toFixed(2)} s |
| page's own JS in the CPU profile (self time, GC apart) | ${s1(prof.jsMs)} s of ${s1(prof.wallMs)} s, GC ${s1(prof.gcMs)} s, native rendering work \`(program)\` ${s1(prof.programMs)} s |
| profile's JS by file (self time) | ${prof.byFile.slice(0, 5).map((f) => `${f.file} ${s1(f.ms)} s`).join(', ')} |
| worst lateness of a 100 ms timer during the run | ${end.maxTimerLateMs} ms |
| screen switches (click → heading visible, via Playwright) | median ${median(switches)} ms, max ${Math.max(...switches)} ms |
| JS heap used at start (after GC) | ${heapStart} MB |
| JS heap used at end (before / after GC) | ${heapEnd} / ${heapEndGc} MB |

- The run switches screens every ~10 s (Live, Q&A with j/k, Run of show, Connection) and opens a second poll, so the charts, the virtualized queue and the log table render under load. The window is 1440 × 900: the Live screen shows its first charts; a chart scrolled out of view (or in a hidden window) does not redraw until it is seen again.
- Long tasks come from a PerformanceObserver (\`longtask\`) in the page; heap from CDP \`Performance.getMetrics\` (\`JSHeapUsedSize\`), GC forced with \`HeapProfiler.collectGarbage\`. The page's main-thread time is CDP's \`TaskDuration\` (with \`ScriptDuration\`, \`RecalcStyleDuration\`, \`LayoutDuration\`) over the run; the JS figure is the self time of a CPU profile sampled each millisecond over the run (\`STAGECALL_UI_PROFILE=<file>\` keeps it), outside idle, GC and \`(program)\`. It includes Playwright's own injected scripts (the locators and \`expect\`s of the scenario, file \`(native)\` with the builtins); the run has no Playwright trace, whose DOM snapshots ran in the page.
- A long task is the page's main thread busy for that long, whether running or waiting for a core: on this 2-core machine shared with other jobs (see the load averages), the same work takes several times longer at a load average of 12 than when idle. The two rows of page time count only what the page ran (idle apart), so they move far less with the load, though a function descheduled mid-run still counts as running.
- Before (issue 18.5), with the Live charts drawn by recharts 3 (already redrawn only while on screen): 19 long tasks > 50 ms in the run, 9 > 100 ms, the longest 1,220 ms, page JS 5.1 s of 62.7 s (load average 12.3 → 7.2; that run had the Playwright trace on, ~0.8 s of the JS); a profile of an unminified build at 800 people put 6.3 s of 10.7 s of JS in recharts, which runs every redraw through its own store and selectors. Now the charts are plain SVG (src/renderer/src/components/live/line-chart.tsx), one path per series.`;
  // A smaller audience (STAGECALL_UI_LOAD_AUDIENCE, for development) prints its figures but leaves the docs alone.
  if (AUDIENCE === 5000) writeBenchSection('ui-load', body);
  console.log(body, JSON.stringify({ lastProgress, marks, switches, inRun, top: prof.top }, null, 1));

  // The figures are recorded whatever they are; the UI must have kept up and never stalled badly.
  expect(onlineSeen).toBeGreaterThan(AUDIENCE * 0.9);
  expect(end.maxTimerLateMs).toBeLessThan(2_000);
});

test('UI-6b Q&A: 10,000 questions in a virtualized queue scroll and move by keyboard without stalling', async ({ page }) => {
  hub = await startHubProcess();
  host = await startConsoleHost(['--hub', hub.url, '--admin-key', ADMIN_KEY, '--title', '10k questions']);
  await page.setViewportSize({ width: 1440, height: 900 });
  await installPerfProbe(page);
  await openConsole(page, host.url);
  const code = (await page.getByTestId('topbar-join-code').textContent()) ?? '';
  const members = await joinMany(hub.url, code, 50);
  const t0 = Date.now();
  // 50 people ask 200 questions each, paced under the audience rate limit (20/s per connection).
  await Promise.all(
    members.map(async (m, c) => {
      for (let k = 0; k < 200; k++) {
        const f = await m.client.pub(`ask-${k}`, 'question.ask', { questionId: `q${c}-${k}`, text: `Question ${k} from guest ${c}: ${'lorem ipsum '.repeat(1 + (k % 6))}` });
        if (f.t !== 'ack') throw new Error(JSON.stringify(f));
        await new Promise((r) => setTimeout(r, 60)); // pacing under the rate limit, not a wait for a condition
      }
    }),
  );
  const seedS = (Date.now() - t0) / 1000;
  closeAll(members);
  await goTo(page, 'Q&A');
  await expect(page.getByRole('region', { name: 'Question queue, 10000 questions' })).toBeVisible({ timeout: 60_000 });
  const rendered = await page.locator('.qa-item').count();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const heap = await heapUsedMB(cdp, true);

  const before = await readPerf(page);
  await resetTimerLate(page);
  const profileTo = process.env.STAGECALL_UI_PROFILE;
  if (profileTo) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await cdp.send('Profiler.start');
  }
  // Scroll the whole queue with the mouse wheel.
  const list = page.getByTestId('qa-queue');
  await list.hover();
  const tScroll = Date.now();
  for (let i = 0; i < 60; i++) await page.mouse.wheel(0, 15_000);
  await expect(page.locator('.qa-item').last()).toBeVisible();
  const scrollMs = Date.now() - tScroll;
  const afterScroll = await readPerf(page);
  // And 100 keyboard steps from the top.
  await list.evaluate('(el) => { el.scrollTop = 0; }');
  await page.locator('main').focus();
  // At a held key's auto-repeat rate (30/s): back-to-back synthetic presses (~90/s) keep input
  // tasks, which Chromium runs before timers, queued without a gap, so the 100 ms timer starved
  // for up to 1 s with no task over 50 ms: a rate no keyboard produces, not a stall anyone feels.
  const tKeys = Date.now();
  let pressMs = 0;
  for (let i = 0; i < 100; i++) {
    const t = Date.now();
    await page.keyboard.press('j');
    pressMs += Date.now() - t;
    const next = tKeys + (i + 1) * KEY_REPEAT_MS;
    if (next > Date.now()) await new Promise((r) => setTimeout(r, next - Date.now())); // pacing at the repeat rate, not a wait for a condition
  }
  await expect(page.getByTestId('qa-cursor')).toContainText('Question 101 of 10000');
  const keysMs = Date.now() - tKeys;
  const end = await readPerf(page);
  if (profileTo) fs.writeFileSync(profileTo.replace(/(\.cpuprofile)?$/, '-qa.cpuprofile'), JSON.stringify((await cdp.send('Profiler.stop')).profile));
  const during = end.longTasks.filter((t) => t.start >= before.now);
  const scrollTasks = afterScroll.longTasks.filter((t) => t.start >= before.now);

  writeBenchSection(
    'ui-qa-10k',
    `### Console Q&A queue with 10,000 questions

\`STAGECALL_UI_LOAD=1 npx playwright test tests/e2e/console-load.spec.ts\` (UI-6b): 50 audience clients ask 10,000 questions (${seedS.toFixed(0)} s, paced under the rate limit), then the Pending queue is scrolled end to end with the mouse wheel and walked with \`j\`.

| figure | value |
|---|---|
| rows in the DOM for 10,000 questions | ${rendered} |
| 60 wheel scrolls of 15,000 px (top to bottom) | ${scrollMs} ms, long tasks > 50 ms: ${scrollTasks.length}${scrollTasks.length ? ` (longest ${Math.max(...scrollTasks.map((t) => t.ms))} ms)` : ''} |
| 100 presses of \`j\` at a held key's repeat rate (${Math.round(1000 / KEY_REPEAT_MS)}/s; via Playwright, each awaited) | ${keysMs} ms in all, ${(pressMs / 100).toFixed(1)} ms a press |
| long tasks > 50 ms over scroll + keys | ${during.length}${during.length ? ` (longest ${Math.max(...during.map((t) => t.ms))} ms)` : ''} |
| worst lateness of a 100 ms timer | ${end.maxTimerLateMs} ms |
| JS heap used with 10,000 questions held (after GC) | ${heap} MB |
`,
    { after: 'ui-load' },
  );
  expect(rendered).toBeLessThan(60);
  expect(end.maxTimerLateMs).toBeLessThan(1_000);
});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}
