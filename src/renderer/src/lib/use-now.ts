/** The local clock, re-read every `ms` while the component is mounted (countdowns, "retrying in"). */
import { useEffect, useState } from 'react';

export function useNow(ms: number, enabled = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms, enabled]);
  return now;
}
