/**
 * Shared set-up for the audience e2e specs: build the audience app when its output is missing
 * or older than its sources, start a real hub (which serves out/audience), and make phones.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { ROOT, createEvent, staffToken, startHubProcess, type HubProcess } from '../../helpers/hub-process';
import { TestClient } from '../../helpers/test-client';
import type { StaffView } from '../../../src/shared/domain/types';

const OUT_INDEX = path.join(ROOT, 'out/audience/index.html');
const SOURCES = [path.join(ROOT, 'src/audience'), path.join(ROOT, 'src/shared'), path.join(ROOT, 'vite.audience.config.ts')];

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of fs.readdirSync(p)) max = Math.max(max, newestMtime(path.join(p, e)));
  return max;
}

export function ensureAudienceBuild(): void {
  const built = fs.existsSync(OUT_INDEX) ? fs.statSync(OUT_INDEX).mtimeMs : 0;
  const sources = Math.max(...SOURCES.map(newestMtime));
  if (built >= sources) return;
  execFileSync('npx', ['vite', 'build', '--config', 'vite.audience.config.ts'], {
    cwd: ROOT,
    stdio: 'pipe',
    env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
  });
}

export interface Stage {
  hub: HubProcess;
  eventId: string;
  code: string;
  host: TestClient;
  hostClientId: string;
}

/** A hub, one event, and its host connected over the real protocol with the staff view subscribed. */
export async function startStage(title = 'Town hall'): Promise<Stage> {
  ensureAudienceBuild();
  const hub = await startHubProcess({ args: ['--join-rate', '1000'] });
  const { eventId, joinCode } = await createEvent(hub.url, title);
  const t = await staffToken(hub.url, eventId, 'host', 'Host');
  const host = await TestClient.connect(hub.url, t.token);
  host.send({ t: 'sub', view: 'staff' });
  await host.until(() => host.views.staff ?? undefined);
  return { hub, eventId, code: joinCode, host, hostClientId: t.clientId };
}

export async function stopStage(stage: Stage | undefined): Promise<void> {
  if (!stage) return;
  stage.host.close();
  await stage.hub.kill();
}

export const staffView = (stage: Stage): StaffView => stage.host.views.staff?.doc as StaffView;

/** Waits until the host's staff view satisfies `check` (re-checked on every frame). */
export function untilStaff<T>(stage: Stage, check: (v: StaffView) => T | undefined | false, what = 'staff view'): Promise<T> {
  return stage.host.until(() => {
    const v = stage.host.views.staff?.doc as StaffView | undefined;
    if (!v) return undefined;
    const r = check(v);
    return r === false ? undefined : r;
  }, 30_000, what);
}

let hostSeq = 0;
/** Publishes as the host and insists on an applied ack. */
export async function hostPub(stage: Stage, name: string, data: unknown): Promise<void> {
  const f = await stage.host.pub(`host-${Date.now()}-${++hostSeq}`, name, data);
  if (f.t !== 'ack' || !f.applied) throw new Error(`${name} not applied: ${JSON.stringify(f)}`);
}

export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } as const;

export async function newPhone(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  return { context, page };
}

export const SCREENSHOTS = process.env.STAGECALL_UPDATE_SCREENSHOTS
  ? path.join(ROOT, 'docs', 'screenshots')
  : path.join(ROOT, 'test-results', 'screenshots'); // a plain test run leaves docs/ untouched
export const shot = (name: string): string => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, name);
};
