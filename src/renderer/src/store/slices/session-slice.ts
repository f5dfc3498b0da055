/** Which event the console runs, and as whom (`session` events, `session/*` answers). */
import type { AppInfo, RehearsalStatus, ReportBundle, ReportProgress, SessionInfo } from '../../../../shared/console-api';
import { NO_SESSION } from '../../../../shared/no-session';

export interface Teammate {
  name: string;
  role: string;
}

export interface SessionSlice {
  session: SessionInfo;
  /** False until the first `session/get` answered: the UI shows nothing it might have to take back. */
  sessionLoaded: boolean;
  app: AppInfo | null;
  rehearsal: RehearsalStatus | null;
  /** Staff seen in the log or invited from here, by clientId: whom a question can be assigned to. */
  team: Record<string, Teammate>;
  /** When this window lost its connection to the console core (web host tab); null while connected. */
  coreLostAt: number | null;
  /** The post-event report being read (`report` events), and the last one built. */
  reportProgress: ReportProgress | null;
  reportBundle: ReportBundle | null;
}

export const noSession: SessionInfo = NO_SESSION;

export const createSessionSlice = (): SessionSlice => ({ session: noSession, sessionLoaded: false, app: null, rehearsal: null, team: {}, coreLostAt: null, reportProgress: null, reportBundle: null });
