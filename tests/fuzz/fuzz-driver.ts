/**
 * Drives fuzz batches at real hub processes (one, or the nodes of a cluster) and checks after each
 * batch that every node is alive, answers /v1/health, acks a bystander's vote, logged no error,
 * and that every frame any peer got agrees with the fold of the event's log (tests/fuzz/log-oracle.ts).
 * Per input: an HTTP answer (never a 5xx, never silence), no `internal` error or 1011 close.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { EventMetaInput } from '../../src/shared/domain';
import { decodeHubFrame } from '../../src/shared/protocol';
import { freshView, readWholeLog } from '../helpers/cluster';
import type { TokenAuthority } from '../../src/hub/auth';
import { ADMIN_KEY, type HubProcess } from '../helpers/hub-process';
import { rawConversation, rawRequest } from '../helpers/raw-http';
import { RawWsPeer, textFrame } from '../helpers/raw-ws';
import { TestClient } from '../helpers/test-client';
import { arbHttpConversation, arbHttpInput, encodeHttp, requestBytes, type HttpConversationInput, type HttpCtx, type HttpInput } from './http-inputs';
import { LogOracle } from './log-oracle';
import { arbWsInput, messageFrames, type Sender, type WsInput } from './ws-inputs';

export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const HTTP_CONCURRENCY = 6;
const ANSWER_TIMEOUT_MS = 15_000;

export type Role = Exclude<Sender, 'unconnected'>;

/** The hubs under test, their one fuzzed event, and the authority that signs tokens as they do. */
export interface FuzzTarget {
  hubs: HubProcess[];
  eventId: string;
  joinCode: string;
  /** Another event on the same hubs: its tokens must be refused for this one (4003). */
  otherEventId: string;
  authority: TokenAuthority;
  meta(): Promise<EventMetaInput>;
}

let minted = 0;
/** A token with a new clientId each call (so P33's per-client bounds never refuse the fuzzer's own peers). */
export async function mint(target: FuzzTarget, role: Role, ttlSec = 3_600, eventId = target.eventId): Promise<string> {
  const claims = { clientId: `fz-${role}-${++minted}`, eventId, role: role === 'stream' ? ('audience' as const) : role, name: 'Fuzz', watching: role === 'stream' ? ('stream' as const) : ('room' as const) };
  return (await target.authority.issue(claims, ttlSec)).token;
}

/** Tokens a fuzzed hello may carry besides fresh ones: expired, for another event, unsigned, garbage. */
const badTokens = async (t: FuzzTarget): Promise<string[]> => [
  await mint(t, 'host', -10),
  await mint(t, 'host', 3_600, t.otherEventId),
  `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(`{"sub":"x","evt":"${t.eventId}","role":"host"}`).toString('base64url')}.`,
  'garbage',
  'x'.repeat(4_096),
];

/** Every sixth pooled peer's token runs out mid-batch (P32: closed 4001 with pubs in flight). */
const SHORT_TOKEN_EVERY = 6;
const SHORT_TOKEN_TTL_SEC = 2;

export interface BatchSizes {
  batches: number;
  http: number;
  /** Connections carrying several requests, or a cut-off one. */
  conversations: number;
  ws: number;
}

const describeHttp = (i: HttpInput): string =>
  `${i.method} ${JSON.stringify(i.target.slice(0, 150))} headers ${JSON.stringify(i.headers.map((h) => h.slice(0, 60)).slice(0, 8))} body ${i.body.length} B ${JSON.stringify(i.body.subarray(0, 120).toString('latin1'))}${i.chunked ? ' chunked' : ''}`;
const describeWs = (i: WsInput): string => {
  if (i.kind === 'settle') return `${i.sender} settle`;
  const bytes = i.kind === 'raw' ? i.bytes : i.payload;
  return `${i.sender} ${i.kind} ${bytes.length} B ${JSON.stringify(bytes.subarray(0, 160).toString('latin1'))}`;
};

