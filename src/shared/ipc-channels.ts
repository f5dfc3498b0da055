/**
 * The two Electron IPC channels that carry the console contract (console-api.ts): one
 * request channel (ipcRenderer.invoke → ipcMain.handle) and one event channel
 * (webContents.send → ipcRenderer.on). Nothing else crosses IPC.
 */
export const IPC_REQUEST_CHANNEL = 'stagecall:request';
export const IPC_EVENT_CHANNEL = 'stagecall:event';
