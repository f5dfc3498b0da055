/**
 * P27 on a cue: how many of the subscribed phones show this open poll or running quiz's question
 * (the hub lists only open cues). `compact` is the cue list's short form.
 */
import { fmtInt } from '../../lib/format';
import { useConsole } from '../../store/store';

export function CueReach({ cueId, what, compact = false }: { cueId: string; what: 'poll' | 'question'; compact?: boolean }) {
  const shown = useConsole((s) => s.latestStats?.delivery?.audience.cues[cueId]);
  const of = useConsole((s) => s.latestStats?.delivery?.audience.subscribers);
  if (shown === undefined || of === undefined) return null;
  if (compact) return <span data-testid="cue-row-reach">{` · ${fmtInt(shown)} of ${fmtInt(of)} phones`}</span>;
  return (
    <p className="figure reach" data-testid="cue-reach" data-shown={shown} data-of={of}>
      <strong>{fmtInt(shown)}</strong> of {fmtInt(of)} {of === 1 ? 'phone shows' : 'phones show'} this {what}
    </p>
  );
}
