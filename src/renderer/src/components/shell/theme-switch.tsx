/** System / light / dark: follows the system unless overridden. */
import { useConsole } from '../../store/store';
import { setTheme } from '../../store/ui-actions';
import type { ThemeChoice } from '../../store/slices/ui-slice';

const CHOICES: Array<{ value: ThemeChoice; label: string }> = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export function ThemeSwitch() {
  const theme = useConsole((s) => s.theme);
  return (
    <label className="theme-switch">
      <span className="sr-only">Theme</span>
      <select value={theme} onChange={(e) => setTheme(e.target.value as ThemeChoice)} aria-label="Theme">
        {CHOICES.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label} theme
          </option>
        ))}
      </select>
    </label>
  );
}
