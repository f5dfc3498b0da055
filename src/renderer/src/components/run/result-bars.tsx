/** Horizontal result bars with the numbers in text beside them (readable without the bars). */
import type { BarRow } from '../../store/selectors';

/** `note` says what the percentages are of (shared/domain/poll-percent.ts percentLabel). */
export function ResultBars({ rows, label, correct, note }: { rows: BarRow[]; label: string; correct?: string | null; note?: string }) {
  return (
    <>
      <ol className="bars" aria-label={label}>
        {rows.map((r) => (
          <li key={r.key} className={r.key === correct ? 'bar-row correct' : 'bar-row'} data-option={r.key} data-count={r.count}>
            <span className="bar-label">
              {r.key === correct && <span className="sr-only">Correct answer: </span>}
              {r.key === correct && <span aria-hidden="true">✓ </span>}
              {r.label}
            </span>
            <span className="bar-track" aria-hidden="true">
              <span className="bar-fill" style={{ width: `${Math.round(r.share * 100)}%` }} />
            </span>
            <span className="bar-value">
              {Math.round(r.ofTotal * 100)}% <span className="muted">({r.count})</span>
            </span>
          </li>
        ))}
      </ol>
      {note && <p className="muted small" data-testid="percent-note">{note}</p>}
    </>
  );
}
