/**
 * Results as CSV files from the mirrored staff view (P20). RFC 4180: CRLF line ends, every
 * field with a comma, quote or line break quoted, quotes doubled. Text that a spreadsheet
 * would run as a formula (a leading = + - @, or tab/CR) is prefixed with ' (OWASP's CSV
 * injection advice): audience members write question text and names. A UTF-8 BOM lets
 * Excel on Windows read accents and emoji.
 */
import type { ExportedFile } from '../../shared/console-api';
import { percentOfVoters } from '../../shared/domain/poll-percent';
import type { OptionView, PollView, StaffView } from '../../shared/domain/types';

export type ExportKind = 'polls' | 'quizzes' | 'questions';
export type Cell = string | number | boolean | null;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const csvRows = (rows: Cell[][]): string => rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';


/** A poll's rows: its options, or for a word cloud (no options) its words, most frequent first. */
export function pollOptions(p: PollView): OptionView[] {
  const tallies = p.tallies ?? {};
  return p.kind === 'wordcloud'
    ? Object.keys(tallies)
        .sort((a, b) => (tallies[b] ?? 0) - (tallies[a] ?? 0) || (a < b ? -1 : 1))
        .map((w) => ({ id: w, label: w }))
    : p.options;
}

/** Votes, percent of voters (poll-percent.ts: for multiple choice the options add up to more than 100), voters. */
export const optionFigures = (p: PollView, optionId: string): Cell[] => [p.tallies?.[optionId] ?? 0, percentOfVoters(p.tallies?.[optionId] ?? 0, p.ballots, 1), p.ballots];

function pollRows(view: StaffView): Cell[][] {
  const rows: Cell[][] = [['poll', 'kind', 'option', 'votes', 'percent of voters', 'voters']];
  for (const p of Object.values(view.polls)) for (const o of pollOptions(p)) rows.push([p.question, p.kind, o.label, ...optionFigures(p, o.id)]);
  return rows;
}

function quizRows(view: StaffView): Cell[][] {
  const rows: Cell[][] = [['quiz', 'rank', 'name', 'score', 'streak']];
  for (const q of Object.values(view.quizzes)) q.leaderboard.forEach((r, i) => rows.push([q.title, i + 1, r.name, r.score, r.streak]));
  return rows;
}

function questionRows(view: StaffView): Cell[][] {
  const rows: Cell[][] = [['text', 'author', 'status', 'upvotes', 'asked at', 'pinned', 'answered']];
  const qs = Object.values(view.questions).sort((a, b) => a.askedAt - b.askedAt || (a.id < b.id ? -1 : 1));
  for (const q of qs) rows.push([q.text, q.authorName, q.status, q.upvotes, new Date(q.askedAt).toISOString(), q.pinned, q.status === 'answered']);
  return rows;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A shallow shape check: the view comes from the hub, validated frame by frame but not by shape. */
export function isStaffView(v: unknown): v is StaffView {
  return isRecord(v) && isRecord(v.polls) && isRecord(v.quizzes) && isRecord(v.questions) && isRecord(v.event);
}

export const stamp = (d: Date): string => d.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
export const slug = (s: string): string => s.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'event';

export function exportResults(kind: ExportKind, view: StaffView, now: Date = new Date()): ExportedFile {
  const rows = kind === 'polls' ? pollRows(view) : kind === 'quizzes' ? quizRows(view) : questionRows(view);
  return { filename: `stagecall-${slug(view.event.title)}-${kind}-${stamp(now)}.csv`, mime: 'text/csv', content: `\uFEFF${csvRows(rows)}` };
}