/** One HTTP input: some answer, below 500, and a 4xx in PROTOCOL.md's JSON error shape. */
async function tryHttp(port: number, input: HttpInput): Promise<void> {
  const { head, body } = encodeHttp(input);
  const r = await rawRequest(port, head, body, ANSWER_TIMEOUT_MS).catch((err: Error) => {
    throw new Error(`no answer to ${describeHttp(input)}: ${err.message}`);
  });
  const what = `${describeHttp(input)} → ${r.status} ${r.body.slice(0, 200)}`;
  expect(r.status >= 100 && r.status < 500, what).toBe(true);
  if (r.status >= 400 && input.method !== 'HEAD') expect(() => (JSON.parse(r.body) as { error: { code: string } }).error.code, what).not.toThrow();
}

/** Trickled conversations write at most this many pieces (one per event-loop turn). */
const MAX_PIECES = 300;

/**
 * Several requests on one connection: every answer below 500, at least one answer to a whole
 * pipeline unless the hub reset it, and the hub closes the connection in time (a cut-off request
 * must not hold it open).
 */
async function tryConversation(port: number, c: HttpConversationInput): Promise<void> {
  const what = c.kind === 'cut' ? `cut at ${c.keep.toFixed(2)}: ${describeHttp(c.input)}` : `pipelined${c.chunk ? ` in ${c.chunk}-byte pieces` : ''}: ${c.inputs.map(describeHttp).join(' | ')}`;
  const whole = c.kind === 'cut' ? requestBytes(c.input, true) : Buffer.concat(c.inputs.map((i, n) => requestBytes(i, n === c.inputs.length - 1)));
  const sent = c.kind === 'cut' ? whole.subarray(0, Math.max(1, Math.floor(whole.length * c.keep))) : whole;
  const chunk = c.kind === 'pipelined' && c.chunk ? Math.max(c.chunk, Math.ceil(sent.length / MAX_PIECES)) : undefined;
  const methods = c.kind === 'cut' ? [c.input.method] : c.inputs.map((i) => i.method);
  const r = await rawConversation(port, sent, { methods, chunk, end: c.kind === 'cut', timeoutMs: ANSWER_TIMEOUT_MS }).catch((err: Error) => {
    throw new Error(`${what}: ${err.message}`);
  });
  expect(r.statuses.every((s) => s >= 100 && s < 500), `${what} → ${JSON.stringify(r.statuses)} ${r.firstBody.slice(0, 200)}`).toBe(true);
  // Silence then a clean close is a hub that dropped a request; a reset came from the hub
  // closing while we still wrote (it refused early), which throws our unread answer away.
  if (c.kind === 'pipelined' && !r.reset) expect(r.statuses.length, `${what}: no answer`).toBeGreaterThan(0);
}

/** Every frame a peer got, with its clientId (from its welcome) and what it sent, for the log oracle. */
interface Received {
  clientId: string | null;
  texts: readonly string[];
  sent: readonly string[];
}

const welcomedAs = (texts: readonly string[]): string | null => {
  const w = texts.find((t) => t.startsWith('{"t":"welcome"'));
  return w ? (JSON.parse(w) as { clientId: string }).clientId : null;
};

/** The WebSocket side of a batch: one long-lived peer per role, and throwaway peers for the rest, spread over the nodes. */
class WsBatch {
  private readonly pool = new Map<Sender, RawWsPeer>();
  private readonly all: Array<{ peer: RawWsPeer; sent: string[] }> = [];
  private probes = 0;
  private opened = 0;

  constructor(private readonly target: FuzzTarget) {}

