/**
 * A hostile attendee and a hostile web page against the phone app and the overlays, in real
 * Chromium (docs/security.md): markup in every text an attendee or a host can set (names, chat,
 * questions, poll and quiz text), in query parameters and in postMessage is shown as text and
 * runs nothing; the pages' CSP allows only their own scripts; the phone page cannot be framed by
 * another site (clickjacking), while overlays still can (OBS, the console's previews).
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { joinAudience, staffToken } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';
import { hostPub, newPhone, startStage, stopStage, untilStaff, type Stage } from './helpers/audience-env';
import { joinByLink, openChat, openLive, openQnA } from './helpers/phone';

test.describe.configure({ mode: 'serial' });

/** Every payload, if it ever became markup, would set window.__pwned or open a dialog. */
const EVIL = `<img src=x onerror="window.__pwned='img'"><svg onload="window.__pwned='svg'"></svg><script>window.__pwned='script'</script><a href="javascript:alert(1)">x</a>`;
const EVIL_NAME = `<img src=x onerror=alert(1)>`; // 40 characters at most
const EVIL_LABEL = `"><img src=x onerror=alert('opt')>`;

let stage: Stage;
let producer: string;
let mallory: TestClient;
const contexts: BrowserContext[] = [];

/** Records dialogs and CSP violations in every frame of the page, before any script of the page runs. */
async function watched(browser: Browser, phone = false): Promise<{ page: Page; dialogs: string[] }> {
  const { context, page } = phone ? await newPhone(browser) : await (async () => {
    const c = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    return { context: c, page: await c.newPage() };
  })();
  contexts.push(context);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.addInitScript(() => {
    const w = globalThis as unknown as { __csp: string[]; addEventListener(t: string, f: (e: { violatedDirective: string }) => void): void };
    w.__csp = [];
    w.addEventListener('securitypolicyviolation', (e) => w.__csp.push(e.violatedDirective));
  });
  return { page, dialogs };
}

/** Nothing a payload could have become: no foreign element, no global set, no dialog, no CSP violation. */
async function expectInert(page: Page, dialogs: string[], root = page.locator('body')): Promise<void> {
  expect(await root.locator('script, svg[onload], iframe, img:not(.emoji-img), a[href^="javascript"], [onerror], [onload]').count()).toBe(0);
  const state = (await page.evaluate('({ pwned: globalThis.__pwned ?? null, csp: globalThis.__csp ?? [] })')) as { pwned: unknown; csp: string[] };
  expect(state).toEqual({ pwned: null, csp: [] });
  expect(dialogs).toEqual([]);
}

test.beforeAll(async () => {
  stage = await startStage('Town hall');
  await hostPub(stage, 'event.update', { status: 'live', settings: { chat: 'on' } });
  producer = (await staffToken(stage.hub.url, stage.eventId, 'producer', 'OBS')).token;
  mallory = await TestClient.connect(stage.hub.url, (await joinAudience(stage.hub.url, stage.code, EVIL_NAME)).token);

  await hostPub(stage, 'poll.create', { pollId: 'p1', question: `Poll ${EVIL}`, kind: 'single', options: [{ id: 'a', label: EVIL_LABEL }, { id: 'b', label: `B ${EVIL}`.slice(0, 200) }] });
  await hostPub(stage, 'poll.open', { pollId: 'p1' });
  await hostPub(stage, 'poll.reveal', { pollId: 'p1', visible: true });
  await hostPub(stage, 'chat.send', { messageId: 'h1', text: `Host says ${EVIL}` });
  for (const [id, name, data] of [
    ['m1', 'vote.cast', { pollId: 'p1', optionIds: ['a'] }],
    ['m2', 'chat.send', { messageId: 'mc1', text: `Mallory says ${EVIL}` }],
    ['m3', 'question.ask', { questionId: 'mq1', text: `Question ${EVIL}` }],
  ] as const) {
    const f = await mallory.pub(id, name, data);
    if (f.t !== 'ack') throw new Error(`${name}: ${JSON.stringify(f)}`);
  }
  await untilStaff(stage, (v) => v.questions.mq1, 'the question');
  await hostPub(stage, 'question.moderate', { questionId: 'mq1', status: 'approved' });
  await hostPub(stage, 'quiz.create', {
    quizId: 'qz',
    title: `Quiz ${EVIL}`,
    questions: [{ id: 'q1', prompt: `Prompt ${EVIL}`, options: [{ id: 'o1', label: EVIL_LABEL }, { id: 'o2', label: 'Fine' }], correctOptionId: 'o1', timeLimitMs: 60_000, points: 100 }],
  });
  await hostPub(stage, 'quiz.next', { quizId: 'qz' });
  const f = await mallory.pub('m4', 'quiz.answer', { quizId: 'qz', questionId: 'q1', optionId: 'o1' });
  if (f.t !== 'ack') throw new Error(JSON.stringify(f));
});

test.afterAll(async () => {
  mallory?.close();
  for (const c of contexts) await c.close();
  await stopStage(stage);
});

