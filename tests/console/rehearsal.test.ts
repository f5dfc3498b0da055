/**
 * Rehearsal mode: the console starts virtual attendees (src/simulator) against its own
 * local event, reports them as `rehearsal` events, and stops them on request.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { RehearsalStatus } from '../../src/shared/console-api';
import { ConsoleCore } from '../../src/main/core/console-core';
import { tempDir } from '../helpers/hub-process';
import { waitUntil } from '../helpers/wait';
import { must } from './fixtures/wait';

let core: ConsoleCore | null = null;
afterAll(async () => {
  await core?.close();
});

describe('rehearsal', () => {
  it('starts 8 virtual attendees on the local event, shows them in the view, and stops', { timeout: 90_000 }, async () => {
    core = new ConsoleCore({ userDataDir: tempDir('rehearsal'), shell: 'web', version: 'test' });
    const c = core;
    const updates: RehearsalStatus[] = [];
    c.on('rehearsal', (s) => updates.push(s));
    expect(await c.request('rehearsal/start', { audience: 8, profile: 'lively' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    must(await c.request('session/startLocal', { title: 'Dress rehearsal' }));

    const started = must(await c.request('rehearsal/start', { audience: 8, profile: 'lively' }));
    expect(started).toMatchObject({ running: true, audience: 8, profile: 'lively', lastError: null });
    expect(await c.request('rehearsal/start', { audience: 8, profile: 'lively' })).toMatchObject({ ok: false, error: { code: 'invalid' } });

    await waitUntil(() => updates.some((u) => u.connected === 8), 'all 8 attendees connected', 60_000);
    await waitUntil(async () => {
      const v = must(await c.request('view/get', {}));
      return ((v?.doc as { audience?: { online: number } } | undefined)?.audience?.online ?? 0) >= 8;
    }, 'the audience in the staff view', 30_000);

    const stopped = must(await c.request('rehearsal/stop', {}));
    expect(stopped).toMatchObject({ running: false, connected: 0 });
    expect(updates.at(-1)).toMatchObject({ running: false });
  });
});
