/** The console's frame: top bar, offline banner, left nav, the current screen. */
import { useLayoutEffect, useRef } from 'react';
import { useConsole } from '../../store/store';
import { navigate, toggleHelp } from '../../store/ui-actions';
import { useHotkeys } from '../../lib/hotkeys';
import { lazy, Suspense } from 'react';
import { CoreGoneBanner } from './core-gone-banner';
import { HelpDialog } from './help-dialog';
import { Nav, SCREENS } from './nav';
import { NoEvent } from './no-event';
import { Notices } from './notices';
import { OfflineBanner } from './offline-banner';
import { TopBar } from './top-bar';

// One chunk per screen: the console loads the frame and the screen it shows, the rest on first visit.
const RunScreen = lazy(() => import('../run/run-screen').then((m) => ({ default: m.RunScreen })));
const QaScreen = lazy(() => import('../qa/qa-screen').then((m) => ({ default: m.QaScreen })));
const LiveScreen = lazy(() => import('../live/live-screen').then((m) => ({ default: m.LiveScreen })));
const ConnectionScreen = lazy(() => import('../connection/connection-screen').then((m) => ({ default: m.ConnectionScreen })));
const ChatScreen = lazy(() => import('../chat/chat-screen').then((m) => ({ default: m.ChatScreen })));
const OverlaysScreen = lazy(() => import('../overlays/overlays-screen').then((m) => ({ default: m.OverlaysScreen })));
const SettingsScreen = lazy(() => import('../settings/settings-screen').then((m) => ({ default: m.SettingsScreen })));
const SetupScreen = lazy(() => import('../setup/setup-screen').then((m) => ({ default: m.SetupScreen })));

/** Where each screen was scrolled to, so switching back lands there and a new screen starts at its top (issue 14.7). */
const scrollBy = new Map<string, number>();

export function App() {
  const screen = useConsole((s) => s.screen);
  const mainRef = useRef<HTMLElement>(null);
  useLayoutEffect(() => {
    const el = mainRef.current;
    if (!el) return;
    el.scrollTop = scrollBy.get(screen) ?? 0;
    const save = (): void => void scrollBy.set(screen, el.scrollTop);
    el.addEventListener('scroll', save, { passive: true });
    return () => el.removeEventListener('scroll', save);
  }, [screen]);
  const loaded = useConsole((s) => s.sessionLoaded);
  useHotkeys({
    ...Object.fromEntries(SCREENS.map((s) => [s.key, () => navigate(s.id)])),
    '?': () => toggleHelp(),
  });
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <TopBar />
      <CoreGoneBanner />
      <OfflineBanner />
      <div className="app-body">
        <Nav />
        <main id="main" className="screen" tabIndex={-1} aria-busy={!loaded} ref={mainRef}>
          {!loaded ? (
            <p className="empty">Connecting to the console core…</p>
          ) : (
            <Suspense fallback={<p className="empty">Loading…</p>}>
              <Screen screen={screen} />
            </Suspense>
          )}
        </main>
      </div>
      <Notices />
      <HelpDialog />
    </div>
  );
}

function Screen({ screen }: { screen: string }) {
  const noEvent = useConsole((s) => s.session.mode === 'none');
  switch (screen) {
    case 'run':
      return noEvent ? <NoEvent title="Run of show" /> : <RunScreen />;
    case 'qa':
      return noEvent ? <NoEvent title="Q&A moderation" /> : <QaScreen />;
    case 'live':
      return noEvent ? <NoEvent title="Live" /> : <LiveScreen />;
    case 'chat':
      return noEvent ? <NoEvent title="Chat" /> : <ChatScreen />;
    case 'overlays':
      return noEvent ? <NoEvent title="Overlays" /> : <OverlaysScreen />;
    case 'settings':
      return noEvent ? <NoEvent title="Event settings" /> : <SettingsScreen />;
    case 'connection':
      return <ConnectionScreen />;
    default:
      return <SetupScreen />;
  }
}
