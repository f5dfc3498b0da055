/** A headline figure in text (the charts' accessible equivalent). */
export function StatTile({ label, value, detail, tone }: { label: string; value: string; detail?: string; tone?: 'bad' | 'warn' }) {
  return (
    <div className={`tile${tone ? ` tile-${tone}` : ''}`}>
      <dt>{label}</dt>
      <dd>
        <strong>{value}</strong>
        {detail && <span className="muted small"> {detail}</span>}
      </dd>
    </div>
  );
}
