/**
 * Flags with env fallbacks, the same rule for every program: `--port 8787` or
 * STAGECALL_PORT=8787; repeated flags (`--hub a --hub b`) collect into lists, and the env
 * form of a list is comma-separated. Pure: argv and env are passed in.
 */
export type ArgSpec = Record<string, { kind: 'string' | 'number' | 'boolean' | 'list'; env?: string; default?: string | number | boolean | string[] }>;
export type ParsedArgs<S extends ArgSpec> = {
  [K in keyof S]: S[K]['kind'] extends 'number' ? number | undefined : S[K]['kind'] extends 'boolean' ? boolean : S[K]['kind'] extends 'list' ? string[] : string | undefined;
};

export type ArgsResult<S extends ArgSpec> = { ok: true; args: ParsedArgs<S> } | { ok: false; error: string };

const envName = (flag: string): string => `STAGECALL_${flag.replace(/-/g, '_').toUpperCase()}`;

export function parseArgs<S extends ArgSpec>(spec: S, argv: readonly string[], env: Record<string, string | undefined>): ArgsResult<S> {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] ?? '';
    if (!raw.startsWith('--')) return { ok: false, error: `unexpected argument "${raw}"` };
    const [flag, inline] = raw.slice(2).split('=', 2) as [string, string | undefined];
    const def = spec[flag];
    if (!def) return { ok: false, error: `unknown flag --${flag}; known: ${Object.keys(spec).map((k) => `--${k}`).join(', ')}` };
    seen.add(flag);
    if (def.kind === 'boolean') {
      out[flag] = inline === undefined ? true : inline !== 'false';
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) return { ok: false, error: `--${flag} needs a value` };
    if (def.kind === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) return { ok: false, error: `--${flag} must be a number, got "${value}"` };
      out[flag] = n;
    } else if (def.kind === 'list') {
      out[flag] = [...((out[flag] as string[] | undefined) ?? []), value];
    } else out[flag] = value;
  }
  for (const [flag, def] of Object.entries(spec)) {
    if (seen.has(flag)) continue;
    const fromEnv = env[def.env ?? envName(flag)];
    if (fromEnv !== undefined && fromEnv !== '') {
      if (def.kind === 'number') {
        const n = Number(fromEnv);
        if (!Number.isFinite(n)) return { ok: false, error: `${def.env ?? envName(flag)} must be a number` };
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
