/**
 * The post-event report as one printable page, drawn with the console's own pieces: the Live
 * screen's line chart (at a fixed size, so it renders to plain SVG), the result bars, the word
 * cloud and the leaderboard. Every figure is in text too; the charts only repeat them.
 */
import type { BarRow } from '../store/selectors';
import { pollBars } from '../store/selectors';
import { emptyMetricRow } from '../store/metrics/metric-row';
import { MetricChart } from '../components/live/metric-chart';
import { ResultBars } from '../components/run/result-bars';
import { WordCloud } from '../components/run/word-cloud';
import { Leaderboard } from '../components/run/leaderboard';
import { StatTile } from '../components/live/stat-tile';
import { fmtInt, fmtPct } from '../lib/format';
import { percentLabel } from '../../../shared/domain/poll-percent';
import type { CueReach, ReportData, ReportPoll, ReportQuiz } from '../../../shared/report/report-types';

const KIND = { single: 'Single choice', multiple: 'Multiple choice', rating: 'Rating', wordcloud: 'Word cloud' } as const;

/** Date and time, in the producer's locale: the report is read by people, the CSV by machines. */
export const fmtWhen = (ms: number | null): string => (ms === null ? '—' : new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }));
const reachText = (r: CueReach | null): string => (r ? `${fmtInt(r.reached)} of ${fmtInt(r.subscribers)} (${fmtPct(r.reached, r.subscribers)})` : '—');

function reachBars(report: ReportData): BarRow[] {
  const cues = [...report.polls.map((p) => ({ id: p.poll.id, label: p.poll.question, reach: p.reach })), ...report.quizzes.map((q) => ({ id: q.id, label: q.title, reach: q.reach }))];
  const max = Math.max(1, ...cues.map((c) => c.reach?.reached ?? 0));
  return cues.map((c) => ({ key: c.id, label: c.label, count: c.reach?.reached ?? 0, share: (c.reach?.reached ?? 0) / max, ofTotal: c.reach && c.reach.subscribers > 0 ? c.reach.reached / c.reach.subscribers : 0 }));
}

function Participation({ report }: { report: ReportData }) {
  const p = report.participation;
  const rows = p.online.map((x) => ({ ...emptyMetricRow(x.t), online: x.online }));
  const anyReach = report.polls.some((x) => x.reach) || report.quizzes.some((x) => x.reach);
  return (
    <section className="report-section" aria-labelledby="r-participation">
      <h2 id="r-participation">Participation</h2>
      <dl className="tiles" aria-label="Participation figures" data-testid="report-participation">
        <StatTile label="Unique participants" value={fmtInt(p.uniqueParticipants)} />
        <StatTile label="Peak online" value={fmtInt(p.peakOnline)} detail={p.peakAt ? `at ${fmtWhen(p.peakAt)}` : undefined} />
        <StatTile label="Voted" value={fmtInt(p.voters)} />
        <StatTile label="Asked a question" value={fmtInt(p.askers)} />
        <StatTile label="Played the quiz" value={fmtInt(p.quizPlayers)} />
        <StatTile label="Reactions" value={fmtInt(p.reactions)} detail={`from ${fmtInt(p.reactors)} people`} />
      </dl>
      <MetricChart title="Audience online" unit="people" series={[{ key: 'online', label: 'Online' }]} rows={rows} theme="light" size={{ width: 900, height: 220 }} curve="step" />
      <h3>Reach per cue</h3>
      {anyReach ? (
        <ResultBars rows={reachBars(report)} label="Reach per cue" note="Audience connections that showed each cue while it was live, at its best moment, as % of those connected then (P27, as this console saw it)." />
      ) : (
        <p className="empty">No delivery figures: this console was not connected while the cues were live.</p>
      )}
    </section>
  );
}

function PollSection({ x }: { x: ReportPoll }) {
  const p = x.poll;
  return (
    <article className="card report-item" aria-labelledby={`r-poll-${p.id}`} data-testid="report-poll" data-poll-id={p.id}>
      <h3 id={`r-poll-${p.id}`}>{p.question}</h3>
      <p className="muted small">
        {KIND[p.kind]} · {p.status} · <strong data-testid="report-ballots">{p.ballots}</strong> {p.ballots === 1 ? 'ballot' : 'ballots'} · opened {fmtWhen(x.openedAt)}
        {x.opens > 1 ? ` (${x.opens} times)` : ''} · closed {fmtWhen(x.closedAt)} · reach {reachText(x.reach)}
      </p>
      {p.kind === 'wordcloud' ? <WordCloud poll={p} /> : <ResultBars rows={pollBars(p)} label={`Results: ${p.question}`} note={percentLabel(p.kind, p.ballots)} />}
    </article>
  );
}

