/**
 * Wires one joined session to the world: the hub link, the outbox and the store. The screens
 * only read the store and call the actions made here.
 */
import type { AckFrame } from '../../shared/protocol';
import { HubClient } from './hub-client';
import type { HubEndpoint } from './hubs';
import { Outbox, type AudienceAction } from './outbox';
import type { Session } from './session';
import { useAudience, type AudienceActions } from './store';
import { asAudienceView, asSelfView } from './view-guards';

/** Pubs on the wire at once: well inside the audience burst of 40 frames (P24). */
const SEND_WINDOW = 8;
/** Reactions are capped on the phone too, so a frantic thumb never trips the hub's rate limit. */
const REACTION_BURST = 6;
const REACTIONS_PER_SEC = 4;
/** "Nothing changed" answers that still mean the person's wish holds. */
const BENIGN_REASONS = new Set(['already_upvoted', 'not_upvoted']);

export function safeStorage(): Storage | null {
  try {
    const s = window.localStorage;
    s.getItem('stagecall.probe');
    return s;
  } catch {
    return null;
  }
}

function newQuestionId(): string {
  const b = new Uint8Array(8);
  crypto.getRandomValues(b);
  return `q_${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`;
}

export function startAudience(session: Session, endpoints: readonly HubEndpoint[]): () => void {
  const set = useAudience.setState;
  const outbox = new Outbox(safeStorage(), `stagecall.outbox.${session.eventId}.${session.clientId}`, session.clientId);
  let wakeTimer: ReturnType<typeof setTimeout> | null = null;
  let reactionSeq = 0;
  let bucket = REACTION_BURST;
  let bucketAt = Date.now();

  const client = new HubClient({
    endpoints: endpoints.map((e) => e.ws),
    token: session.token,
    eventId: session.eventId,
    views: ['audience'],
    clientName: 'stagecall-audience',
    on: {
      status: (link) => set({ link }),
      welcome: () => flush(),
      view: (_v, doc) => {
        const view = asAudienceView(doc);
        if (view) set({ view });
      },
      self: (data) => {
        const self = asSelfView(data);
        if (self) set({ self });
      },
      ack: (f) => {
        if (outbox.onAck(benign(f))) flush();
      },
      nack: (f) => {
        if (outbox.onNack(f)) flush();
        scheduleWake();
      },
      error: (f) => {
        // 'unavailable' names no pub: resend everything in flight a little later (P14 makes it safe).
        if (f.code === 'unavailable') {
          outbox.releaseInFlight(1_000);
          scheduleWake();
        }
      },
      down: () => outbox.releaseInFlight(),
    },
  });

  function benign(f: AckFrame): AckFrame {
    return !f.applied && f.reason && BENIGN_REASONS.has(f.reason) ? { ...f, applied: true } : f;
  }

  function flush(): void {
    if (!client.online) return;
    for (const r of outbox.takeSendable(SEND_WINDOW)) {
      if (!client.send({ t: 'pub', id: r.id, name: r.name, data: r.data })) {
        outbox.releaseInFlight();
        return;
      }
    }
    scheduleWake();
  }

  function scheduleWake(): void {
    const at = outbox.nextWakeAt();
    if (at === null) return;
    if (wakeTimer) clearTimeout(wakeTimer);
    wakeTimer = setTimeout(() => {
      wakeTimer = null;
      flush();
    }, Math.max(50, at - Date.now()));
  }

  function enqueue(name: AudienceAction, data: Record<string, unknown>): void {
    outbox.add(name, data); // stored before it is sent
    flush();
  }

  const actions: AudienceActions = {
    vote: (pollId, optionIds) => enqueue('vote.cast', { pollId, optionIds }),
    voteWord: (pollId, text) => enqueue('vote.cast', { pollId, text }),
    ask: (text, anonymous) => enqueue('question.ask', anonymous ? { questionId: newQuestionId(), text, anonymous } : { questionId: newQuestionId(), text }),
    toggleUpvote: (questionId, upvoted) => enqueue(upvoted ? 'question.unvote' : 'question.upvote', { questionId }),
    answer: (quizId, questionId, optionId) => enqueue('quiz.answer', { quizId, questionId, optionId }),
    react: (emoji) => {
      // Reactions are of the moment: not stored, not replayed after an outage.
      const now = Date.now();
      bucket = Math.min(REACTION_BURST, bucket + ((now - bucketAt) / 1000) * REACTIONS_PER_SEC);
      bucketAt = now;
      if (bucket < 1 || !client.online) return false;
      bucket -= 1;
      return client.send({ t: 'pub', id: `${session.clientId}:r${++reactionSeq}.${now.toString(36)}`.slice(-64), name: 'reaction.send', data: { emoji } });
    },
    hubNow: () => client.clock.now(),
  };

  const unsubscribe = outbox.subscribe(() => set({ outbox: outbox.records }));
  set({ session, outbox: outbox.records, actions, view: null, self: null });
  client.start();
  return () => {
    unsubscribe();
    if (wakeTimer) clearTimeout(wakeTimer);
    client.stop();
    set({ actions: null });
  };
}
