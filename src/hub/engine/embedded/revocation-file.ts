/**
 * P32 in the embedded engine: revocations kept in `<dataDir>/revocations.json`, replaced
 * atomically (and fsynced) on every revoke, so one survives a restart. Lapsed revocations are
 * dropped at load and at every write: the file holds only those whose tokens could still be live.
 */
import fs from 'node:fs/promises';
import { z } from 'zod';
import { EngineError } from '../engine-error';
import { Revocation, RevocationSet } from '../revocations';
import { writeFileAtomic } from './fs-durable';

const FileShape = z.object({ version: z.literal(1), revocations: z.array(Revocation) });

export class RevocationFile {
  private readonly set = new RevocationSet();
  /** Writes run one after another, each writing everything known by then. */
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string) {}

  static async load(file: string, now: number): Promise<RevocationFile> {
    const store = new RevocationFile(file);
    const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (text !== null) {
      let parsed: z.infer<typeof FileShape>;
      try {
        parsed = FileShape.parse(JSON.parse(text));
      } catch (err) {
        // Refusing to start beats silently forgetting who was revoked.
        throw new EngineError('corrupt_log', `${file} is not a revocation list (${(err as Error).message.slice(0, 200)}); fix or delete it`, { cause: err });
      }
      for (const r of parsed.revocations) store.set.add(r);
      store.set.prune(now);
    }
    return store;
  }

  has(eventId: string, clientId: string, now: number): boolean {
    return this.set.has(eventId, clientId, now);
  }

  /** Resolves once the revocation is on disk. */
  add(r: Revocation, now: number): Promise<void> {
    this.set.add(r);
    this.set.prune(now);
    const write = this.writing.then(() => writeFileAtomic(this.file, `${JSON.stringify({ version: 1, revocations: this.set.list() })}\n`));
    this.writing = write.catch(() => undefined);
    return write;
  }
}
