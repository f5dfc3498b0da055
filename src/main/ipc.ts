/**
 * The only file that touches ipcMain. One handler, `stagecall:request`: the sender must be
 * our own UI's main frame, the request is validated against the contract before the core
 * sees it (bridge-dispatch.ts), and the answer is a Result. Core events go to the window
 * on one channel, `stagecall:event`, as (name, payload).
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { EVENT_NAMES, type Result } from '../shared/console-api';
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL } from '../shared/ipc-channels';
import { dispatchRequest, type BridgeCore } from './bridge-dispatch';

export interface IpcOptions {
  /** Is this frame URL our UI? (trusted-sender.ts) */
  isTrusted: (url: string | undefined) => boolean;
  /** Where events go (the console window, while it exists). */
  targets: () => WebContents[];
  onRefused?: (url: string | undefined) => void;
}

/**
 * Events only report changes: a page that just (re)loaded is sent the current state, as
 * the web host does for a new bridge socket. Call on `did-finish-load`.
 */
export function sendInitialEvents(core: BridgeCore, wc: WebContents): void {
  if (wc.isDestroyed()) return;
  for (const e of core.initialEvents?.() ?? []) wc.send(IPC_EVENT_CHANNEL, e.event, e.payload);
}

export function registerIpc(core: BridgeCore, opts: IpcOptions): () => void {
  ipcMain.handle(IPC_REQUEST_CHANNEL, (event: IpcMainInvokeEvent, name: unknown, payload: unknown): Promise<Result<unknown>> => {
    const frame = event.senderFrame;
    if (!frame || frame !== event.sender.mainFrame || !opts.isTrusted(frame.url)) {
      opts.onRefused?.(frame?.url);
      return Promise.resolve({ ok: false, error: { code: 'forbidden', message: 'requests are accepted from the console window only' } });
    }
    return dispatchRequest(core, name, payload);
  });
  const offs = EVENT_NAMES.map((e) =>
    core.on(e, (payload: unknown) => {
      for (const wc of opts.targets()) if (!wc.isDestroyed()) wc.send(IPC_EVENT_CHANNEL, e, payload);
    }),
  );
  return () => {
    ipcMain.removeHandler(IPC_REQUEST_CHANNEL);
    for (const off of offs) off();
  };
}
