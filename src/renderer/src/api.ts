/**
 * The renderer's only way to the console core (DESIGN.md, Build): the preload's
 * `window.stagecall` inside Electron, otherwise the web host's bridge. Created on first use,
 * so importing this module opens nothing.
 */
import type { ConsoleApi, EventName, Events, RequestName, RequestPayload, Responses, Result } from '../../shared/console-api';
import { createWebBridge } from './bridge/web-bridge';

declare global {
  interface Window {
    /** Set by the Electron preload (src/preload/index.ts). */
    readonly stagecall?: ConsoleApi;
  }
}

let instance: ConsoleApi | null = null;

export function getApi(): ConsoleApi {
  instance ??= window.stagecall ?? createWebBridge();
  return instance;
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
