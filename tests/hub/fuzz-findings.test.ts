/**
 * What tests/fuzz/hub-fuzz.test.ts found, pinned one by one against the real hub process: refusals
 * in some other shape than PROTOCOL.md section 2's `{"error":{"code","message"}}`, HEAD refused,
 * and headers past the 2,000th dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubProcess, type HubProcess } from '../helpers/hub-process';
import { rawRequest } from '../helpers/raw-http';

let hub: HubProcess;

beforeAll(async () => {
  hub = await startHubProcess();
});
afterAll(async () => {
  await hub.kill();
});

const jsonError = (body: string): unknown => (JSON.parse(body) as { error: unknown }).error;

describe('fuzz findings: every refusal is a JSON error', () => {
  it('an HTTP/1.1 request without Host answers 400 JSON (Node alone sends an empty chunked body)', async () => {
    const r = await rawRequest(hub.port, 'GET /v1/health HTTP/1.1');
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toMatch(/application\/json/);
    expect(jsonError(r.body)).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/Host/) });
    // HTTP/1.0 has no Host requirement: still served.
    expect((await rawRequest(hub.port, 'GET /v1/health HTTP/1.0')).status).toBe(200);
  });

  it('HEAD /v1/health and HEAD /metrics answer 200 like GET, without a body (load balancers probe with HEAD)', async () => {
    for (const path of ['/v1/health', '/metrics']) {
      const r = await rawRequest(hub.port, `HEAD ${path} HTTP/1.1\r\nHost: 127.0.0.1`);
      expect(r.status, path).toBe(200);
      expect(r.body, path).toBe('');
    }
    // Other methods stay refused, in JSON.
    const put = await rawRequest(hub.port, 'PUT /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0');
    expect(put.status).toBe(405);
    expect(jsonError(put.body)).toMatchObject({ code: 'method_not_allowed' });
  });

  it('headers after 2,000 others still count (Node alone drops them from req.headers: a late Content-Type answered 415, a late Content-Length made a drain skip its body)', async () => {
    const many = Array.from({ length: 2_100 }, (_, i) => `a${i % 10}:1`).join('\r\n');
    const body = '{"code":"NOPE42"}';
    const r = await rawRequest(hub.port, `POST /v1/join HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${body.length}\r\n${many}\r\nContent-Type: application/json`, body);
    expect(r.status, r.body).toBe(404);
    expect(jsonError(r.body)).toMatchObject({ code: 'not_found' });
  });

  it('a WebSocket upgrade with a bad Sec-WebSocket-Key or -Version answers 400 JSON, a POST upgrade 405 JSON (ws alone answers text/html)', async () => {
    const upgrade = (method: string, key: string, version: string) =>
      rawRequest(hub.port, `${method} /v1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: ${version}`);
    const badKey = await upgrade('GET', 'short', '13');
    expect(badKey.status).toBe(400);
    expect(jsonError(badKey.body)).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/Sec-WebSocket-Key/) });
    const badVersion = await upgrade('GET', 'dGhlIHNhbXBsZSBub25jZQ==', '99');
    expect(badVersion.status).toBe(400);
    expect(jsonError(badVersion.body)).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/Sec-WebSocket-Version/) });
    const post = await upgrade('POST', 'dGhlIHNhbXBsZSBub25jZQ==', '13');
    expect(post.status).toBe(405);
    expect(jsonError(post.body)).toMatchObject({ code: 'method_not_allowed' });
    expect(hub.child.exitCode).toBeNull();
  });
});
