/**
 * What the preload exposes as `window.stagecall`: exactly the ConsoleApi (`request`, `on`),
 * built over two IPC channels. The IPC object stays in this closure; the page gets neither
 * it nor Electron's event objects (listeners receive the payload only). Electron-free, so
 * it is tested directly (tests/console/bridge.test.ts).
 */
import type { ConsoleApi, EventName, Events, RequestName, RequestPayload, Responses, Result } from '../shared/console-api';
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL } from '../shared/ipc-channels';

/** The part of ipcRenderer used here. */
export interface PreloadIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createPreloadApi(ipc: PreloadIpc): ConsoleApi {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let attached = false;
  const onEvent = (_event: unknown, name: unknown, payload: unknown): void => {
    if (typeof name !== 'string') return;
    for (const fn of [...(listeners.get(name) ?? [])]) {
      try {
        fn(payload);
      } catch (err) {
        console.error(`[stagecall] ${name} listener failed`, err);
      }
    }
  };
  const count = (): number => [...listeners.values()].reduce((n, s) => n + s.size, 0);

  const api: ConsoleApi = {
    request<N extends RequestName>(name: N, payload: RequestPayload<N>): Promise<Result<Responses[N]>> {
      return ipc.invoke(IPC_REQUEST_CHANNEL, name, payload).then(
        (r) => r as Result<Responses[N]>,
        (err: unknown) => ({ ok: false, error: { code: 'unavailable', message: `the console core did not answer: ${err instanceof Error ? err.message : String(err)}` } }),
      );
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      if (typeof listener !== 'function') return () => undefined;
      const fn = (payload: unknown): void => listener(payload as Events[E]);
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(fn);
      if (!attached) {
        ipc.on(IPC_EVENT_CHANNEL, onEvent);
        attached = true;
      }
      let done = false;
      return () => {
        if (done) return;
        done = true;
        listeners.get(event)?.delete(fn);
        if (attached && count() === 0) {
          ipc.removeListener(IPC_EVENT_CHANNEL, onEvent);
          attached = false;
        }
      };
    },
  };
  return Object.freeze(api);
}
