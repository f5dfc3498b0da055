/**
 * The presenter view (DESIGN.md): the projector's screen, following the run of show. It shares
 * the console's session and store; everything it shows goes through presenter-model.ts.
 * Keys: F full screen, A follow the show, J join slide, Q Q&A wall, P podium.
 */
import { useEffect, useState } from 'react';
import { useHotkeys } from '../lib/hotkeys';
import { useConsole } from '../store/store';
import { presenterSlide, type PresenterMode } from './presenter-model';
import { JoinSlide, PodiumSlide, PollSlide, QaSlide, QuizSlide } from './presenter-slides';

const MODES: Array<{ mode: PresenterMode; label: string; key: string }> = [
  { mode: 'follow', label: 'Follow the show', key: 'a' },
  { mode: 'join', label: 'Join slide', key: 'j' },
  { mode: 'qa', label: 'Q&A wall', key: 'q' },
  { mode: 'podium', label: 'Podium', key: 'p' },
];

/** Large enough to scan from the back of a hall, never under 200 px. */
function useQrSize(): number {
  const calc = (): number => Math.max(200, Math.round(Math.min(window.innerWidth * 0.32, window.innerHeight * 0.55)));
  const [size, setSize] = useState(calc);
  useEffect(() => {
    const on = (): void => setSize(calc());
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, []);
  return size;
}

function toggleFullScreen(): void {
  // In Electron the main process toggles the window on F (the renderer has no fullscreen permission).
  if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
  else void document.documentElement.requestFullscreen?.().catch(() => undefined);
}

export function PresenterApp() {
  const doc = useConsole((s) => s.view?.doc ?? null);
  const title = useConsole((s) => s.view?.doc.event.title ?? s.session.title ?? 'Stagecall');
  const code = useConsole((s) => s.session.joinCode);
  const url = useConsole((s) => s.session.joinUrl);
  const [mode, setMode] = useState<PresenterMode>(() => {
    const h = window.location.hash.slice(1);
    return MODES.some((m) => m.mode === h) ? (h as PresenterMode) : 'follow';
  });
  const qrSize = useQrSize();
  useEffect(() => {
    document.title = `${title} · Presenter`;
    document.documentElement.classList.add('presenter');
  }, [title]);
  useHotkeys({ f: toggleFullScreen, ...Object.fromEntries(MODES.map((m) => [m.key, () => setMode(m.mode)])) });

  const slide = presenterSlide(doc, mode, { title, code, url });
  return (
    <div className="pv" data-slide={slide.kind}>
      <main className="pv-stage">
        {slide.kind === 'join' && <JoinSlide slide={slide} qrSize={qrSize} />}
        {slide.kind === 'poll' && <PollSlide slide={slide} />}
        {slide.kind === 'quiz' && <QuizSlide slide={slide} />}
        {slide.kind === 'podium' && <PodiumSlide slide={slide} />}
        {slide.kind === 'qa' && <QaSlide slide={slide} />}
      </main>
      {slide.kind !== 'join' && code && (
        <footer className="pv-footer">
          Join with code <strong>{code}</strong>
        </footer>
      )}
      <nav className="pv-controls" aria-label="Presenter controls">
        {MODES.map((m) => (
          <button key={m.mode} type="button" aria-pressed={mode === m.mode} aria-keyshortcuts={m.key} onClick={() => setMode(m.mode)}>
            {m.label}
          </button>
        ))}
        <button type="button" aria-keyshortcuts="f" onClick={toggleFullScreen}>
          Full screen
        </button>
      </nav>
    </div>
  );
}
