/**
 * Wires one joined session to the world: the hub link, the outbox and the store. The screens
 * only read the store and call the actions made here.
 */
import { TokenBucket } from '../../shared/client';
import { startHubLink } from './hub-link';
import type { HubEndpoint } from './hubs';
import { orderKey, Outbox, type AudienceAction } from './outbox';
import type { Session } from './session';
import { useAudience, type AudienceActions } from './store';
import { asAudienceView, asSelfView } from './view-guards';

/** Reactions are capped on the phone too, so a frantic thumb never trips the hub's rate limit. */
const REACTION_BURST = 6;
const REACTIONS_PER_SEC = 4;

export function safeStorage(): Storage | null {
  try {
    const s = window.localStorage;
    s.getItem('stagecall.probe');
    return s;
  } catch {
    return null;
  }
}

/** Ids for what this phone creates (questions, chat messages): random, so phones never collide. */
function newId(prefix: 'q' | 'm'): string {
  const b = new Uint8Array(8);
  crypto.getRandomValues(b);
  return `${prefix}_${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`;
}

export function startAudience(session: Session, endpoints: readonly HubEndpoint[]): () => void {
  const set = useAudience.setState;
  const outbox = new Outbox(safeStorage(), `stagecall.outbox.${session.eventId}.${session.clientId}`, session.clientId);
  const reactions = new TokenBucket(REACTIONS_PER_SEC, REACTION_BURST, Date.now());
  let reactionSeq = 0;

  // The shared client sends the outbox: in order per thing, paced under P24, resent after every reconnect.
  const link = startHubLink({
    endpoints: endpoints.map((e) => e.ws),
    token: session.token,
    eventId: session.eventId,
    clientName: 'stagecall-audience',
    outbox,
    reportApplied: true, // P27: staff see how many phones have the latest state
    onStatus: (status) => set({ link: status }),
  });
  const client = link.client;
  client.view('audience', (doc) => {
    const view = asAudienceView(doc);
    if (view) set({ view });
  });
  client.on('self', (data) => {
    const self = asSelfView(data);
    if (self) set({ self });
  });

  function enqueue(name: AudienceAction, data: Record<string, unknown>): void {
    const id = outbox.nextId();
    // Stored before it is sent; the outcome shows through the outbox's records.
    client.publish(name, data, { id, key: orderKey({ id, name, data }) }).catch(() => undefined);
  }

  const actions: AudienceActions = {
    vote: (pollId, optionIds) => enqueue('vote.cast', { pollId, optionIds }),
    voteWord: (pollId, text) => enqueue('vote.cast', { pollId, text }),
    ask: (text, anonymous) => enqueue('question.ask', anonymous ? { questionId: newId('q'), text, anonymous } : { questionId: newId('q'), text }),
    chat: (text) => enqueue('chat.send', { messageId: newId('m'), text }),
    toggleUpvote: (questionId, upvoted) => enqueue(upvoted ? 'question.unvote' : 'question.upvote', { questionId }),
    answer: (quizId, questionId, optionId) => enqueue('quiz.answer', { quizId, questionId, optionId }),
    react: (emoji) => {
      // Reactions are of the moment: not stored, not replayed after an outage.
      const now = Date.now();
      if (client.state !== 'connected' || !reactions.take(now)) return false;
      return client.send({ t: 'pub', id: `${session.clientId}:r${++reactionSeq}.${now.toString(36)}`.slice(-64), name: 'reaction.send', data: { emoji } });
    },
    hubNow: () => client.hubClock.now(),
  };

  const unsubscribe = outbox.subscribe(() => set({ outbox: outbox.records }));
  set({ session, outbox: outbox.records, actions, view: null, self: null });
  return () => {
    unsubscribe();
    link.stop();
    set({ actions: null });
  };
}
