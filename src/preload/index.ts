/**
 * The sandboxed preload (bundled to one CommonJS file): exposes the console contract as
 * `window.stagecall` and nothing else. Never the raw ipcRenderer (STYLE.md, Electron security).
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './preload-api';

contextBridge.exposeInMainWorld(
  'stagecall',
  createPreloadApi({
    invoke: (channel, ...args) => ipcRenderer.invoke(channel, ...args),
    on: (channel, listener) => ipcRenderer.on(channel, listener),
    removeListener: (channel, listener) => ipcRenderer.removeListener(channel, listener),
  }),
);
