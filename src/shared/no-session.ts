/** The console's session before any event is started or joined; no zod here (the renderer bundles it). */
import type { SessionInfo } from './console-api';

export const NO_SESSION: SessionInfo = {
  mode: 'none',
  eventId: null,
  title: null,
  joinCode: null,
  joinUrl: null,
  role: null,
  clientId: null,
  name: null,
  hubUrls: [],
  canIssueTokens: false,
};
