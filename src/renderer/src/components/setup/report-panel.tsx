/**
 * The post-event report (issue 14.11): one click reads the event's whole log from the hub with
 * a progress bar, then offers the printable HTML report and its CSV files.
 */
import { useState } from 'react';
import { buildReport, downloadFile, downloadReportHtml } from '../../store/actions';
import { useConsole } from '../../store/store';
import { fmtInt } from '../../lib/format';

/** `stagecall-Town-hall-report-quiz-answers-20261202-0112.csv` → "quiz answers (CSV)". */
const partLabel = (filename: string): string => `${/-report-([a-z-]+)-\d{8}-\d{4}\.csv$/.exec(filename)?.[1]?.replace(/-/g, ' ') ?? filename} (CSV)`;

export function ReportPanel() {
  const progress = useConsole((s) => s.reportProgress);
  const bundle = useConsole((s) => s.reportBundle);
  const online = useConsole((s) => s.link.state === 'connected');
  const [saved, setSaved] = useState<string | null>(null);
  const [drawing, setDrawing] = useState(false);
  const reading = progress?.phase === 'reading' && bundle === null;
  const html = async (): Promise<void> => {
    if (!bundle) return;
    setDrawing(true);
    try {
      setSaved(await downloadReportHtml(bundle));
    } finally {
      setDrawing(false);
    }
  };
  return (
    <section className="card" aria-labelledby="report-title">
      <h2 id="report-title">Post-event report</h2>
      <p className="muted small">Participation, every poll with its times, the quiz per person, and Q&amp;A: read from the event’s whole log on the hub.</p>
      <div className="row wrap">
        <button type="button" className="button primary" onClick={() => void buildReport().then(() => setSaved(null))} disabled={reading || !online} title={online ? undefined : 'The report reads the log from the hub: connect first'}>
          {bundle ? 'Build again' : 'Build report'}
        </button>
      </div>
      {reading && (
        <div className="report-progress" role="status">
          <progress aria-label="Reading the event log" max={Math.max(1, progress.total)} value={progress.done} />
          <span className="muted small">
            Reading the log: {fmtInt(progress.done)} of {fmtInt(progress.total)} entries
          </span>
        </div>
      )}
      {bundle && (
        <>
          <p role="status" className="muted small" data-testid="report-ready">
            ✓ Report ready: {fmtInt(bundle.report.event.serial)} log entries, {fmtInt(bundle.report.participation.uniqueParticipants)} participants
          </p>
          <div className="row wrap" role="group" aria-label="Report files">
            <button type="button" className="button" onClick={() => void html()} disabled={drawing}>
              Download report (HTML)
            </button>
            {bundle.files.map((f) => (
              <button key={f.filename} type="button" className="button" onClick={() => (downloadFile(f), setSaved(f.filename))}>
                {partLabel(f.filename)}
              </button>
            ))}
          </div>
        </>
      )}
      {saved && (
        <p role="status" className="muted small">
          ✓ Saved {saved}
        </p>
      )}
    </section>
  );
}
