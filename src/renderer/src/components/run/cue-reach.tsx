/** P27 on a cue card: how many of the subscribed phones show this open poll or running quiz's question. */
import { fmtInt } from '../../lib/format';
import { useConsole } from '../../store/store';

export function CueReach({ cueId, what }: { cueId: string; what: 'poll' | 'question' }) {
  const shown = useConsole((s) => s.latestStats?.delivery?.audience.cues[cueId]);
  const of = useConsole((s) => s.latestStats?.delivery?.audience.subscribers);
  if (shown === undefined || of === undefined) return null;
  return (
    <p className="figure reach" data-testid="cue-reach" data-shown={shown} data-of={of}>
      <strong>{fmtInt(shown)}</strong> of {fmtInt(of)} {of === 1 ? 'phone shows' : 'phones show'} this {what}
    </p>
  );
}
