/**
 * The log-watch lease (console-api.ts `log/watch`), zod-free so the renderer imports it without
 * bundling zod: how often a renderer renews its watch, and when the core lets an unrenewed one lapse.
 */
export const LOG_WATCH_RENEW_MS = 20_000;
export const LOG_WATCH_TTL_MS = 60_000;