function QuizSection({ q }: { q: ReportQuiz }) {
  return (
    <article className="card report-item" aria-labelledby={`r-quiz-${q.id}`} data-testid="report-quiz">
      <h3 id={`r-quiz-${q.id}`}>{q.title}</h3>
      <p className="muted small">
        {q.status} · {q.questions.length} questions · {q.players.length} players · started {fmtWhen(q.startedAt)} · ended {fmtWhen(q.endedAt)} · reach {reachText(q.reach)}
      </p>
      <Leaderboard rows={q.players} limit={10} />
      {q.questions.map((question, i) => {
        const max = Math.max(1, ...Object.values(question.counts));
        const rows: BarRow[] = question.options.map((o) => {
          const count = question.counts[o.id] ?? 0;
          return { key: o.id, label: o.label, count, share: count / max, ofTotal: question.answers > 0 ? count / question.answers : 0 };
        });
        return (
          <div key={question.id} className="report-quiz-question">
            <h4>
              {i + 1}. {question.prompt}{' '}
              <span className="muted small">
                ({question.answers} answers · reach {reachText(question.reach)})
              </span>
            </h4>
            <ResultBars rows={rows} label={`Answers: ${question.prompt}`} correct={question.correctOptionId} />
          </div>
        );
      })}
      <h4>Answers per person</h4>
      <div className="table-scroll">
        <table className="table" aria-label={`Answers per person: ${q.title}`}>
          <thead>
            <tr>
              <th scope="col">Rank</th>
              <th scope="col">Name</th>
              {q.questions.map((question, i) => (
                <th key={question.id} scope="col" className="num" title={question.prompt}>
                  Q{i + 1}
                </th>
              ))}
              <th scope="col" className="num">
                Correct
              </th>
              <th scope="col" className="num">
                Score
              </th>
            </tr>
          </thead>
          <tbody>
            {q.players.map((p) => (
              <tr key={p.clientId} data-testid="report-player">
                <td>{p.rank}</td>
                <td>{p.name}</td>
                {q.questions.map((question) => {
                  const a = p.answers[question.id];
                  return (
                    <td key={question.id} className="num">
                      {a ? `${a.correct ? '✓' : '✗'} ${a.points}` : '—'}
                    </td>
                  );
                })}
                <td className="num">{p.correct}</td>
                <td className="num">{p.score}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </article>
  );
}

function QuestionsSection({ report }: { report: ReportData }) {
  const qs = report.questions;
  const answered = qs.filter((q) => q.status === 'answered').length;
  return (
    <section className="report-section" aria-labelledby="r-qa">
      <h2 id="r-qa">Q&amp;A</h2>
      <p className="muted">
        {qs.length} questions · {answered} answered · {qs.reduce((a, q) => a + q.upvotes, 0)} upvotes
      </p>
      {qs.length > 0 && (
        <table className="table report-qa" aria-label="Questions">
          <thead>
            <tr>
              <th scope="col">Question</th>
              <th scope="col">Asked by</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Upvotes
              </th>
              <th scope="col">Assignee</th>
              <th scope="col">Asked</th>
              <th scope="col">Answered</th>
            </tr>
          </thead>
          <tbody>
            {qs.map((q) => (
              <tr key={q.id} data-question-id={q.id}>
                <td>{q.text}</td>
                <td>{q.authorName ?? 'Anonymous'}</td>
                <td>{q.status}</td>
                <td className="num">{q.upvotes}</td>
                <td>{q.assignee ? (q.assigneeName ?? q.assignee) : '—'}</td>
                <td>{fmtWhen(q.askedAt)}</td>
                <td>{fmtWhen(q.answeredAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function ReportDocument({ report }: { report: ReportData }) {
  const e = report.event;
  return (
    <main className="report">
      <header className="report-head">
        <p className="muted small">Stagecall post-event report</p>
        <h1>{e.title}</h1>
        <p className="muted">
          {fmtWhen(e.firstAt)} – {fmtWhen(e.lastAt)} · status {e.status}
          {e.joinCode ? ` · join code ${e.joinCode}` : ''} · {fmtInt(e.serial)} log entries · generated {fmtWhen(e.generatedAt)}
        </p>
      </header>
      <Participation report={report} />
      <section className="report-section" aria-labelledby="r-polls">
        <h2 id="r-polls">Polls</h2>
        {report.polls.length === 0 ? <p className="empty">No polls.</p> : report.polls.map((x) => <PollSection key={x.poll.id} x={x} />)}
      </section>
      <section className="report-section" aria-labelledby="r-quizzes">
        <h2 id="r-quizzes">Quizzes</h2>
        {report.quizzes.length === 0 ? <p className="empty">No quizzes.</p> : report.quizzes.map((q) => <QuizSection key={q.id} q={q} />)}
      </section>
      <QuestionsSection report={report} />
    </main>
  );
}
