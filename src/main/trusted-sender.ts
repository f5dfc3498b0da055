/**
 * Who may talk to the core over IPC, and which links may leave the app (Electron's security
 * checklist): only our own UI, served from app://stagecall (or, in development only, the
 * electron-vite dev server); and only well-formed https URLs open in the system browser.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'stagecall';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

export function isTrustedRendererUrl(url: string | undefined | null, devServerUrl?: string): boolean {
  if (!url) return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST) return true;
  if (!devServerUrl) return false;
  try {
    return u.origin === new URL(devServerUrl).origin;
  } catch {
    return false;
  }
}

export function isSafeExternalUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.hostname.length > 0 && !u.username && !u.password;
  } catch {
    return false;
  }
}
