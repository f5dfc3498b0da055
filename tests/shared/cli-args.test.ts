/** Every program's flag parser: node:util's syntax plus the STAGECALL_* environment layer. */
import { describe, expect, it } from 'vitest';
import { parseArgs, type ArgSpec } from '../../src/shared/cli-args';

const spec = {
  hub: { kind: 'list' },
  port: { kind: 'number', default: 8787 },
  lan: { kind: 'boolean' },
  data: { kind: 'string', env: 'STAGECALL_DATA_DIR' },
} satisfies ArgSpec;

const parse = (argv: string[], env: Record<string, string> = {}) => parseArgs(spec, argv, env);

describe('cli-args', () => {
  it('keeps everything after the first = in a value (a URL with a query string)', () => {
    const r = parse(['--hub=http://h/?a=b&c=d', '--hub', 'ws://x:1/?t=1=2']);
    expect(r).toEqual({ ok: true, args: { hub: ['http://h/?a=b&c=d', 'ws://x:1/?t=1=2'], port: 8787, lan: false, data: undefined } });
  });

  it('flags win over the environment, the environment over defaults; env lists are comma-separated', () => {
    expect(parse([], { STAGECALL_PORT: '9000', STAGECALL_HUB: 'a, b,,c', STAGECALL_LAN: '1', STAGECALL_DATA_DIR: '/d' })).toEqual({
      ok: true,
      args: { hub: ['a', 'b', 'c'], port: 9000, lan: true, data: '/d' },
    });
    expect(parse(['--port', '1'], { STAGECALL_PORT: '9000', STAGECALL_LAN: 'false' })).toMatchObject({ ok: true, args: { port: 1, lan: false } });
  });

  it('names each mistake', () => {
    expect(parse(['--prot', '1'])).toEqual({ ok: false, error: 'unknown flag --prot; known: --hub, --port, --lan, --data' });
    expect(parse(['--port', 'abc'])).toEqual({ ok: false, error: '--port must be a number, got "abc"' });
    expect(parse(['--port', ''])).toMatchObject({ ok: false, error: '--port must be a number, got ""' });
    expect(parse(['--data'])).toEqual({ ok: false, error: '--data needs a value' });
    expect(parse(['stray'])).toEqual({ ok: false, error: 'unexpected argument "stray"' });
    expect(parse(['--lan=yes'])).toEqual({ ok: false, error: '--lan takes no value' });
    expect(parse([], { STAGECALL_PORT: 'x' })).toEqual({ ok: false, error: 'STAGECALL_PORT must be a number' });
  });
});
