/**
 * A phone as P27 sees it: the shared client with `reportApplied` (the `at` frames the audience
 * app sends) on the audience view, over real `ws` sockets the test can freeze: a frozen phone's
 * socket is not read, so it applies and reports nothing new until thawed.
 */
import WebSocket from 'ws';
import { createClient, type StagecallClient, type WebSocketConstructor } from '../../src/shared/client';

export interface ReportingPhone {
  client: StagecallClient;
  /** The serial of the audience state it shows (0 before the first sync). */
  serial(): number;
  freeze(): void;
  thaw(): void;
}

export function reportingPhone(hubUrl: string, token: string): ReportingPhone {
  const sockets: WebSocket[] = [];
  const Recording: WebSocketConstructor = class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      sockets.push(this);
    }
  };
  // A frozen phone runs no timers either: its own dead-socket check must not reconnect it mid-test.
  const client = createClient({ urls: [hubUrl], token, WebSocket: Recording, reportApplied: true, deadAfterMs: 120_000, client: { name: 'reporting-phone', version: '1' } });
  let serial = 0;
  client.view('audience', (_doc, meta) => (serial = meta.serial));
  const socket = (): WebSocket => {
    const ws = sockets.at(-1);
    if (ws?.readyState !== WebSocket.OPEN) throw new Error('the phone has no open socket to freeze');
    return ws;
  };
  return { client, serial: () => serial, freeze: () => socket().pause(), thaw: () => socket().resume() };
}