test('I11 the phone shows hostile poll, quiz, chat, question and name text as text', async ({ browser }) => {
  const { page, dialogs } = await watched(browser, true);
  await joinByLink(page, stage, 'Vic');
  await openLive(page);
  await expect(page.getByText(`Prompt ${EVIL}`)).toBeVisible();
  await expect(page.getByText(EVIL_LABEL).first()).toBeVisible();
  await expectInert(page, dialogs);
  await openQnA(page);
  await expect(page.getByText(`Question ${EVIL}`)).toBeVisible();
  await expect(page.getByText(EVIL_NAME).first()).toBeVisible();
  await expectInert(page, dialogs);
  await openChat(page);
  await expect(page.getByText(`Mallory says ${EVIL}`)).toBeVisible();
  await expect(page.getByText(`Host says ${EVIL}`)).toBeVisible();
  await expectInert(page, dialogs);
});

test('I11 the overlays show hostile text as text; postMessage from the page that frames them changes nothing', async ({ browser }) => {
  await hostPub(stage, 'quiz.reveal', { quizId: 'qz' });
  await untilStaff(stage, (v) => (v.quizzes.qz?.leaderboard.length ? v : undefined), 'leaderboard');
  const expected: Record<string, string> = { poll: `Poll ${EVIL}`, qa: `Question ${EVIL}`, leaderboard: EVIL_NAME };
  for (const [kind, text] of Object.entries(expected)) {
    const { page, dialogs } = await watched(browser);
    await page.goto(`${stage.hub.url}/overlay/${stage.eventId}?view=${kind}#token=${encodeURIComponent(producer)}`);
    await expect(page.locator('main[data-ready="yes"]')).toBeAttached();
    await expect(page.getByText(text).first()).toBeVisible();
    await expectInert(page, dialogs);
    await page.close();
  }
  // A hostile page framing the overlay (as OBS does) posts markup and commands to it.
  const { page, dialogs } = await watched(browser);
  await page.setContent(`<iframe title="overlay" width="1280" height="720" src="${stage.hub.url}/overlay/${stage.eventId}?view=poll#token=${encodeURIComponent(producer)}"></iframe>`);
  const frame = page.frameLocator('iframe');
  await expect(frame.locator('main[data-ready="yes"]')).toBeAttached();
  const before = await frame.locator('main').innerHTML();
  await page.evaluate(`(() => {
    const w = document.querySelector('iframe').contentWindow;
    for (const m of [${JSON.stringify(EVIL)}, { t: 'sync', view: 'audience', snapshot: { polls: {} } }, { type: 'navigate', url: 'javascript:alert(1)' }, { token: 'x', hubs: 'ws://127.0.0.1:1' }]) w.postMessage(m, '*');
  })()`);
  await page.evaluate('new Promise((r) => setTimeout(r, 300))'); // give any listener a chance; there must be none
  expect(await frame.locator('main').innerHTML()).toBe(before);
  const frameState = await page.frames()[1]?.evaluate('({ pwned: globalThis.__pwned ?? null, csp: globalThis.__csp ?? [] })');
  expect(frameState).toEqual({ pwned: null, csp: [] });
  expect(dialogs).toEqual([]);
});

test('I11 hostile query parameters on the phone and overlay addresses are inert', async ({ browser }) => {
  const { page, dialogs } = await watched(browser, true);
  const hubs = encodeURIComponent(`javascript:window.__pwned='hubs',${EVIL_NAME},file:///etc/passwd`);
  await page.goto(`${stage.hub.url}/j/${stage.code}?hubs=${hubs}&name=${encodeURIComponent(EVIL_NAME)}&code=${encodeURIComponent(EVIL_NAME)}`);
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Town hall' })).toBeVisible(); // joined its own hub
  await expectInert(page, dialogs);

  const ov = await watched(browser);
  await ov.page.goto(`${stage.hub.url}/overlay/${encodeURIComponent(EVIL_NAME)}?view=${encodeURIComponent(EVIL_NAME)}&theme=${encodeURIComponent(EVIL_LABEL)}#token=${encodeURIComponent(EVIL)}`);
  await expect(ov.page.getByRole('alert')).toBeVisible(); // a named problem, as text
  await expectInert(ov.page, ov.dialogs);
});

test('I11 CSP: own scripts only on every page; another site cannot frame the phone page, overlays stay frameable', async ({ browser }) => {
  for (const path of ['/', `/j/${stage.code}`, `/overlay/${stage.eventId}?view=poll`]) {
    const res = await fetch(`${stage.hub.url}${path}`);
    const csp = res.headers.get('content-security-policy') ?? '';
    const scriptSrc = /(?:^|;)\s*script-src ([^;]*)/.exec(csp)?.[1]?.trim();
    expect(scriptSrc, `${path}: ${csp}`).toBe("'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).not.toContain('unsafe-eval');
    const phonePage = !path.startsWith('/overlay/');
    expect(csp.includes("frame-ancestors 'none'"), `${path}: ${csp}`).toBe(phonePage);
  }
  // In Chromium: a page of another origin frames the join page (to overlay a fake UI on its
  // buttons) and the overlay (as OBS or the console's preview does).
  const { page } = await watched(browser);
  await page.setContent(
    `<iframe id="phone" width="400" height="800" src="${stage.hub.url}/j/${stage.code}"></iframe><iframe id="ov" width="640" height="360" src="${stage.hub.url}/overlay/${stage.eventId}?view=poll#token=${encodeURIComponent(producer)}"></iframe>`,
    { waitUntil: 'load' },
  );
  await expect(page.frameLocator('#ov').locator('main[data-ready="yes"]')).toBeAttached();
  expect(await page.frameLocator('#phone').getByRole('button', { name: 'Join' }).count()).toBe(0);
});
