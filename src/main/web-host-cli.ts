/**
 * `npm run console:web -- [--port N] [--local [--local-only] | --hub URL ...] [--admin-key K]
 * [--token T] [--data DIR] [--title T]`; every flag also reads STAGECALL_<FLAG>.
 * Prints `Hub ready: <url>` (local events) and `Console ready: <url with one-time token>`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from '../shared/cli-args';
import type { Result, SessionInfo } from '../shared/console-api';
import { isLoopbackUrl, LOOPBACK_WARNING } from '../shared/join-url';
import { ConsoleCore } from './core/console-core';
import { defaultDataDir } from './default-data-dir';
import { resumePlan } from './resume-plan';
import { startWebHost } from './web-host';

const spec = {
  port: { kind: 'number', default: 0 },
  local: { kind: 'boolean' },
  lan: { kind: 'boolean' },
  'local-only': { kind: 'boolean' },
  hub: { kind: 'list' },
  'admin-key': { kind: 'string' },
  token: { kind: 'string' },
  data: { kind: 'string' },
  title: { kind: 'string', default: 'Rehearsal' },
  name: { kind: 'string', default: 'Host' },
  'new-event': { kind: 'boolean' },
  help: { kind: 'boolean' },
} as const;

const USAGE = `usage: npm run console:web -- [--port N] [--local [--local-only] | --hub URL [--hub URL2 ...]]
                              [--admin-key KEY] [--token TOKEN] [--data DIR] [--title TITLE] [--name NAME]
  --local           run an embedded hub in this process and a local event on it, reachable by phones
                    on the same network (the join link and QR use this computer's network address)
  --local-only      keep the embedded hub on loopback (127.0.0.1): only this computer can join
  --hub + --admin-key  create an event on that hub;  --hub + --token  join an event with a staff token
  the same command again resumes the data folder's event (online or offline, with its outbox);
  --new-event       start another event instead (the old one's unsent actions stay in the outbox)
every flag also reads STAGECALL_<FLAG> (STAGECALL_PORT, STAGECALL_HUB=url1,url2, STAGECALL_TOKEN, ...)`;

const version = (): string => {
  try {
    return (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
};

function die(message: string, code = 2): never {
  console.error(`stagecall console: ${message}`);
  process.exit(code);
}

async function main(): Promise<void> {
  const parsed = parseArgs(spec, process.argv.slice(2), process.env);
  if (!parsed.ok) die(`${parsed.error}\n${USAGE}`);
  const a = parsed.args;
  if (a.help) {
    console.log(USAGE);
    return;
  }
  if (a.local && a.hub.length) die('--local and --hub exclude each other');
  if (a['local-only'] && a.lan) die('--local-only and --lan exclude each other');
  if ((a['admin-key'] || a.token) && !a.hub.length) die('--admin-key and --token need --hub URL');
  if (a['admin-key'] && a.token) die('give either --admin-key (create an event) or --token (join one), not both');

  const userDataDir = path.resolve(a.data ?? defaultDataDir());
  const core = new ConsoleCore({ userDataDir, shell: 'web', version: version() });
  const started = await core.start();
  if (!started.ok) die(`${started.error.message} (data folder ${userDataDir}; pass --data DIR to use another)`, 1);

  let session: Result<SessionInfo> = started;
  const resumed = started.value;
  const plan = resumePlan(resumed, { local: a.local ?? false, hubs: a.hub, token: a.token ?? null, newEvent: a['new-event'] ?? false });
  if (plan.kind === 'refuse') {
    await core.close();
    die(plan.message, 1);
  }
  if (plan.kind === 'resume') {
    // A restarted console resumes its event (and its outbox) instead of starting another, even with the hub down.
    console.log(`Resuming the ${resumed.mode} event "${resumed.title ?? resumed.eventId}"${resumed.joinCode ? ` (code ${resumed.joinCode})` : ''}; pass --new-event to start another.`);
    if (plan.hubUrls) session = await core.request('session/setHubUrls', { hubUrls: plan.hubUrls });
  } else if (a.local) {
    session = await core.request('session/startLocal', { title: a.title ?? 'Rehearsal', lan: !a['local-only'] });
  } else if (a['admin-key']) {
    session = await core.request('session/createRemote', { hubUrls: a.hub, adminKey: a['admin-key'], title: a.title ?? 'Rehearsal', name: a.name ?? 'Host' });
  } else if (a.token) {
    session = await core.request('session/joinRemote', { hubUrls: a.hub, token: a.token });
  } else if (a.hub.length && resumed.mode !== 'local') {
    session = await core.request('session/setHubUrls', { hubUrls: a.hub });
  }
  if (!session.ok) {
    await core.close();
    die(`${session.error.code}: ${session.error.message}`, 1);
  }

  const host = await startWebHost({ core, port: a.port });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void host
      .close()
      .then(() => core.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          console.error('stagecall console: shutdown failed', err);
          process.exit(1);
        },
      );
  };
  // Handlers before the ready lines: a SIGTERM right after them must still flush the journal.
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const s = session.value;
  if (s.mode === 'local' && s.hubUrls[0]) console.log(`Hub ready: ${s.hubUrls[0]}`);
  if (s.joinUrl) console.log(`Audience joins at: ${s.joinUrl} (code ${s.joinCode})`);
  if (s.joinUrl && isLoopbackUrl(s.joinUrl)) console.log(`Warning: ${LOOPBACK_WARNING}`);
  console.log(`Console ready: ${host.sessionUrl}`);
}

main().catch((err: unknown) => die(`failed to start: ${err instanceof Error ? err.message : String(err)}`, 1));
