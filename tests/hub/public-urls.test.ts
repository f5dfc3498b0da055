/**
 * Issue 11 item 8, the hub's side: `--public-url` lists the cluster's origins, published in
 * `/v1/join`'s answer and `GET /v1/hubs`, so the audience page knows where its token may go.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parsePublicUrls } from '../../src/hub/public-urls';
import { createEvent, joinAudience, startHubProcess, type HubProcess } from '../helpers/hub-process';

describe('--public-url', () => {
  const hubs: HubProcess[] = [];
  afterAll(async () => {
    for (const h of hubs) await h.kill();
  });

  it('keeps origins only, once each, and refuses what is not an http(s) URL', () => {
    expect(parsePublicUrls(['https://a.example/path?x=1', 'http://b.example:8080', 'https://a.example'])).toEqual(['https://a.example', 'http://b.example:8080']);
    expect(() => parsePublicUrls(['a.example'])).toThrow(/not an absolute URL/);
    expect(() => parsePublicUrls(['javascript:alert(1)'])).toThrow(/http/);
    expect(() => parsePublicUrls(['https://u:p@a.example'])).toThrow(/credentials/);
  });

  it('is published by /v1/join and GET /v1/hubs (empty by default)', async () => {
    const plain = await startHubProcess();
    hubs.push(plain);
    expect(await (await fetch(`${plain.url}/v1/hubs`)).json()).toEqual({ hubs: [] });

    const hub = await startHubProcess({ args: ['--public-url', 'https://hub-a.example/', '--public-url', 'https://hub-b.example'] });
    hubs.push(hub);
    expect(await (await fetch(`${hub.url}/v1/hubs`)).json()).toEqual({ hubs: ['https://hub-a.example', 'https://hub-b.example'] });
    const ev = await createEvent(hub.url);
    const joined = (await joinAudience(hub.url, ev.joinCode)) as unknown as { hubs: string[] };
    expect(joined.hubs).toEqual(['https://hub-a.example', 'https://hub-b.example']);
  });
});
