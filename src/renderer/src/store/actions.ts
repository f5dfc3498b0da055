/**
 * Everything the UI asks of ConsoleCore goes through here (issue 5.7): components call these,
 * never the API. Publishing resolves once the action is durable in the journal, so it shows as
 * "queued" at once, online or not; the hub's answer arrives later through `outbox` events.
 */
import type { ConsoleError, ExportedFile, ReportBundle, RequestName, RequestPayload, Responses, SessionInfo, TeamToken } from '../../../shared/console-api';
import type { QuestionStatus } from '../../../shared/domain/types';
import type { EventSettings, MessageData, MessageName } from '../../../shared/protocol/messages';
import { api } from '../api';
import { downloadText } from '../lib/download';
import { newId } from '../lib/ids';
import type { OutboxItem } from '../../../shared/console-api';
import type { PollView } from '../../../shared/domain/types';
import { pollData, pollInputOf, pollUpdateData, quizData, quizInputOf, type PollInput, type QuizInput } from './cue-inputs';
import type { StaffQuiz } from './selectors';
import { addNotice } from './notices';
import { mergeOutbox, summarise } from './outbox-merge';
import { useConsole } from './store';

export type Outcome<T = undefined> = { ok: true; value: T } | { ok: false; message: string };

const describe = (e: ConsoleError): string => e.message || e.code;

