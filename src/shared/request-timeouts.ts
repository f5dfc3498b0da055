/**
 * Console requests that legitimately take longer than a bridge's usual answer time, and how long
 * a bridge waits for them. The post-event report reads the whole log (about 12,000 entries a
 * second here): its progress events show it is alive meanwhile. Zod-free, for the renderer.
 */
import type { RequestName } from './console-api';

export const LONG_REQUEST_MS: Readonly<Partial<Record<RequestName, number>>> = { 'report/build': 30 * 60_000 };
