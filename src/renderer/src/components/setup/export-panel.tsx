/** Results as CSV files (results/export → a Blob download). */
import { useState } from 'react';
import { exportResults } from '../../store/actions';

const KINDS = [
  { kind: 'polls', label: 'Export polls (CSV)' },
  { kind: 'quizzes', label: 'Export quizzes (CSV)' },
  { kind: 'questions', label: 'Export Q&A (CSV)' },
] as const;

export function ExportPanel() {
  const [last, setLast] = useState<string | null>(null);
  const run = async (kind: (typeof KINDS)[number]['kind']): Promise<void> => {
    const r = await exportResults(kind);
    if (r.ok) setLast(r.value.filename);
  };
  return (
    <section className="card" aria-labelledby="export-title">
      <h2 id="export-title">Export results</h2>
      <div className="row wrap">
        {KINDS.map((k) => (
          <button key={k.kind} type="button" className="button" onClick={() => void run(k.kind)}>
            {k.label}
          </button>
        ))}
      </div>
      {last && (
        <p role="status" className="muted">
          ✓ Saved {last}
        </p>
      )}
    </section>
  );
}
