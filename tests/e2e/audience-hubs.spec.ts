/**
 * Issue 11 item 8: a crafted `?hubs=` cannot make an attendee send its token to a host its own
 * hub does not list. A real listener on loopback (HTTP and WebSocket) stands in for the
 * attacker and records every connection. A returning attendee opened with `?hubs=<evil>`
 * reconnects to its own hub and the listener hears nothing; a new attendee opened so joins at
 * its own hub and its token is never sent there either.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type BrowserContext } from '@playwright/test';
import { WebSocketServer } from 'ws';
import { SUBPROTOCOL } from '../../src/shared/protocol';
import { hostPub, newPhone, startStage, stopStage, type Stage } from './helpers/audience-env';
import { joinByLink, pollCard, type BrowserGlobals } from './helpers/phone';

/** The attacker: answers every HTTP request 500 and accepts WebSockets, recording all it hears. */
interface Listener {
  url: string;
  connections: number;
  heard: string[];
  close(): Promise<void>;
}

async function startListener(): Promise<Listener> {
  const rec: Listener = { url: '', connections: 0, heard: [], close: async () => undefined };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      rec.heard.push(`${req.method} ${req.url} ${JSON.stringify(req.headers)} ${body}`);
      res.writeHead(500).end();
    });
  });
  server.on('connection', () => rec.connections++);
  const wss = new WebSocketServer({ server, handleProtocols: (p) => (p.has(SUBPROTOCOL) ? SUBPROTOCOL : false) });
  wss.on('connection', (ws, req) => {
    rec.heard.push(`WS ${req.url}`);
    ws.on('message', (m) => rec.heard.push(`WS message ${m.toString()}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  rec.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  rec.close = async () => {
    for (const c of wss.clients) c.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return rec;
}

test.describe.configure({ mode: 'serial' });

let stage: Stage;
let evil: Listener;
const contexts: BrowserContext[] = [];

test.beforeAll(async () => {
  stage = await startStage('Town hall');
  await hostPub(stage, 'event.update', { status: 'live' });
  evil = await startListener();
});

test.afterAll(async () => {
  for (const c of contexts) await c.close();
  await evil?.close();
  await stopStage(stage);
});

const storedToken = async (page: import('@playwright/test').Page): Promise<string> => {
  const raw = await page.evaluate((k) => (globalThis as unknown as BrowserGlobals).localStorage.getItem(k), `stagecall.session.${stage.code}`);
  const token = raw ? (JSON.parse(raw) as { token?: unknown }).token : undefined;
  if (typeof token !== 'string') throw new Error('no stored session');
  return token;
};

test('I11.8 a returning attendee opened with ?hubs=http://evil… reconnects to its own hub and never contacts evil', async ({ browser }) => {
  const { context, page } = await newPhone(browser);
  contexts.push(context);
  await joinByLink(page, stage, 'Ada');
  const token = await storedToken(page);
  await page.close();

  // The crafted link: same hub page, same code, the attacker first in ?hubs=.
  const again = await context.newPage();
  await again.goto(`${stage.hub.url}/j/${stage.code}?hubs=${encodeURIComponent(evil.url)},${encodeURIComponent(stage.hub.url)}`);
  await hostPub(stage, 'poll.create', { pollId: 'hubs1', question: 'Still live?', kind: 'single', options: [{ id: 'y', label: 'Yes' }, { id: 'n', label: 'No' }] });
  await hostPub(stage, 'poll.open', { pollId: 'hubs1' });
  await expect(pollCard(again, 'Still live?')).toBeVisible(); // connected, to the real hub
  expect(await storedToken(again)).toBe(token); // the same identity resumed
  expect(evil.connections).toBe(0);
  expect(evil.heard).toEqual([]);
});

test('I11.8 a new attendee opened with ?hubs=http://evil… joins and connects at its own hub only', async ({ browser }) => {
  const { context, page } = await newPhone(browser);
  contexts.push(context);
  await page.goto(`${stage.hub.url}/j/${stage.code}?hubs=${encodeURIComponent(evil.url)},${encodeURIComponent(stage.hub.url)}`);
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Town hall' })).toBeVisible();
  await expect(pollCard(page, 'Still live?')).toBeVisible();
  const token = await storedToken(page);
  // The page's CSP (connect-src 'self' ws: wss:) keeps its HTTP join at home; WebSockets may go
  // anywhere, so it is the session's own hub list that keeps the token from the listener.
  expect(evil.connections).toBe(0);
  expect(evil.heard.join('\n')).not.toContain(token);
});
