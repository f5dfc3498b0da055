/**
 * `npm run simulate -- --hub http://127.0.0.1:8787 --code ABC234 --audience 5000 --profile lively`
 * Progress and a live summary on stderr; the final report on stdout (`--json` for machines).
 * Ctrl-C stops the run early and still prints the report.
 */
import { parseArgs } from '../shared/cli-args';
import { PROFILE_NAMES, isProfileName } from './profiles';
import { progressPrinter } from './progress';
import { formatReport } from './report';
import { runSimulation, SimulationError } from './run-simulation';

const spec = {
  hub: { kind: 'list' },
  hubs: { kind: 'string' },
  code: { kind: 'string' },
  audience: { kind: 'number', default: 100 },
  profile: { kind: 'string', default: 'lively' },
  workers: { kind: 'number', default: 2 },
  duration: { kind: 'number' },
  'drop-rate': { kind: 'number', default: 0 },
  seed: { kind: 'number' },
  'no-spread': { kind: 'boolean' },
  json: { kind: 'boolean' },
  help: { kind: 'boolean' },
} as const;

const USAGE = `usage: npm run simulate -- --hub URL [--hub URL2 | --hubs URL1,URL2] --code ABC234
                          [--audience 100] [--profile ${PROFILE_NAMES.join('|')}] [--workers 2]
                          [--duration SECONDS] [--drop-rate PER_ATTENDEE_PER_MIN] [--seed N]
                          [--no-spread] [--json]
Runs until --duration is over (after everyone connected), or until Ctrl-C.
--no-spread: keep the OS's source address (otherwise a loopback hub sees 127.0.0.2..254).
every flag also reads STAGECALL_<FLAG> (STAGECALL_HUB, STAGECALL_CODE, ...)`;

async function main(): Promise<void> {
  const parsed = parseArgs(spec, process.argv.slice(2), process.env);
  if (!parsed.ok) return fail(parsed.error);
  const a = parsed.args;
  if (a.help) {
    console.log(USAGE);
    return;
  }
  const hubs = [...a.hub, ...(a.hubs ?? '').split(',')].map((s) => s.trim()).filter(Boolean);
  if (!a.code) return fail('--code is required');
  if (!isProfileName(a.profile ?? '')) return fail(`--profile must be one of ${PROFILE_NAMES.join(', ')}`);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  const printer = progressPrinter(process.stderr);
  try {
    const report = await runSimulation({
      hubs,
      code: a.code,
      audience: a.audience ?? 100,
      profile: a.profile as (typeof PROFILE_NAMES)[number],
      workers: a.workers ?? 2,
      dropRate: a['drop-rate'] ?? 0,
      spreadSources: !a['no-spread'],
      ...(a.duration !== undefined ? { durationS: a.duration } : {}),
      ...(a.seed !== undefined ? { seed: a.seed } : {}),
      signal: controller.signal,
      onProgress: (p) => printer.show(p),
    });
    printer.end();
    console.log(a.json ? JSON.stringify(report, null, 2) : formatReport(report));
    process.exit(report.joined === 0 ? 1 : 0);
  } catch (err) {
    printer.end();
    if (err instanceof SimulationError) return fail(err.message, err.code === 'invalid_options' ? 2 : 1);
    throw err;
  }
}

function fail(message: string, code = 2): void {
  console.error(`stagecall simulate: ${message}${code === 2 ? `\n${USAGE}` : ''}`);
  process.exit(code);
}

main().catch((err: unknown) => {
  console.error(`stagecall simulate: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