  async send(input: WsInput): Promise<void> {
    if (input.kind === 'settle') {
      const p = this.pool.get(input.sender);
      return p?.open ? this.answers(p) : undefined;
    }
    const throwaway = input.sender === 'unconnected' || input.kind === 'raw';
    let peer = throwaway ? undefined : this.pool.get(input.sender);
    if (!peer?.open) {
      const n = this.opened++;
      const { port } = this.target.hubs[n % this.target.hubs.length] as HubProcess;
      const ttl = !throwaway && n % SHORT_TOKEN_EVERY === 0 ? SHORT_TOKEN_TTL_SEC : undefined;
      peer = input.sender === 'unconnected' ? await RawWsPeer.open(port) : await RawWsPeer.connect(port, await mint(this.target, input.sender, ttl));
      this.all.push({ peer, sent: [] });
      if (!throwaway) this.pool.set(input.sender, peer);
    }
    this.all.find((p) => p.peer === peer)?.sent.push(describeWs(input));
    peer.write(input.kind === 'raw' ? input.bytes : messageFrames(input));
    // A peer that vanishes (TCP reset) right after its frame: the hub answers into a dead socket.
    if (input.kind === 'text' && input.thenReset) peer.reset();
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

  /** Every pooled peer still open answers; no socket saw `internal` or 1011. */
  async check(): Promise<void> {
    await Promise.all([...this.pool.values()].filter((p) => p.open).map((p) => this.answers(p)));
    for (const { peer, sent } of this.all) {
      const internal = peer.texts.find((t) => /"code"\s*:\s*"internal"/.test(t));
      const context = `after ${JSON.stringify(sent.slice(-5), null, 1)}`;
      // Whatever it was sent, the hub only ever sends frames of its own protocol (what clients validate).
      for (const t of peer.texts) {
        const d = decodeHubFrame(t);
        expect(d.ok ? null : d.message, `the hub sent ${t.slice(0, 300)} ${context}`).toBeNull();
      }
      expect(internal, `the hub answered internal ${context}`).toBeUndefined();
      expect(peer.closeCode, `the hub closed 1011 ${context}`).not.toBe(1011);
    }
  }

  /** What the hub answered, by kind (`applied`, `nack:invalid`, `close:4400`...): how deep the inputs got. */
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

const count = (into: Map<string, number>, from: ReadonlyMap<string, number>): void => {
  for (const [k, n] of from) into.set(k, (into.get(k) ?? 0) + n);
};

export class HubFuzzer {
  private bystander: TestClient | null = null;
  private hostToken = '';
  private epoch = '';
  private readonly logChecked = new Map<HubProcess, number>();
  private readonly answers = new Map<string, number>();
  private readonly checked = new Map<string, number>();
  tried = 0;
  entries = 0;

  constructor(private readonly target: FuzzTarget) {}

  /** A poll for the bystander to vote on and the bystander; says the event's epoch. */
  async setUp(): Promise<string> {
    this.hostToken = await mint(this.target, 'host');
    const [first] = this.target.hubs as [HubProcess];
    const host = await TestClient.connect(first.url, this.hostToken);
    await host.pub('by-create', 'poll.create', { pollId: 'bystander', question: 'Still there?', kind: 'single', options: [{ id: 'yes', label: 'Yes' }, { id: 'no', label: 'No' }] });
    await host.pub('by-open', 'poll.open', { pollId: 'bystander' });
    host.close();
    return this.connectBystander();
  }

  /** (Re)connects the bystander, to the last node; says the epoch it was welcomed with. */
  async connectBystander(): Promise<string> {
    this.bystander?.close();
    const last = this.target.hubs[this.target.hubs.length - 1] as HubProcess;
    this.bystander = await TestClient.connect(last.url, await mint(this.target, 'audience'));
    const welcome = this.bystander.frames[0];
    if (welcome?.t !== 'welcome') throw new Error(`bystander not welcomed: ${JSON.stringify(welcome)}`);
    this.epoch ||= welcome.epoch;
    return welcome.epoch;
  }

  close(): void {
    this.bystander?.close();
  }

  async run(sizes: BatchSizes, seed: number): Promise<void> {
    const tokens = [...(await Promise.all((['audience', 'stream', 'moderator', 'producer', 'host'] as const).map((r) => mint(this.target, r)))), ...(await badTokens(this.target))];
    const ctx: HttpCtx = { adminKey: ADMIN_KEY, eventId: this.target.eventId, joinCode: this.target.joinCode, hostToken: this.hostToken, someClientId: 'fz-audience-1' };
    for (let batch = 1; batch <= sizes.batches; batch++) {
      const http = fc.sample(arbHttpInput(ctx), { seed: seed + batch, numRuns: sizes.http });
      const conversations = fc.sample(arbHttpConversation(ctx), { seed: seed + batch, numRuns: sizes.conversations });
      const ws = fc.sample(arbWsInput({ tokens, epoch: this.epoch }), { seed: seed + batch, numRuns: sizes.ws });
      const frames = new WsBatch(this.target);
      let received: Received[];
      try {
        await Promise.all([this.runHttp(http, conversations), (async () => {
          for (const input of ws) await frames.send(input);
        })()]);
        await frames.check();
        frames.tally(this.answers);
      } finally {
        received = frames.close();
      }
      this.tried += http.length + conversations.reduce((n, c) => n + (c.kind === 'cut' ? 1 : c.inputs.length), 0) + ws.length;
      await this.stillWhole(batch, received);
    }
  }

  private async runHttp(inputs: HttpInput[], conversations: HttpConversationInput[]): Promise<void> {
    const work: Array<() => Promise<void>> = [
      ...inputs.map((input, i) => () => tryHttp(this.port(i), input)),
      ...conversations.map((c, i) => () => tryConversation(this.port(i), c)),
    ];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < work.length) await (work[next++] as () => Promise<void>)();
    };
    await Promise.all(Array.from({ length: HTTP_CONCURRENCY }, worker));
  }

