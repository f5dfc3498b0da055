/**
 * The presenter window (DESIGN.md): the same renderer at /present, with the main window's
 * security settings, full screen on the second display when there is one (the projector), and
 * `F` toggling full screen (handled here: the renderer has no fullscreen permission).
 */
import { BrowserWindow, screen, type WebPreferences } from 'electron';
import { isPresenterPath, PRESENTER_PATH } from '../shared/presenter-path';

/** Whether a window.open URL asks for the presenter view of our own UI. */
export function isPresenterUrl(url: string, origin: string): boolean {
  try {
    // Compare scheme and host: Node's URL gives app:// (a non-special scheme) the origin "null".
    const u = new URL(url);
    const o = new URL(origin);
    return u.protocol === o.protocol && u.host === o.host && isPresenterPath(u.pathname);
  } catch {
    return false;
  }
}

export function createPresenterWindow(opts: { origin: string; webPreferences: WebPreferences; onLoad(w: BrowserWindow): void }): BrowserWindow {
  const displays = screen.getAllDisplays();
  const primary = screen.getPrimaryDisplay();
  const target = displays.find((d) => d.id !== primary.id) ?? primary;
  const external = target.id !== primary.id;
  const { x, y, width, height } = target.bounds;
  const w = new BrowserWindow({
    x: external ? x : x + 40,
    y: external ? y : y + 40,
    width: external ? width : Math.min(1440, width - 80),
    height: external ? height : Math.min(900, height - 80),
    fullscreen: external,
    show: false,
    title: 'Stagecall presenter',
    backgroundColor: '#0d1017',
    autoHideMenuBar: true,
    webPreferences: opts.webPreferences,
  });
  w.once('ready-to-show', () => w.show());
  w.webContents.on('did-finish-load', () => opts.onLoad(w));
  w.webContents.on('before-input-event', (e, input) => {
    if (input.type === 'keyDown' && input.key.toLowerCase() === 'f' && !input.control && !input.meta && !input.alt) {
      e.preventDefault();
      w.setFullScreen(!w.isFullScreen());
    }
  });
  void w.loadURL(new URL(PRESENTER_PATH, opts.origin).href);
  return w;
}