async function call<N extends RequestName>(name: N, payload: RequestPayload<N>): Promise<Outcome<Responses[N]>> {
  try {
    const r = await api.request(name, payload);
    return r.ok ? { ok: true, value: r.value } : { ok: false, message: describe(r.error) };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

/** Queues an action; the queued outbox item, or null (with a notice) when it was not queued. */
async function publishItem<N extends MessageName>(name: N, data: MessageData<N>, what: string): Promise<OutboxItem | null> {
  if (useConsole.getState().coreLostAt !== null) {
    addNotice('error', `${what}: not queued — this window lost its console (see the red banner)`);
    return null;
  }
  const r = await call('publish', { name, data });
  if (!r.ok) {
    addNotice('error', `${what}: not queued — ${r.message}`);
    return null;
  }
  useConsole.setState((s) => {
    const outbox = mergeOutbox(s.outbox, [r.value]);
    return { outbox, ...summarise(outbox, s.session.eventId) };
  });
  return r.value;
}

const publish = async <N extends MessageName>(name: N, data: MessageData<N>, what: string): Promise<boolean> =>
  (await publishItem(name, data, what)) !== null;

const sessionResult = (r: Outcome<SessionInfo>): Outcome<SessionInfo> => {
  if (r.ok) useConsole.setState({ session: r.value, sessionLoaded: true, screen: r.value.mode === 'none' ? 'setup' : 'run' });
  return r;
};

// ---- session ----------------------------------------------------------------------------------
export const startLocal = async (title: string): Promise<Outcome<SessionInfo>> => sessionResult(await call('session/startLocal', { title }));

export const createRemote = async (p: RequestPayload<'session/createRemote'>): Promise<Outcome<SessionInfo>> =>
  sessionResult(await call('session/createRemote', p));

export const joinRemote = async (hubUrls: string[], token: string): Promise<Outcome<SessionInfo>> =>
  sessionResult(await call('session/joinRemote', { hubUrls, token }));

export const leaveEvent = async (): Promise<Outcome<SessionInfo>> => sessionResult(await call('session/leave', {}));

export async function setHubUrls(hubUrls: string[]): Promise<Outcome<SessionInfo>> {
  const r = await call('session/setHubUrls', { hubUrls });
  if (r.ok) useConsole.setState({ session: r.value });
  return r;
}

export async function issueToken(role: 'host' | 'moderator' | 'producer', name: string): Promise<Outcome<Responses['token/issue']>> {
  const r = await call('token/issue', { role, name });
  if (r.ok) useConsole.setState((s) => ({ team: { ...s.team, [r.value.clientId]: { name: r.value.name, role: r.value.role } } }));
  return r;
}

/** The teammate tokens issued from this console for the current event (issue 14.7). */
/** One page of the event's log from the hub (no stream needed). */
export const readLog = (from: number, limit: number): Promise<Outcome<Responses['log/read']>> => call('log/read', { from, limit });

export const listTeamTokens = (): Promise<Outcome<TeamToken[]>> => call('team/list', {});

/** P32: the hub refuses this teammate's tokens and disconnects them, on every node. */
export async function revokeTeammate(clientId: string, name: string): Promise<Outcome<Responses['team/revoke']>> {
  const r = await call('team/revoke', { clientId });
  addNotice(r.ok ? 'info' : 'error', r.ok ? `${name}’s token is revoked: the hub refuses it and has disconnected them.` : `Could not revoke ${name}’s token: ${r.message}`);
  return r;
}

/** The name on the producer token the overlay links carry (store/overlay-token.ts finds it by this). */
export const OVERLAY_TOKEN_NAME = 'Overlays';
/** A producer token for the overlay links (not added to the assignable team: it is a screen, not a person). */
export const issueOverlayToken = (): Promise<Outcome<Responses['token/issue']>> => call('token/issue', { role: 'producer', name: OVERLAY_TOKEN_NAME });

// ---- run of show ------------------------------------------------------------------------------
export async function createPoll(input: PollInput, openNow: boolean): Promise<string | null> {
  const data = pollData(input);
  if (!(await publish('poll.create', data, 'Create poll'))) return null;
  if (openNow) await publish('poll.open', { pollId: data.pollId }, 'Open poll');
  useConsole.setState({ cueId: data.pollId });
  return data.pollId;
}

export const openPoll = (pollId: string): Promise<boolean> => publish('poll.open', { pollId }, 'Open poll');
export const closePoll = (pollId: string): Promise<boolean> => publish('poll.close', { pollId }, 'Close poll');
export const revealPoll = (pollId: string, visible: boolean): Promise<boolean> =>
  publish('poll.reveal', { pollId, visible }, visible ? 'Show results' : 'Hide results');

export async function createQuiz(input: QuizInput): Promise<string | null> {
  const data = quizData(input);
  if (!(await publish('quiz.create', data, 'Create quiz'))) return null;
  useConsole.setState({ cueId: data.quizId });
  return data.quizId;
}

export const quizNext = (quizId: string): Promise<boolean> => publish('quiz.next', { quizId }, 'Next question');
export const quizReveal = (quizId: string): Promise<boolean> => publish('quiz.reveal', { quizId }, 'Reveal answer');
export const quizEnd = (quizId: string): Promise<boolean> => publish('quiz.end', { quizId }, 'End quiz');

// ---- editing the run of show (P28) ---------------------------------------------------------------
/** Sends only what changed; true when there was nothing to change too. */
export async function updatePoll(poll: PollView, input: PollInput): Promise<boolean> {
  const data = pollUpdateData(poll, input);
  return data ? publish('poll.update', data, 'Edit poll') : true;
}

export async function updateQuiz(quiz: StaffQuiz, input: QuizInput): Promise<boolean> {
  const { quizId: _new, ...data } = quizData(input);
  return publish('quiz.update', { quizId: quiz.id, ...data, autoReveal: input.autoReveal ?? false }, 'Edit quiz');
}

/** A new draft from a copy: same question, kind, options and timer; it goes last in the run of show. */
export const duplicatePoll = (poll: PollView): Promise<string | null> =>
  createPoll({ ...pollInputOf(poll), question: poll.question }, false);

export const duplicateQuiz = (quiz: StaffQuiz): Promise<string | null> => createQuiz(quizInputOf(quiz));

/** The queued delete (its outbox id lets the host undo it while it is still queued). */
export const deletePoll = (pollId: string): Promise<OutboxItem | null> => publishItem('poll.delete', { pollId }, 'Delete poll');
export const deleteQuiz = (quizId: string): Promise<OutboxItem | null> => publishItem('quiz.delete', { quizId }, 'Delete quiz');

/** Undo: true if the action was still queued and will never be sent. */
export async function undoQueued(id: string): Promise<boolean> {
  const r = await call('outbox/cancel', { id });
  if (!r.ok) addNotice('error', `Undo failed: ${r.message}`);
  else if (!r.value.cancelled) addNotice('warning', 'Too late to undo: the hub already has it.');
  return r.ok && r.value.cancelled;
}

export const reorderCues = (order: string[]): Promise<boolean> => publish('cue.order', { order }, 'Reorder');

export const setEventStatus = (status: 'scheduled' | 'live' | 'ended'): Promise<boolean> => publish('event.update', { status }, 'Event status');

// ---- event settings (P20, P30) ------------------------------------------------------------------
/** Only the changed settings travel: the hub merges them over the rest. */
export const updateSettings = (settings: EventSettings): Promise<OutboxItem | null> => publishItem('event.update', { settings }, 'Event settings');

// ---- Q&A --------------------------------------------------------------------------------------
const STATUS_VERB: Record<QuestionStatus, string> = {
  pending: 'Back to pending',
  approved: 'Approve',
  rejected: 'Reject',
  answered: 'Mark answered',
  archived: 'Archive',
};

export const moderate = (questionId: string, status: QuestionStatus): Promise<boolean> =>
  publish('question.moderate', { questionId, status }, STATUS_VERB[status]);

export async function moderateMany(ids: readonly string[], status: QuestionStatus): Promise<number> {
  const done = await Promise.all(ids.map((id) => moderate(id, status)));
  useConsole.setState({ qaSelected: new Set() });
  return done.filter(Boolean).length;
}

export const pinQuestion = (questionId: string, pinned: boolean): Promise<boolean> => publish('question.pin', { questionId, pinned }, pinned ? 'Pin' : 'Unpin');
export const assignQuestion = (questionId: string, to: string | null): Promise<boolean> => publish('question.assign', { questionId, to }, 'Assign');

// ---- chat (staff may post even while the audience's chat is off) ---------------------------------
export const postChat = (text: string): Promise<boolean> => publish('chat.send', { messageId: newId('msg'), text: text.trim() }, 'Post to chat');
export const deleteChat = (messageId: string): Promise<boolean> => publish('chat.delete', { messageId }, 'Delete message');

// ---- export, rehearsal --------------------------------------------------------------------------
export async function exportResults(kind: 'polls' | 'quizzes' | 'questions'): Promise<Outcome<ExportedFile>> {
  const r = await call('results/export', { kind });
  if (r.ok) downloadText(r.value.filename, r.value.content, r.value.mime);
  else addNotice('error', `Export failed: ${r.message}`);
  return r;
}

/** Reads the whole log into the post-event report; progress arrives as `report` events (feed.ts). */
export async function buildReport(): Promise<Outcome<ReportBundle>> {
  useConsole.setState({ reportBundle: null, reportProgress: { done: 0, total: 0, phase: 'reading' } });
  const r = await call('report/build', {});
  if (r.ok) useConsole.setState({ reportBundle: r.value });
  else {
    useConsole.setState({ reportProgress: null });
    addNotice('error', `Report failed: ${r.message}`);
  }
  return r;
}

export const downloadFile = (f: ExportedFile): void => downloadText(f.filename, f.content, f.mime);

/** The printable HTML report, drawn in this window (the chart code loads only now). */
export async function downloadReportHtml(bundle: ReportBundle): Promise<string> {
  const { renderReportHtml } = await import('../report/report-html');
  const html = await renderReportHtml(bundle.report);
  downloadText(bundle.htmlFilename, html, 'text/html');
  return bundle.htmlFilename;
}

export async function startRehearsal(audience: number, profile: 'quiet' | 'lively' | 'storm'): Promise<void> {
  const r = await call('rehearsal/start', { audience, profile });
  if (r.ok) useConsole.setState({ rehearsal: r.value });
  else addNotice('error', `Rehearsal: ${r.message}`);
}

export async function stopRehearsal(): Promise<void> {
  const r = await call('rehearsal/stop', {});
  if (r.ok) useConsole.setState({ rehearsal: r.value });
  else addNotice('error', `Rehearsal: ${r.message}`);
}
