/**
 * Light/dark following the system (prefers-color-scheme) or the operator's choice. The resolved
 * theme always lands on <html data-theme>, so the stylesheet states each palette once.
 */
import { setResolvedTheme } from '../store/ui-actions';
import { useConsole } from '../store/store';
import type { ThemeChoice } from '../store/slices/ui-slice';

export function startTheme(): () => void {
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const apply = (choice: ThemeChoice): void => {
    const resolved = choice === 'system' ? (media.matches ? 'dark' : 'light') : choice;
    const root = document.documentElement;
    root.dataset.theme = resolved;
    root.style.colorScheme = resolved;
    if (useConsole.getState().resolvedTheme !== resolved) setResolvedTheme(resolved);
  };
  apply(useConsole.getState().theme);
  const onMedia = (): void => apply(useConsole.getState().theme);
  media.addEventListener('change', onMedia);
  const unsub = useConsole.subscribe((s, prev) => {
    if (s.theme !== prev.theme) apply(s.theme);
  });
  return () => {
    media.removeEventListener('change', onMedia);
    unsub();
  };
}
