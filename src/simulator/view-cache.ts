/**
 * Per-worker sharing of what is the same for every attendee. The hub sends the very same
 * sync bytes to every subscriber at the same base (P21), and a view at (epoch, serial) is one
 * document (P19), so a worker decodes each distinct frame once and applies each distinct
 * patch once, to the exact document object the attendee holds; attendees on another path
 * apply their own. Each attendee still keeps its own mirror, checked patch by patch, and
 * checks its state's P26 hash; a worker hashes each distinct document object once.
 */
import type { PatchResult } from '../shared/client';
import { nodeSha256Hex } from '../shared/node/sha256';
import { stateHash } from '../shared/integrity';
import { applyPatch } from '../shared/json-patch';
import type { AudienceView, PollView } from '../shared/domain/types';
import { decodeHubFrame, type Decoded, type HubFrame, type PatchOp } from '../shared/protocol';

const FRAME_CACHE = 64;
const DOC_CACHE = 256;

function boundedSet<K, V>(m: Map<K, V>, k: K, v: V, max: number): void {
  m.set(k, v);
  if (m.size > max) {
    const oldest = m.keys().next().value;
    if (oldest !== undefined) m.delete(oldest);
  }
}

export class FrameCache {
  private readonly frames = new Map<string, Decoded<HubFrame>>();

  /** `decodeFrame`: the full zod schemas by default; the benchmarks' clients pass the shared client's light decoder. */
  constructor(private readonly decodeFrame: (text: string) => Decoded<HubFrame> = decodeHubFrame) {}

  decode(text: string): Decoded<HubFrame> {
    // Only sync frames repeat across attendees; acks, pongs and self frames are one-offs.
    if (!text.startsWith('{"t":"sync"')) return this.decodeFrame(text);
    const hit = this.frames.get(text);
    if (hit) return hit;
    const d = this.decodeFrame(text);
    boundedSet(this.frames, text, d, FRAME_CACHE);
    return d;
  }
}

export class DocCache {
  private readonly docs = new Map<string, { baseDoc: unknown; out: PatchResult }>();

  apply(baseDoc: unknown, epoch: string, base: number, serial: number, patch: PatchOp[]): PatchResult {
    const key = `${epoch}|${base}|${serial}`;
    const hit = this.docs.get(key);
    if (hit && hit.baseDoc === baseDoc) return hit.out;
    const r = applyPatch(baseDoc, patch);
    const out: PatchResult = r.ok ? { ok: true, doc: r.doc } : { ok: false, error: String(r.error) };
    boundedSet(this.docs, key, { baseDoc, out }, DOC_CACHE);
    return out;
  }
}

/**
 * P26 per worker: the state hash of each document object, computed once however many attendees
 * hold it. Documents are never mutated (patches make new ones), so a document's hash is fixed;
 * a WeakMap lets it go with the document.
 */
export class HashCache {
  private readonly hashes = new WeakMap<object, string>();
  /** Documents hashed (not served from the cache): what the check cost this worker. */
  computed = 0;

  of(doc: unknown): string {
    if (doc === null || typeof doc !== 'object') return stateHash(doc, nodeSha256Hex);
    const hit = this.hashes.get(doc);
    if (hit !== undefined) return hit;
    const h = stateHash(doc, nodeSha256Hex);
    this.computed++;
    this.hashes.set(doc, h);
    return h;
  }
}

/** What an attendee acts on, read once per document. */
export interface Derived {
  openPolls: PollView[];
  quizzes: Array<{ quizId: string; questionId: string; closesAt: number; openedAt: number; options: string[] }>;
  approvedQuestions: string[];
  reactions: string[];
  chatOn: boolean;
  /** Hub timestamps of the chat messages, oldest first: sync-lag samples. */
  chatTs: number[];
}

const EMPTY: Derived = { openPolls: [], quizzes: [], approvedQuestions: [], reactions: [], chatOn: false, chatTs: [] };
const derivedOf = new WeakMap<object, Derived>();

export function derive(doc: unknown): Derived {
  if (doc === null || typeof doc !== 'object') return EMPTY;
  const hit = derivedOf.get(doc);
  if (hit) return hit;
  const v = doc as Partial<AudienceView>;
  const quizzes: Derived['quizzes'] = [];
  for (const q of Object.values(v.quizzes ?? {})) {
    const cur = q.current;
    if (q.status !== 'running' || !cur || cur.revealed) continue;
    const question = q.questions.find((x) => x.id === cur.questionId);
    quizzes.push({ quizId: q.id, questionId: cur.questionId, closesAt: cur.closesAt, openedAt: cur.openedAt, options: question?.options.map((o) => o.id) ?? [] });
  }
  const d: Derived = {
    openPolls: Object.values(v.polls ?? {}).filter((p) => p.status === 'open'),
    quizzes,
    approvedQuestions: Object.values(v.questions ?? {})
      .filter((q) => q.status === 'approved')
      .map((q) => q.id),
    reactions: v.event?.settings.reactions ?? [],
    chatOn: v.event?.settings.chat === 'on',
    chatTs: (v.chat ?? []).map((m) => m.ts),
  };
  derivedOf.set(doc, d);
  return d;
}
