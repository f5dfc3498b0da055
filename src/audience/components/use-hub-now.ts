/** The hub's clock, re-read a few times a second while `active` (quiz countdowns). */
import { useEffect, useState } from 'react';
import { useAudience } from '../lib/store';

export function useHubNow(active: boolean, everyMs = 250): number {
  const actions = useAudience((s) => s.actions);
  const read = (): number => actions?.hubNow() ?? Date.now();
  const [now, setNow] = useState(read);
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(actions?.hubNow() ?? Date.now()), everyMs);
    return () => clearInterval(t);
  }, [active, everyMs, actions]);
  return active ? now : read();
}
