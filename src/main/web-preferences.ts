/** Electron's security checklist, the same for every window (console and presenter). */
import path from 'node:path';
import type { WebPreferences } from 'electron';

export function secureWebPreferences(preloadDir: string): WebPreferences {
  return {
    preload: path.join(preloadDir, 'index.js'),
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
  };
}
