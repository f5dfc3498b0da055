/** Light/dark following the system (prefers-color-scheme), with a manual override on <html data-theme>. */
import { setResolvedTheme } from '../store/ui-actions';
import { useConsole } from '../store/store';
import type { ThemeChoice } from '../store/slices/ui-slice';

export function startTheme(): () => void {
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const apply = (choice: ThemeChoice): void => {
    const resolved = choice === 'system' ? (media.matches ? 'dark' : 'light') : choice;
    const root = document.documentElement;
    if (choice === 'system') delete root.dataset.theme;
    else root.dataset.theme = choice;
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
