/**
 * Issue 11, items 1-2: request targets, bodies and frames an attacker sends, against the real
 * hub process. Each used to stop the whole hub (or answer 500); now each gets a 4xx / nack /
 * error and a bystander is still served, with the state unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_JSON_BOUNDS } from '../../src/shared/protocol';
import { createEvent, joinAudience, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { rawRequest, resetAfterWrite, WS_UPGRADE_HEADERS } from '../helpers/raw-http';
import { TestClient } from '../helpers/test-client';

let hub: HubProcess;
let ev: { eventId: string; joinCode: string };
let hostToken: string;
let bystander: TestClient;

/** JSON text of `{"a":{"a":...1}}`, `depth` objects deep (JSON.stringify itself would overflow the stack). */
const nested = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** Publishes raw frame text and waits for the answer to `id`. */
async function pubRaw(c: TestClient, id: string, name: string, dataJson: string) {
  const from = c.frames.length;
  c.send(`{"t":"pub","id":"${id}","name":"${name}","data":${dataJson}}`);
  return c.waitFor((f) => (f.t === 'ack' || f.t === 'nack') && f.id === id, { from });
}

/** The hub process is alive, answers health, and acks a bystander's frame. */
async function stillServing(): Promise<void> {
  expect(hub.child.exitCode, hub.output()).toBeNull();
  const h = await fetch(`${hub.url}/v1/health`);
  expect(h.status).toBe(200);
  const id = `alive-${Math.random()}`;
  bystander.send({ t: 'ping', id, ts: 1 });
  await bystander.waitFor((f) => f.t === 'pong' && f.id === id);
}

beforeAll(async () => {
  hub = await startHubProcess();
  ev = await createEvent(hub.url, 'Hostile input');
  hostToken = (await staffToken(hub.url, ev.eventId)).token;
  bystander = await TestClient.connect(hub.url, (await joinAudience(hub.url, ev.joinCode)).token);
});
afterAll(async () => {
  bystander.close();
  await hub.kill();
});

describe('issue 11 item 1: request targets', () => {
  it('GET //[ (an <img src> on any page can send it) answers 404 JSON and the hub keeps serving', async () => {
    const r = await rawRequest(hub.port, 'GET //[ HTTP/1.1\r\nHost: 127.0.0.1');
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body)).toMatchObject({ error: { code: 'not_found' } });
    await stillServing();
  });

  it('malformed percent-encoding in the path or the query answers 400, never 500', async () => {
    for (const target of ['/%E0%A4%A', '/assets/%ff%fe.js', '/v1/health?x=%zz', '/%']) {
      const r = await rawRequest(hub.port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1`);
      expect(r.status, target).toBe(400);
      expect(JSON.parse(r.body).error.message, target).toMatch(/percent-encoding/);
    }
    await stillServing();
  });

  it('odd but parseable targets (*, absolute-form, dot segments, NUL) each get a 4xx JSON answer', async () => {
    for (const target of ['*', 'http://[', 'http://evil.example/v1/health', '//evil.example/x', '/../../../etc/passwd', '/a%00b', '/v1/health/../../metrics?']) {
      const r = await rawRequest(hub.port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1`);
      expect(r.status < 500, `${target} → ${r.status} ${r.body}`).toBe(true);
      if (r.status >= 400) expect(JSON.parse(r.body), target).toHaveProperty('error.code');
    }
    // What Node's own parser refuses (a space in the target, a bare CR) is answered in JSON too.
    const refused = await rawRequest(hub.port, 'GET /a\rb HTTP/1.1\r\nHost: 127.0.0.1');
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'bad_request' } });
    await stillServing();
  });

  it('a WebSocket upgrade to //[ or /%E0%A4%A answers 4xx JSON, and a peer that resets mid-upgrade harms nothing', async () => {
    const odd = await rawRequest(hub.port, `GET //[ HTTP/1.1\r\nHost: 127.0.0.1\r\n${WS_UPGRADE_HEADERS}`);
    expect(odd.status).toBe(404);
    expect(JSON.parse(odd.body)).toMatchObject({ error: { code: 'not_found' } });
    const bad = await rawRequest(hub.port, `GET /v1/ws?event=%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1\r\n${WS_UPGRADE_HEADERS}`);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ error: { code: 'bad_request' } });
    const elsewhere = await rawRequest(hub.port, `GET /v1/nope HTTP/1.1\r\nHost: 127.0.0.1\r\n${WS_UPGRADE_HEADERS}`);
    expect(elsewhere.status).toBe(404);
    for (let i = 0; i < 20; i++) await resetAfterWrite(hub.port, `GET /v1/nope HTTP/1.1\r\nHost: 127.0.0.1\r\n${WS_UPGRADE_HEADERS}\r\n\r\n`);
    await stillServing();
  });
});

describe('issue 11 item 2: frames and bodies bounded before anything recursive', () => {
  it('an audience pub whose data nests 5,000 deep (a 30 KB frame) is nacked invalid and nothing changes', async () => {
    const a = await TestClient.connect(hub.url, (await joinAudience(hub.url, ev.joinCode)).token);
    const r = await pubRaw(a, 'deep', 'chat.send', nested(5_000));
    expect(r).toMatchObject({ t: 'nack', id: 'deep', code: 'invalid' });
    expect((r as { message: string }).message).toMatch(/deeper than 32/);
    // Just inside the bound, the frame is parsed and its data refused by the schema instead.
    const inside = await pubRaw(a, 'inside', 'chat.send', nested(CLIENT_JSON_BOUNDS.maxDepth - 2));
    expect(inside).toMatchObject({ t: 'nack', code: 'invalid' });
    expect(a.closed).toBeNull();
    await stillServing();
    a.close();
  });

  it('a pub with an over-wide array or object in data is nacked too_large', async () => {
    const a = await TestClient.connect(hub.url, (await joinAudience(hub.url, ev.joinCode)).token);
    const wideArray = await a.pub('wide-a', 'vote.cast', { pollId: 'p', optionIds: Array.from({ length: 5_000 }, () => 0) });
    expect(wideArray).toMatchObject({ t: 'nack', code: 'too_large' });
    const wideObject = await a.pub('wide-o', 'vote.cast', Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`k${i}`, i])));
    expect(wideObject).toMatchObject({ t: 'nack', code: 'too_large' });
    await stillServing();
    a.close();
  });

  it('deep frames that are not pubs, and deep frames before hello, get error malformed (or close) without harm', async () => {
    const staff = await TestClient.connect(hub.url, hostToken);
    staff.send(`{"t":"sub","view":"staff","epoch":${nested(3_000)}}`);
    expect(await staff.waitFor((f) => f.t === 'error')).toMatchObject({ code: 'malformed' });
    const early = await TestClient.open(hub.url);
    early.send(`{"t":"hello","token":${nested(4_000)}}`);
    await early.waitFor((f) => f.t === 'error');
    await stillServing();
    staff.close();
    early.close();
  });

  it('HTTP bodies nested 5,000 deep answer 400, over-wide ones 413', async () => {
    const deepBody = `{"code":"${ev.joinCode}","name":${nested(5_000)}}`;
    const deep = await fetch(`${hub.url}/v1/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: deepBody });
    expect(deep.status).toBe(400);
    expect(await deep.json()).toMatchObject({ error: { code: 'invalid' } });
    const wide = await fetch(`${hub.url}/v1/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: Array(5_000).fill(1) }) });
    expect(wide.status).toBe(413);
    await stillServing();
  });
});
