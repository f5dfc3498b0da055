/**
 * The one gate every request from a renderer passes, in Electron (ipc.ts) and in the web
 * host alike: validated against the contract (`parseRequest`) before anything reaches the
 * core. A request outside the contract or with a bad payload is answered with an error
 * value and never touches the core. Never throws.
 */
import { parseRequest, type ConsoleApi, type RequestName, type RequestPayload, type Result } from '../shared/console-api';
import type { CoreEvent } from './core/console-core';

/** A core that takes a request this gate already parsed, so no payload is parsed twice (ConsoleCore). */
export interface ParsedHandler {
  handleParsed(name: RequestName, payload: unknown): Promise<Result<unknown>>;
}

/** What a bridge needs of the core (ConsoleCore satisfies it): the API, and the state to greet a renderer with. */
export type BridgeCore = ConsoleApi & { initialEvents?: () => CoreEvent[]; handleParsed?: ParsedHandler['handleParsed'] };

export async function dispatchRequest(core: Pick<ConsoleApi, 'request'> & Partial<ParsedHandler>, name: unknown, payload: unknown): Promise<Result<unknown>> {
  const parsed = parseRequest(name, payload);
  if (!parsed.ok) return parsed;
  try {
    if (core.handleParsed) return await core.handleParsed(parsed.name, parsed.payload);
    return await core.request(parsed.name, parsed.payload as RequestPayload<RequestName>);
  } catch (err) {
    return { ok: false, error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } };
  }
}
