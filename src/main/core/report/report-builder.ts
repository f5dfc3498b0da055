/**
 * Builds the post-event report: pages the event's whole log from the hub (P17, 1,000 entries a
 * page, one page in flight), folds it (shared/report/report-fold.ts), and reports progress as
 * it goes, so a long event shows a moving bar instead of a frozen button.
 */
import type { ReportBundle, ReportProgress } from '../../../shared/console-api';
import type { LogEntry } from '../../../shared/domain/types';
import { ReportFold } from '../../../shared/report/report-fold';
import type { RecordedReach } from '../../../shared/report/report-types';
import type { WireEntry } from '../../../shared/protocol';
import type { HubSession } from '../hub-session';
import { reportCsvFiles, reportFilename } from './report-csv';

const PAGE = 1_000;

export interface ReportInput {
  session: HubSession;
  eventId: string;
  title: string;
  joinCode: string | null;
  reach: RecordedReach;
  onProgress: (p: ReportProgress) => void;
  now?: () => number;
}

/** Entries without a role (a hand-edited log) are left for the reducer to refuse, as the hub does. */
const asLogEntry = (e: WireEntry): LogEntry => e as LogEntry;

export async function buildReport(input: ReportInput): Promise<ReportBundle> {
  const now = input.now ?? Date.now;
  // The view's serial is the last entry that changed the state; refused entries may follow it.
  // Pages run until the hub says the log ends (a live event is read as far as it got meanwhile).
  let total = input.session.view?.serial ?? 0;
  const fold = new ReportFold({ eventId: input.eventId, title: input.title, createdAt: 0 });
  input.onProgress({ done: 0, total, phase: 'reading' });
  for (let from = 1; ; ) {
    const page = await input.session.readLog(from, PAGE);
    fold.add(page.entries.map(asLogEntry));
    total = Math.max(total, fold.lastSerial);
    if (page.next === null || page.entries.length === 0) break;
    input.onProgress({ done: fold.lastSerial, total, phase: 'reading' });
    from = page.next;
  }
  const report = fold.result({ joinCode: input.joinCode, reach: input.reach, generatedAt: now() });
  input.onProgress({ done: fold.lastSerial, total: fold.lastSerial, phase: 'done' });
  return { report, files: reportCsvFiles(report), htmlFilename: reportFilename(report, null, 'html') };
}
