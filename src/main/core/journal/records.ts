/**
 * The typed records of the console's journal. Each is one line of journal.jsonl; `k` says
 * which kind. Replay is idempotent (a duplicate enqueue or a second settle is ignored), so a
 * compaction racing an append can never make an action appear twice.
 */
import { z } from 'zod';

export const CONSOLE_ID_PATTERN = /^[A-Za-z0-9_-]{1,40}$/; // ids are `<consoleId>:<seq>`, ≤ 64 chars (P12)

const MsgId = z.string().min(1).max(64);

export const Settings = z.looseObject({
  consoleId: z.string().regex(CONSOLE_ID_PATTERN),
  hubUrls: z.array(z.string()),
  token: z.string().optional(),
  eventId: z.string().optional(),
});
/** Extra keys are kept as they are (the console may store more than these). */
export type Settings = z.infer<typeof Settings>;

export const EnqueueRecord = z.object({
  k: z.literal('enqueue'),
  id: MsgId,
  seq: z.number().int().min(1),
  eventId: z.string().min(1),
  name: z.string().min(1).max(64),
  data: z.unknown(),
  queuedAt: z.number(),
});
export const AckedRecord = z.object({
  k: z.literal('acked'),
  id: MsgId,
  serial: z.number().int().min(0),
  dup: z.boolean(),
  applied: z.boolean(),
  reason: z.string().optional(),
});
export const FailedRecord = z.object({ k: z.literal('failed'), id: MsgId, code: z.string(), message: z.string() });
export const SettingsRecord = z.object({ k: z.literal('settings'), v: Settings });
export const LastSerialRecord = z.object({ k: z.literal('lastSerial'), view: z.string(), epoch: z.string(), serial: z.number().int().min(0) });
/** Written by compaction, so the sequence survives even when every old action was dropped. */
export const SeqRecord = z.object({ k: z.literal('seq'), next: z.number().int().min(1) });

export const ConsoleRecord = z.discriminatedUnion('k', [EnqueueRecord, AckedRecord, FailedRecord, SettingsRecord, LastSerialRecord, SeqRecord]);
export type ConsoleRecord = z.infer<typeof ConsoleRecord>;
export type EnqueueRecord = z.infer<typeof EnqueueRecord>;
export type AckedRecord = z.infer<typeof AckedRecord>;
export type FailedRecord = z.infer<typeof FailedRecord>;
export type LastSerialRecord = z.infer<typeof LastSerialRecord>;
