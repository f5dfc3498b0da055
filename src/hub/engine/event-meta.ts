/** Stored event metadata, read back by either engine: anything else is a corrupt store. */
import type { EventMeta } from './engine';
import { EngineError } from './engine-error';

export function parseEventMeta(text: string, where: string): EventMeta {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    m = null;
  }
  const o = (typeof m === 'object' && m !== null ? m : {}) as Partial<Record<keyof EventMeta, unknown>>;
  if (typeof o.eventId !== 'string' || typeof o.title !== 'string' || typeof o.joinCode !== 'string' || typeof o.createdAt !== 'number') {
    throw new EngineError('corrupt_log', `${where}: not event metadata`);
  }
  return { eventId: o.eventId, title: o.title, joinCode: o.joinCode, createdAt: o.createdAt };
}
