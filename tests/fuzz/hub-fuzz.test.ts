/**
 * Issue 11 "Show": the fuzz suite against one real hub process (embedded engine). Random and
 * mutated HTTP requests (tests/fuzz/http-inputs.ts) and WebSocket input (tests/fuzz/ws-inputs.ts),
 * from unconnected peers and from connected peers of every role; after each batch the hub is
 * alive, healthy, acks a bystander's vote, and every frame it sent agrees with the fold of its log
 * (tests/fuzz/fuzz-driver.ts). Then it restarts on its data folder and must hold the same log.
 * P2: "No input ever crashes the hub or corrupts its state."
 *
 * FUZZ_SEED=<n> replays a run (the seed is printed first); FUZZ_BATCHES=<n> runs longer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { EventMetaInput } from '../../src/shared/domain';
import { readWholeLog } from '../helpers/cluster';
import { createEvent, hubTokenAuthority, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { FUZZ_SEED, HubFuzzer, mint, type FuzzTarget } from './fuzz-driver';

const SIZES = { batches: Number(process.env.FUZZ_BATCHES ?? 5), http: 150, conversations: 20, ws: 450 };

let hub: HubProcess | undefined;
let fuzzer: HubFuzzer | undefined;
afterAll(async () => {
  fuzzer?.close();
  await hub?.kill();
});

it('no request, header, body or frame crashes the hub, gets a 5xx or silence, or forks its state from its log', async () => {
  console.log(`hub fuzz: seed ${FUZZ_SEED} (FUZZ_SEED=${FUZZ_SEED} replays this run), ${SIZES.batches} batches`);
  const started = Date.now();
  const h = (hub = await startHubProcess());
  const ev = await createEvent(h.url, 'Fuzz');
  const other = await createEvent(h.url, 'Other');
  const target: FuzzTarget = {
    hubs: [h],
    eventId: ev.eventId,
    joinCode: ev.joinCode,
    otherEventId: other.eventId,
    authority: hubTokenAuthority(h),
    meta: async () => JSON.parse(fs.readFileSync(path.join(h.dataDir, 'events', ev.eventId, 'meta.json'), 'utf8')) as EventMetaInput,
  };
  const f = (fuzzer = new HubFuzzer(target));
  const epoch = await f.setUp();
  await f.run(SIZES, FUZZ_SEED);

  // What the fuzz wrote must survive a restart too: the log reloads whole (not quarantined, same
  // epoch, P15) and still folds to what the hub serves.
  const hostToken = await mint(target, 'host');
  const before = await readWholeLog(h.url, hostToken);
  f.close();
  expect(await h.kill(), h.output().slice(-2_000)).toBe(0);
  const again = (hub = await startHubProcess({ dataDir: h.dataDir }));
  target.hubs = [again];
  const health = (await (await fetch(`${again.url}/v1/health`)).json()) as { events: { unserved: unknown[] } };
  expect(health.events.unserved).toEqual([]);
  expect(await f.connectBystander()).toBe(epoch);
  expect((await readWholeLog(again.url, hostToken)).slice(0, before.length)).toEqual(before);
  await f.stillWhole(SIZES.batches + 1);
  console.log(f.summary('hub fuzz (the log the same after a restart)', FUZZ_SEED, started));
});
