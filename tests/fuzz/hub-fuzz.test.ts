/**
 * Issue 11 "Show": a fuzz suite against the real hub process. Each batch throws random and
 * mutated HTTP requests (tests/fuzz/http-inputs.ts) and WebSocket input (tests/fuzz/ws-inputs.ts)
 * at it, from unconnected peers and from connected peers of every role; then the hub must be
 * alive, answer /v1/health, ack a bystander's vote, and hold exactly the state its log folds to
 * (P2: "no input ever crashes the hub or corrupts its state"). Per input: an HTTP answer (never
 * a 5xx, never silence), and no `internal` error or 1011 close on any socket.
 *
 * FUZZ_SEED=<n> replays a run (the seed is printed first); FUZZ_BATCHES=<n> runs longer.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EventMetaInput } from '../../src/shared/domain';
import { freshView, readWholeLog } from '../helpers/cluster';
import { ADMIN_KEY, createEvent, hubTokenAuthority, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { rawRequest } from '../helpers/raw-http';
import { RawWsPeer, textFrame } from '../helpers/raw-ws';
import { TestClient } from '../helpers/test-client';
import { arbHttpInput, encodeHttp, type HttpInput } from './http-inputs';
import { LogOracle } from './log-oracle';
import { arbWsInput, messageFrames, type Sender, type WsInput } from './ws-inputs';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const BATCHES = Number(process.env.FUZZ_BATCHES ?? 6);
const HTTP_PER_BATCH = 150;
const WS_PER_BATCH = 450;
const HTTP_CONCURRENCY = 6;
const ANSWER_TIMEOUT_MS = 15_000;

let hub: HubProcess;
let ev: { eventId: string; joinCode: string };
let hostToken: string;
let bystander: TestClient;
let authority: ReturnType<typeof hubTokenAuthority>;
let minted = 0;

const ROLE: Record<Exclude<Sender, 'unconnected'>, 'audience' | 'moderator' | 'producer' | 'host'> = { audience: 'audience', stream: 'audience', moderator: 'moderator', producer: 'producer', host: 'host' };

/** A fresh token (a new clientId, so P33's per-client bounds never refuse the fuzzer's own peers). */
const mint = async (sender: Exclude<Sender, 'unconnected'>, ttlSec = 3_600): Promise<string> =>
  (await authority.issue({ clientId: `fz-${sender}-${++minted}`, eventId: ev.eventId, role: ROLE[sender], name: 'Fuzz', watching: sender === 'stream' ? 'stream' : 'room' }, ttlSec)).token;

beforeAll(async () => {
  hub = await startHubProcess();
  ev = await createEvent(hub.url, 'Fuzz');
  authority = hubTokenAuthority(hub);
  hostToken = await mint('host');
  const host = await TestClient.connect(hub.url, hostToken);
  await host.pub('by-create', 'poll.create', { pollId: 'bystander', question: 'Still there?', kind: 'single', options: [{ id: 'yes', label: 'Yes' }, { id: 'no', label: 'No' }] });
  await host.pub('by-open', 'poll.open', { pollId: 'bystander' });
  host.close();
  bystander = await TestClient.connect(hub.url, await mint('audience'));
});
afterAll(async () => {
  bystander?.close();
  await hub?.kill();
});

const describeHttp = (i: HttpInput): string =>
  `${i.method} ${JSON.stringify(i.target.slice(0, 150))} headers ${JSON.stringify(i.headers.map((h) => h.slice(0, 60)).slice(0, 8))} body ${i.body.length} B ${JSON.stringify(i.body.subarray(0, 120).toString('latin1'))}${i.chunked ? ' chunked' : ''}`;
const describeWs = (i: WsInput): string => {
  if (i.kind === 'settle') return `${i.sender} settle`;
  const bytes = i.kind === 'raw' ? i.bytes : i.payload;
  return `${i.sender} ${i.kind} ${bytes.length} B ${JSON.stringify(bytes.subarray(0, 160).toString('latin1'))}`;
};

/** One HTTP input: some answer, below 500, and a 4xx in PROTOCOL.md's JSON error shape. */
async function tryHttp(input: HttpInput): Promise<void> {
  const { head, body } = encodeHttp(input);
  const r = await rawRequest(hub.port, head, body, ANSWER_TIMEOUT_MS).catch((err: Error) => {
    throw new Error(`no answer to ${describeHttp(input)}: ${err.message}`);
  });
  const what = `${describeHttp(input)} → ${r.status} ${r.body.slice(0, 200)}`;
  expect(r.status >= 100 && r.status < 500, what).toBe(true);
  if (r.status >= 400 && input.method !== 'HEAD') expect(() => (JSON.parse(r.body) as { error: { code: string } }).error.code, what).not.toThrow();
}

async function runHttp(inputs: HttpInput[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < inputs.length) await tryHttp(inputs[next++] as HttpInput);
  };
  await Promise.all(Array.from({ length: HTTP_CONCURRENCY }, worker));
}

