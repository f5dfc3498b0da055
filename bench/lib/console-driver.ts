/**
 * One console core in its own process for `npm run bench -- console`, loaded from a source tree
 * given on the command line (this tree, or an older commit's checkout), joined to a hub with a
 * host token as a console showing the Live screen (no log screen open). Every event it emits is
 * serialised once, as the web host's bridge does for a renderer. fsync calls are counted here
 * (the process's /proc/<pid>/io counts the bytes and write calls; the bench reads it).
 *
 * argv: <source dir> <hub url> <host token> <data dir> [log]; with `log` the console shows the
 * Connection screen's live log too (it holds a log watch, renewed as a renderer does). Prints `CONSOLE READY` once the staff
 * view has arrived; on stdin, `start` zeroes the counters and `stop` prints them as one JSON line.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

const [srcDir, hubUrl, token, dataDir, screen] = process.argv.slice(2) as [string, string, string, string, string | undefined];

let fsyncs = 0;
const count = <F extends (...a: never[]) => unknown>(f: F): F => ((...a: Parameters<F>) => (fsyncs++, f(...a))) as F;
fs.fsync = count(fs.fsync);
fs.fsyncSync = count(fs.fsyncSync);
fs.fdatasync = count(fs.fdatasync);
fs.fdatasyncSync = count(fs.fdatasyncSync);

interface Core {
  start(): Promise<unknown>;
  request(name: string, payload: unknown): Promise<{ ok: boolean; error?: { message: string } }>;
  on(event: string, fn: (payload: unknown) => void): () => void;
  close(): Promise<void>;
}

async function main(): Promise<void> {
  // FileHandle.sync/datasync (the journal's group commit) live on the handle's prototype.
  const probe = await fs.promises.open(process.execPath, 'r');
  const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void>; datasync: () => Promise<void> };
  await probe.close();
  const sync = proto.sync;
  const datasync = proto.datasync;
  proto.sync = function (this: unknown) {
    fsyncs++;
    return sync.call(this);
  };
  proto.datasync = function (this: unknown) {
    fsyncs++;
    return datasync.call(this);
  };

  const { ConsoleCore } = (await import(path.join(srcDir, 'src/main/core/console-core.ts'))) as { ConsoleCore: new (o: { userDataDir: string; shell: 'web'; version: string }) => Core };
  const { EVENT_NAMES } = (await import(path.join(srcDir, 'src/shared/console-api.ts'))) as { EVENT_NAMES: string[] };
  const core = new ConsoleCore({ userDataDir: dataDir, shell: 'web', version: 'bench' });
  const events: Record<string, number> = {};
  let bridgeBytes = 0;
  let ready = false;
  for (const name of EVENT_NAMES)
    core.on(name, (payload) => {
      events[name] = (events[name] ?? 0) + 1;
      bridgeBytes += JSON.stringify({ event: name, payload }).length; // what the web host writes to a renderer
      if (name === 'sync' && !ready) {
        ready = true;
        console.log('CONSOLE READY');
      }
    });
  await core.start();
  const r = await core.request('session/joinRemote', { hubUrls: [hubUrl], token });
  if (!r.ok) throw new Error(`joinRemote: ${r.error?.message ?? 'refused'}`);
  if (screen === 'log') {
    const watch = (): void => void core.request('log/watch', { watcher: 'bench', on: true });
    watch();
    setInterval(watch, 20_000).unref();
  }

  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    if (line === 'start') {
      fsyncs = 0;
      bridgeBytes = 0;
      for (const k of Object.keys(events)) events[k] = 0;
      console.log('STARTED');
    } else if (line === 'stop') {
      console.log(`COUNTS ${JSON.stringify({ fsyncs, bridgeBytes, events })}`);
    } else if (line === 'exit') {
      void core.close().then(() => process.exit(0));
    }
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
