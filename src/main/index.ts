/**
 * The Electron main process: thin. One window with Electron's security checklist applied
 * (contextIsolation, sandbox, no Node, CSP, navigation and new windows blocked, permissions
 * denied, IPC senders checked), the UI served from app://stagecall, and the ConsoleCore
 * wired to it through ipc.ts. Quitting waits for the core to flush the journal.
 *
 * Flags: `--local` starts a local event when the console has no session to resume.
 * STAGECALL_DATA overrides the userData folder (tests, several consoles on one machine).
 */
import fs from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, protocol, safeStorage, session, shell } from 'electron';
import log from 'electron-log/main';
import { autoUpdater } from 'electron-updater';
import { ConsoleCore } from './core/console-core';
import { systemSecretCodec } from './core/secret-codec';
import { registerIpc, sendInitialEvents } from './ipc';
import { createPresenterWindow, isPresenterUrl } from './presenter-window';
import { rendererCsp } from './renderer-csp';
import { secureWebPreferences } from './web-preferences';
import { contentTypeOf, resolveRendererFile } from './renderer-files';
import { APP_HOST, APP_INDEX_URL, APP_SCHEME, isSafeExternalUrl, isTrustedRendererUrl } from './trusted-sender';

const RENDERER_DIR = path.join(__dirname, '..', 'renderer');
const AUDIENCE_DIR = path.join(__dirname, '..', 'audience');
/** electron-vite's dev server, in development only: never trusted in a packaged app. */
const DEV_URL = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const CSP = DEV_URL
  ? rendererCsp({ connectSrc: [new URL(DEV_URL).origin.replace(/^http/, 'ws')], devInlineScripts: true })
  : rendererCsp();

log.initialize();
log.errorHandler.startCatching();
if (process.env.STAGECALL_DATA) app.setPath('userData', path.resolve(process.env.STAGECALL_DATA));

// Before `ready`: app:// behaves like https (secure context, fetch, relative URLs).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let win: BrowserWindow | null = null;
let presenter: BrowserWindow | null = null;
let core: ConsoleCore | null = null;

if (!app.requestSingleInstanceLock()) {
  // Another console owns this userData (and its journal lock): hand over to it.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (e) => e.preventDefault());
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // The console's "Presenter view" link: our own managed window, never a renderer-made one.
      if (isPresenterUrl(url, DEV_URL ?? APP_INDEX_URL)) openPresenter();
      else if (isSafeExternalUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
  app.on('window-all-closed', () => app.quit());
  let flushed = false;
  let quitting = false;
  app.on('before-quit', (e) => {
    if (flushed || !core) return;
    e.preventDefault();
    if (quitting) return;
    quitting = true;
    core
      .close()
      .catch((err: unknown) => log.error('closing the console core failed', err))
      .finally(() => {
        flushed = true;
        app.quit();
      });
  });
  app
    .whenReady()
    .then(main)
    .catch((err: unknown) => {
      log.error('startup failed', err);
      dialog.showErrorBox('Stagecall could not start', err instanceof Error ? err.message : String(err));
      app.exit(1);
    });
}

async function main(): Promise<void> {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === APP_HOST ? resolveRendererFile(RENDERER_DIR, url.pathname) : null;
    if (!file) return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain' } });
    const body = await fs.promises.readFile(file);
    return new Response(body, { headers: { 'content-type': contentTypeOf(file), 'content-security-policy': CSP, 'x-content-type-options': 'nosniff' } });
  });

  // Token and admin key at rest: sealed by the OS key store (Keychain, DPAPI, libsecret) when it is there.
  const secrets = systemSecretCodec(safeStorage, (message) => log.warn(message));
  const c = new ConsoleCore({ userDataDir: app.getPath('userData'), shell: 'electron', version: app.getVersion(), audienceDir: AUDIENCE_DIR, secrets });
  core = c;
  const started = await c.start();
  if (!started.ok) {
    dialog.showErrorBox('Stagecall could not open its data', started.error.message);
    app.exit(1);
    return;
  }
  registerIpc(c, {
    isTrusted: (url) => isTrustedRendererUrl(url, DEV_URL),
    targets: () => [win, presenter].flatMap((w) => (w && !w.isDestroyed() ? [w.webContents] : [])),
    onRefused: (url) => log.warn('refused an IPC request from', url),
  });
  // Only without a session to resume: never walk away from an event whose actions may be pending.
  if (process.argv.includes('--local') && started.value.mode === 'none') {
    const r = await c.request('session/startLocal', { title: 'Rehearsal', lan: !process.argv.includes('--local-only') });
    if (!r.ok) log.error('could not start the local event', r.error);
  }
  win = createWindow();
  if (app.isPackaged) {
    autoUpdater.logger = log;
    autoUpdater.checkForUpdatesAndNotify().catch((err: unknown) => log.warn('update check failed', err));
  }
}

function openPresenter(): void {
  if (presenter && !presenter.isDestroyed()) {
    presenter.focus();
    return;
  }
  presenter = createPresenterWindow({
    origin: DEV_URL ?? APP_INDEX_URL,
    webPreferences: secureWebPreferences(PRELOAD_DIR),
    onLoad: (w) => core && sendInitialEvents(core, w.webContents),
  });
  presenter.on('closed', () => {
    presenter = null;
  });
}

const PRELOAD_DIR = path.join(__dirname, '..', 'preload');

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 680,
    show: false,
    title: 'Stagecall',
    webPreferences: secureWebPreferences(PRELOAD_DIR),
  });
  w.once('ready-to-show', () => w.show());
  w.webContents.on('did-finish-load', () => core && sendInitialEvents(core, w.webContents));
  w.on('closed', () => {
    if (win === w) win = null;
  });
  void w.loadURL(DEV_URL ?? APP_INDEX_URL);
  return w;
}