/** The WebSocket side of a batch: one long-lived peer per role, and throwaway peers for the rest. */
const welcomedAs = (texts: readonly string[]): string | null => {
  const w = texts.find((t) => t.startsWith('{"t":"welcome"'));
  return w ? (JSON.parse(w) as { clientId: string }).clientId : null;
};

class WsBatch {
  private readonly pool = new Map<Sender, RawWsPeer>();
  private readonly all: Array<{ peer: RawWsPeer; sent: string[] }> = [];

  private probes = 0;

  async send(input: WsInput): Promise<void> {
    if (input.kind === 'settle') {
      const p = this.pool.get(input.sender);
      return p?.open ? this.answers(p) : undefined;
    }
    const throwaway = input.sender === 'unconnected' || input.kind === 'raw';
    let peer = throwaway ? undefined : this.pool.get(input.sender);
    if (!peer?.open) {
      peer = input.sender === 'unconnected' ? await RawWsPeer.open(hub.port) : await RawWsPeer.connect(hub.port, await mint(input.sender));
      this.all.push({ peer, sent: [] });
      if (!throwaway) this.pool.set(input.sender, peer);
    }
    this.all.find((p) => p.peer === peer)?.sent.push(describeWs(input));
    peer.write(input.kind === 'raw' ? input.bytes : messageFrames(input));
  }

  /**
   * The peer's next frame gets its answer (nothing wedged the socket), or the socket was closed.
   * The probe is a pub of no known name: answered by a nack with its id, even when over the rate limit (P24).
   */
  private async answers(p: RawWsPeer): Promise<void> {
    const id = `probe-${++this.probes}`;
    p.write(textFrame(JSON.stringify({ t: 'pub', id, name: 'fuzz.probe', data: {} })));
    await p.until(() => (!p.open || p.texts.some((t) => t.includes(`"${id}"`)) ? true : undefined), ANSWER_TIMEOUT_MS, `an answer to ${id}`);
  }

  /** Every pooled peer still open answers a ping; no socket saw `internal` or 1011. */
  async check(): Promise<void> {
    await Promise.all([...this.pool.values()].filter((p) => p.open).map((p) => this.answers(p)));
    for (const { peer, sent } of this.all) {
      const internal = peer.texts.find((t) => /"code"\s*:\s*"internal"/.test(t));
      const context = `after ${JSON.stringify(sent.slice(-5), null, 1)}`;
      expect(internal, `the hub answered internal ${context}`).toBeUndefined();
      expect(peer.closeCode, `the hub closed 1011 ${context}`).not.toBe(1011);
    }
  }

  /** What the hub answered, by kind (`ack`, `nack:invalid`, `close:4400`...): how deep the inputs got. */
  tally(into: Map<string, number>): void {
    const add = (k: string): void => void into.set(k, (into.get(k) ?? 0) + 1);
    for (const { peer } of this.all) {
      for (const t of peer.texts) {
        const f = JSON.parse(t) as { t: string; code?: string; applied?: boolean };
        if (f.t === 'ack') add(f.applied ? 'applied' : 'ack:not-applied');
        else if (f.t === 'nack' || f.t === 'error') add(`${f.t}:${f.code}`);
      }
      if (peer.closeCode !== null) add(`close:${peer.closeCode}`);
    }
  }

  /** Closes every peer (so no frame arrives after the log is read) and hands over what each got. */
  close(): Received[] {
    for (const { peer } of this.all) peer.destroy();
    return this.all.map(({ peer, sent }) => ({ clientId: welcomedAs(peer.texts), texts: peer.texts, sent }));
  }
}

const meta = (): EventMetaInput => JSON.parse(fs.readFileSync(path.join(hub.dataDir, 'events', ev.eventId, 'meta.json'), 'utf8')) as EventMetaInput;

/** Every frame a peer got, with its clientId (from its welcome) and what it sent, for the log oracle. */
interface Received {
  clientId: string | null;
  texts: readonly string[];
  sent: readonly string[];
}

/**
 * The log's serials run 1..n (P15); fresh staff and audience snapshots, and every sync, ack, log
 * and history frame any peer got in the batch, agree with the fold of the log.
 */
async function everyFrameAgreesWithTheLog(received: Received[], checked: Map<string, number>): Promise<number> {
  const staff = await freshView(hub.url, hostToken, 'staff');
  const aud = await freshView(hub.url, await mint('audience'), 'audience');
  staff.close();
  aud.close();
  const log = await readWholeLog(hub.url, hostToken);
  expect(log.map((e) => e.serial)).toEqual(log.map((_, i) => i + 1));
  const oracle = new LogOracle(meta(), log);
  const s = staff.views.staff;
  const a = aud.views.audience;
  if (!s || !a) throw new Error('no snapshot');
  expect(s.doc, `a fresh staff snapshot at serial ${s.serial} is not the fold of the log`).toEqual(oracle.view('staff', s.serial));
  expect(a.doc, `a fresh audience snapshot at serial ${a.serial} is not the fold of the log`).toEqual(oracle.view('audience', a.serial));
  for (const r of received) {
    for (const text of r.texts) {
      const problem = oracle.problem(text, r.clientId);
      expect(problem, `${problem} (sent to ${r.clientId} after ${JSON.stringify(r.sent.slice(-5), null, 1)})`).toBeNull();
    }
  }
  for (const [k, n] of oracle.checked) checked.set(k, (checked.get(k) ?? 0) + n);
  return log.length;
}