  private port(i: number): number {
    return (this.target.hubs[i % this.target.hubs.length] as HubProcess).port;
  }

  /** After each batch: every node alive and healthy, the bystander's vote acked, no error logged, every frame = fold(log). */
  async stillWhole(batch: number, received: Received[] = []): Promise<void> {
    for (const hub of this.target.hubs) {
      expect(hub.child.exitCode, `a hub exited during batch ${batch}:\n${hub.output().slice(-3_000)}`).toBeNull();
      expect((await fetch(`${hub.url}/v1/health`)).status).toBe(200);
    }
    const vote = await (this.bystander as TestClient).pub(`vote-${batch}-${Date.now()}`, 'vote.cast', { pollId: 'bystander', optionIds: [batch % 2 ? 'yes' : 'no'] });
    expect(vote.t, JSON.stringify(vote)).toBe('ack');
    for (const hub of this.target.hubs) {
      const out = hub.output();
      const errors = out.slice(this.logChecked.get(hub) ?? 0).split('\n').filter((l) => /"level":(50|60)/.test(l));
      this.logChecked.set(hub, out.length);
      expect(errors, `${hub.url} logged errors`).toEqual([]);
    }
    await this.everyFrameAgreesWithTheLog(received);
  }

  /**
   * Every node's log runs 1..n (P15) and is the same log; on every node, fresh staff and audience
   * snapshots, and every sync, ack, log and history frame any peer got, agree with its fold.
   */
  private async everyFrameAgreesWithTheLog(received: Received[]): Promise<void> {
    const meta = await this.target.meta();
    let reference: LogOracle | null = null;
    for (const hub of this.target.hubs) {
      const staff = await freshView(hub.url, this.hostToken, 'staff');
      const aud = await freshView(hub.url, await mint(this.target, 'audience'), 'audience');
      staff.close();
      aud.close();
      const log = await readWholeLog(hub.url, this.hostToken);
      expect(log.map((e) => e.serial)).toEqual(log.map((_, i) => i + 1));
      if (reference) expect(log.slice(0, reference.log.length), `${hub.url} holds another log`).toEqual(reference.log.slice(0, log.length));
      const oracle = new LogOracle(meta, log);
      const s = staff.views.staff;
      const a = aud.views.audience;
      if (!s || !a) throw new Error('no snapshot');
      expect(s.doc, `a fresh staff snapshot at serial ${s.serial} on ${hub.url} is not the fold of the log`).toEqual(oracle.view('staff', s.serial));
      expect(a.doc, `a fresh audience snapshot at serial ${a.serial} on ${hub.url} is not the fold of the log`).toEqual(oracle.view('audience', a.serial));
      if (!reference || log.length > reference.log.length) reference = oracle;
    }
    const oracle = reference as LogOracle;
    for (const r of received) {
      for (const text of r.texts) {
        const problem = oracle.problem(text, r.clientId);
        expect(problem, `${problem} (sent to ${r.clientId} after ${JSON.stringify(r.sent.slice(-5), null, 1)})`).toBeNull();
      }
    }
    count(this.checked, oracle.checked);
    this.entries = oracle.log.length;
  }

  /** The one-line summary: inputs tried, how deep they got, and the seed that replays them. */
  summary(label: string, seed: number, startedAt: number): string {
    const sorted = Object.fromEntries([...this.answers].sort((a, b) => b[1] - a[1]));
    return `${label}: ${this.tried} inputs tried in ${((Date.now() - startedAt) / 1000).toFixed(1)} s, seed ${seed}; log holds ${this.entries} entries; frames checked against fold(log) ${JSON.stringify(Object.fromEntries(this.checked))}; answers ${JSON.stringify(sorted)}`;
  }
}
