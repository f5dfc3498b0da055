/** The event domain's public surface: state, reducer, selectors, word filter and types. */
export { initialState, DEFAULT_SETTINGS, STATE_VERSION, HUB_CLIENT_ID } from './state';
export type { EventState, EventMetaInput, PollState, QuestionState, QuizState, ChatMessage } from './state';
export { apply, reduce, foldBatch, BatchFold } from './apply';
export { staffView, audienceView, selfView } from './views';
export { AUDIENCE_LEADERBOARD_ROWS } from './leaderboard';
export { isFlagged } from './word-filter';
export * from './types';
export { hubTimers, type HubTimer } from './timers';
export { hubCloseId } from './polls';
export { hubRevealId } from './quizzes';
export { shareOfVoters, percentOfVoters, percentLabel } from './poll-percent';