let logChecked = 0;
/** After each batch: alive, healthy, serving a bystander, no error logged, every frame = fold(log). */
async function hubStillWhole(batch: number, received: Received[], checked: Map<string, number>): Promise<number> {
  expect(hub.child.exitCode, `the hub exited during batch ${batch}:\n${hub.output().slice(-3_000)}`).toBeNull();
  const health = await fetch(`${hub.url}/v1/health`);
  expect(health.status).toBe(200);
  const vote = await bystander.pub(`vote-${batch}`, 'vote.cast', { pollId: 'bystander', optionIds: [batch % 2 ? 'yes' : 'no'] });
  expect(vote.t, JSON.stringify(vote)).toBe('ack');
  const out = hub.output();
  const errors = out.slice(logChecked).split('\n').filter((l) => /"level":(50|60)/.test(l));
  logChecked = out.length;
  expect(errors, 'the hub logged errors').toEqual([]);
  return everyFrameAgreesWithTheLog(received, checked);
}

it('no request, header, body or frame crashes the hub, gets a 5xx or silence, or forks its state from its log', async () => {
  console.log(`hub fuzz: seed ${SEED} (FUZZ_SEED=${SEED} replays this run), ${BATCHES} batches`);
  const epoch = (bystander.frames.find((f) => f.t === 'welcome') as { epoch: string } | undefined)?.epoch ?? '';
  const ctx = {
    epoch,
    adminKey: ADMIN_KEY,
    eventId: ev.eventId,
    joinCode: ev.joinCode,
    hostToken,
    someClientId: 'fz-audience-1',
  };
  const other = await createEvent(hub.url, 'Other');
  const tokens = [
    ...(await Promise.all((['audience', 'stream', 'moderator', 'producer', 'host'] as const).map((s) => mint(s)))),
    await mint('host', -10),
    (await authority.issue({ clientId: 'fz-other', eventId: other.eventId, role: 'host', name: 'x' }, 3_600)).token,
    `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(`{"sub":"x","evt":"${ev.eventId}","role":"host"}`).toString('base64url')}.`,
    'garbage',
    'x'.repeat(4_096),
  ];
  const started = Date.now();
  let tried = 0;
  let entries = 0;
  const answers = new Map<string, number>();
  const checked = new Map<string, number>();
  for (let batch = 1; batch <= BATCHES; batch++) {
    const http = fc.sample(arbHttpInput(ctx), { seed: SEED + batch, numRuns: HTTP_PER_BATCH });
    const ws = fc.sample(arbWsInput({ tokens, epoch }), { seed: SEED + batch, numRuns: WS_PER_BATCH });
    const frames = new WsBatch();
    let received: Received[];
    try {
      await Promise.all([
        runHttp(http),
        (async () => {
          for (const input of ws) await frames.send(input);
        })(),
      ]);
      await frames.check();
      frames.tally(answers);
    } finally {
      received = frames.close();
    }
    tried += http.length + ws.length;
    entries = await hubStillWhole(batch, received, checked);
  }
  // What the fuzz wrote must survive a restart too: the log reloads whole (not quarantined, same
  // epoch, P15) and still folds to what the hub serves.
  const before = await readWholeLog(hub.url, hostToken);
  bystander.close();
  expect(await hub.kill(), hub.output().slice(-2_000)).toBe(0);
  hub = await startHubProcess({ dataDir: hub.dataDir });
  logChecked = 0;
  const health = (await (await fetch(`${hub.url}/v1/health`)).json()) as { events: { unserved: unknown[] } };
  expect(health.events.unserved).toEqual([]);
  bystander = await TestClient.connect(hub.url, await mint('audience'));
  expect(bystander.frames[0]).toMatchObject({ t: 'welcome', epoch });
  const after = await readWholeLog(hub.url, hostToken);
  expect(after.slice(0, before.length)).toEqual(before);
  await hubStillWhole(BATCHES + 1, [], checked);
  console.log(`hub fuzz: ${tried} inputs tried (${BATCHES * HTTP_PER_BATCH} HTTP, ${BATCHES * WS_PER_BATCH} WebSocket) in ${((Date.now() - started) / 1000).toFixed(1)} s, seed ${SEED}; log holds ${entries} entries (the same after a restart), frames checked against fold(log) ${JSON.stringify(Object.fromEntries(checked))}; answers ${JSON.stringify(Object.fromEntries([...answers].sort((a, b) => b[1] - a[1])))}`);
});
