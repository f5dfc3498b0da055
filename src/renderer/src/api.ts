/**
 * The renderer's only way to the console core (DESIGN.md, Build): the preload's
 * `window.stagecall` inside Electron, otherwise the web host's bridge. Created on first use,
 * so importing this module opens nothing.
 */
import type { ConsoleApi, EventName, Events, RequestName, RequestPayload, Responses, Result } from '../../shared/console-api';
import { createWebBridge, type WebBridge } from './bridge/web-bridge';

declare global {
  interface Window {
    /** Set by the Electron preload (src/preload/index.ts). */
    readonly stagecall?: ConsoleApi;
  }
}

let instance: ConsoleApi | null = null;
let bridge: WebBridge | null = null;

export function getApi(): ConsoleApi {
  if (!instance) {
    if (window.stagecall) instance = window.stagecall;
    else instance = bridge = createWebBridge();
  }
  return instance;
}

/**
 * Follows the connection to the console core: in a browser tab that is the web host's socket,
 * which can go away for good (the host stopped, or restarted on another port with a new
 * session); inside Electron the core is always there.
 */
export function watchCore(cb: (up: boolean) => void): () => void {
  getApi();
  return bridge ? bridge.onConnection(cb) : () => undefined;
}

/** Which shell carries the API: useful for a "running in the browser" hint. */
export const bridgeKind = (): 'electron' | 'web' => (window.stagecall ? 'electron' : 'web');

export const api: ConsoleApi = {
  request<N extends RequestName>(name: N, payload: RequestPayload<N>): Promise<Result<Responses[N]>> {
    return getApi().request(name, payload);
  },
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    return getApi().on(event, listener);
  },
};
