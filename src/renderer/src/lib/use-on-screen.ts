/**
 * Whether an element can be seen now: inside (or within `margin` of) the viewport, and the
 * page not hidden (a minimised window, a background tab). The live charts redraw only while
 * this holds, so the five minutes of a chart scrolled out of view or of a hidden window cost
 * nothing until it is seen again.
 */
import { useEffect, useState, type RefObject } from 'react';

export function useOnScreen(ref: RefObject<Element | null>, enabled = true, margin = '200px'): boolean {
  const [inView, setInView] = useState(true);
  const [pageShown, setPageShown] = useState(() => typeof document === 'undefined' || document.visibilityState !== 'hidden');
  useEffect(() => {
    const el = ref.current;
    if (!enabled || !el || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver((entries) => {
      const e = entries[entries.length - 1];
      if (e) setInView(e.isIntersecting);
    }, { rootMargin: margin });
    io.observe(el);
    return () => io.disconnect();
  }, [ref, enabled, margin]);
  useEffect(() => {
    if (!enabled) return;
    const on = (): void => setPageShown(document.visibilityState !== 'hidden');
    document.addEventListener('visibilitychange', on);
    return () => document.removeEventListener('visibilitychange', on);
  }, [enabled]);
  return !enabled || (inView && pageShown);
}
