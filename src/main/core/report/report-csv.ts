/**
 * The post-event report as CSV files (the same RFC 4180 and formula-safe cells as the quick
 * exports, results-csv.ts): participation with per-cue reach, polls with their open and close
 * times, quiz answers per person and question, quiz scores, and Q&A. Times are ISO 8601 (UTC).
 */
import type { ExportedFile } from '../../../shared/console-api';
import type { CueReach, ReportData } from '../../../shared/report/report-types';
import { csvRows, optionFigures, pollOptions, slug, stamp, type Cell } from '../results-csv';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const reachCells = (r: CueReach | null): Cell[] => (r ? [r.reached, r.subscribers] : [null, null]);

function participationRows(r: ReportData): Cell[][] {
  const p = r.participation;
  const rows: Cell[][] = [['measure', 'cue', 'value', 'out of']];
  rows.push(['unique participants', null, p.uniqueParticipants, null]);
  rows.push(['peak online', null, p.peakOnline, null]);
  rows.push(['peak online at', null, iso(p.peakAt), null]);
  for (const [label, v] of [
    ['voted', p.voters],
    ['asked a question', p.askers],
    ['upvoted', p.upvoters],
    ['played the quiz', p.quizPlayers],
    ['reacted', p.reactors],
    ['chatted', p.chatters],
  ] as const)
    rows.push([label, null, v, p.uniqueParticipants]);
  rows.push(['reactions sent', null, p.reactions, null]);
  // P27: audience connections that showed the cue, of those subscribed, at its best moment.
  for (const x of r.polls) rows.push(['reach', x.poll.question, ...reachCells(x.reach)]);
  for (const q of r.quizzes) {
    rows.push(['reach', q.title, ...reachCells(q.reach)]);
    q.questions.forEach((question, i) => rows.push(['reach', `${q.title} Q${i + 1}: ${question.prompt}`, ...reachCells(question.reach)]));
  }
  return rows;
}

function pollRows(r: ReportData): Cell[][] {
  const rows: Cell[][] = [['poll', 'kind', 'status', 'option', 'votes', 'percent of voters', 'voters', 'opened at', 'closed at', 'times opened', 'reached', 'subscribers']];
  for (const x of r.polls) {
    const p = x.poll;
    const tail = [iso(x.openedAt), iso(x.closedAt), x.opens, ...reachCells(x.reach)];
    const opts = pollOptions(p);
    if (opts.length === 0) rows.push([p.question, p.kind, p.status, null, 0, 0, p.ballots, ...tail]);
    for (const o of opts) rows.push([p.question, p.kind, p.status, o.label, ...optionFigures(p, o.id), ...tail]);
  }
  return rows;
}

function quizAnswerRows(r: ReportData): Cell[][] {
  const rows: Cell[][] = [['quiz', 'question', 'name', 'answer', 'correct', 'points']];
  for (const q of r.quizzes)
    for (const question of q.questions)
      for (const p of q.players) {
        const a = p.answers[question.id];
        if (a) rows.push([q.title, question.prompt, p.name, question.options.find((o) => o.id === a.optionId)?.label ?? a.optionId, a.correct, a.points]);
      }
  return rows;
}

function quizScoreRows(r: ReportData): Cell[][] {
  const rows: Cell[][] = [['quiz', 'rank', 'name', 'score', 'correct answers', 'questions', 'streak']];
  for (const q of r.quizzes) for (const p of q.players) rows.push([q.title, p.rank, p.name, p.score, p.correct, q.questions.length, p.streak]);
  return rows;
}

function questionRows(r: ReportData): Cell[][] {
  const rows: Cell[][] = [['text', 'author', 'status', 'upvotes', 'pinned', 'assignee', 'asked at', 'answered at']];
  for (const q of r.questions) rows.push([q.text, q.authorName, q.status, q.upvotes, q.pinned, q.assignee ? (q.assigneeName ?? q.assignee) : null, iso(q.askedAt), iso(q.answeredAt)]);
  return rows;
}

export const REPORT_CSV = {
  participation: participationRows,
  polls: pollRows,
  'quiz-answers': quizAnswerRows,
  'quiz-scores': quizScoreRows,
  questions: questionRows,
} as const;

/** `stagecall-<title>-report[-<part>]-<yyyymmdd-hhmm>.<ext>`, stamped with the report's own time. */
export const reportFilename = (r: ReportData, part: string | null, ext: 'csv' | 'html'): string =>
  `stagecall-${slug(r.event.title)}-report${part ? `-${part}` : ''}-${stamp(new Date(r.event.generatedAt))}.${ext}`;

export function reportCsvFiles(r: ReportData): ExportedFile[] {
  return Object.entries(REPORT_CSV).map(([name, rows]) => ({
    filename: reportFilename(r, name, 'csv'),
    mime: 'text/csv' as const,
    content: `\uFEFF${csvRows(rows(r))}`,
  }));
}
