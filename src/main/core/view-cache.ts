/**
 * The last staff view the console held, in `<userData>/staff-view.json`, so a restarted
 * console shows the event at once (even offline) and resumes by patch from that serial
 * (P18) instead of a full snapshot. A hint: a missing, torn or foreign file is ignored and
 * costs one snapshot. Written with rename-over (retried on Windows), never fsynced.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { renameWithRetry } from './journal/durable-fs';

export const VIEW_CACHE_FILE = 'staff-view.json';

const Cached = z.object({ eventId: z.string(), epoch: z.string(), serial: z.number().int().min(0), doc: z.unknown() });
export type CachedView = z.infer<typeof Cached>;

export function loadCachedView(userDataDir: string, eventId: string): CachedView | null {
  try {
    const parsed = Cached.safeParse(JSON.parse(fs.readFileSync(path.join(userDataDir, VIEW_CACHE_FILE), 'utf8')));
    return parsed.success && parsed.data.eventId === eventId && parsed.data.doc !== undefined ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function saveCachedView(userDataDir: string, view: CachedView): Promise<void> {
  await replaceFile(path.join(userDataDir, VIEW_CACHE_FILE), JSON.stringify(view));
}

/** Writes a hint file whole or not at all: a temporary file renamed over it (never fsynced). */
export async function replaceFile(file: string, content: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await fsp.writeFile(tmp, content);
  try {
    await renameWithRetry(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

export async function removeCachedView(userDataDir: string): Promise<void> {
  await fsp.rm(path.join(userDataDir, VIEW_CACHE_FILE), { force: true });
}
