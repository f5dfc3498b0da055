/**
 * Flags with env fallbacks, the same rule for every program: `--port 8787` or
 * STAGECALL_PORT=8787; repeated flags (`--hub a --hub b`) collect into lists, and the env
 * form of a list is comma-separated. The flag syntax is node:util's parseArgs (so
 * `--hub=http://h/?a=b` keeps everything after the first `=`); this module adds only the
 * environment layer, numbers and one clear message per mistake. Pure: argv and env are passed in.
 */
import { parseArgs as parseFlags, type ParseArgsConfig } from 'node:util';

export type ArgSpec = Record<string, { kind: 'string' | 'number' | 'boolean' | 'list'; env?: string; default?: string | number | boolean | string[] }>;
export type ParsedArgs<S extends ArgSpec> = {
  [K in keyof S]: S[K]['kind'] extends 'number' ? number | undefined : S[K]['kind'] extends 'boolean' ? boolean : S[K]['kind'] extends 'list' ? string[] : string | undefined;
};

export type ArgsResult<S extends ArgSpec> = { ok: true; args: ParsedArgs<S> } | { ok: false; error: string };

const envName = (flag: string): string => `STAGECALL_${flag.replace(/-/g, '_').toUpperCase()}`;

/** node:util's errors name the option as `'--x'`; ours name the flag and what is known. */
function explain(err: unknown, spec: ArgSpec): string {
  const e = err as { code?: string; message?: string };
  const msg = e.message ?? String(err);
  const flag = /'(-{1,2}[^'\s]+)/.exec(msg)?.[1]?.replace(/^-+/, '') ?? '';
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag --${flag}; known: ${Object.keys(spec).map((k) => `--${k}`).join(', ')}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument "${/'([^']*)'/.exec(msg)?.[1] ?? ''}"`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return spec[flag]?.kind === 'boolean' ? `--${flag} takes no value` : `--${flag} needs a value`;
    default:
      return msg;
  }
}

function toNumber(value: string): number | undefined {
  const n = value.trim() === '' ? Number.NaN : Number(value);
  return Number.isFinite(n) ? n : undefined;
}

export function parseArgs<S extends ArgSpec>(spec: S, argv: readonly string[], env: Record<string, string | undefined>): ArgsResult<S> {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [flag, def] of Object.entries(spec)) {
    options[flag] = def.kind === 'boolean' ? { type: 'boolean' } : { type: 'string', multiple: def.kind === 'list' };
  }
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    values = parseFlags({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    return { ok: false, error: explain(err, spec) };
  }
  const out: Record<string, unknown> = {};
  for (const [flag, def] of Object.entries(spec)) {
    const given = values[flag];
    const name = def.env ?? envName(flag);
    const fromEnv = env[name];
    if (given !== undefined) {
      if (def.kind === 'number') {
        const n = toNumber(String(given));
        if (n === undefined) return { ok: false, error: `--${flag} must be a number, got "${String(given)}"` };
        out[flag] = n;
      } else out[flag] = given;
    } else if (fromEnv !== undefined && fromEnv !== '') {
      if (def.kind === 'number') {
        const n = toNumber(fromEnv);
        if (n === undefined) return { ok: false, error: `${name} must be a number` };
        out[flag] = n;
      } else if (def.kind === 'boolean') out[flag] = fromEnv !== '0' && fromEnv !== 'false';
      else if (def.kind === 'list') out[flag] = fromEnv.split(',').map((s) => s.trim()).filter(Boolean);
      else out[flag] = fromEnv;
    } else if (def.default !== undefined) out[flag] = def.default;
    else if (def.kind === 'boolean') out[flag] = false;
    else if (def.kind === 'list') out[flag] = [];
  }
  return { ok: true, args: out as ParsedArgs<S> };
}
