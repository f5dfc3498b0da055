/** #15 item 5: each program imports only src/shared and its own folder; the lint rule says so. */
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: path.resolve(__dirname, '../..') });
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [res] = await eslint.lintText(code, { filePath: path.resolve(__dirname, '../..', file) });
  return (res?.messages ?? []).filter((m) => m.ruleId === 'boundaries/program-imports').map((m) => m.message);
}

describe('program import boundaries', () => {
  it('refuses a program importing another program, wherever the file sits', async () => {
    expect(await boundaryErrors('src/hub/ws/probe.ts', "export { x } from '../../audience/lib/hub-link';")).toEqual([
      'src/hub may import only src/hub, src/shared; move what both need into src/shared (found src/audience).',
    ]);
    expect(await boundaryErrors('src/audience/probe.ts', "export * from '../renderer/src/main';")).toHaveLength(1);
    expect(await boundaryErrors('src/shared/client/probe.ts', "export { a } from '../../hub/hub';")).toHaveLength(1);
    expect(await boundaryErrors('src/renderer/src/probe.ts', "const m = import('../../main/index'); export { m };")).toHaveLength(1);
  });

  it('allows shared, the own folder, the embedded hub in main, and the simulator only through its entry', async () => {
    expect(await boundaryErrors('src/hub/ws/probe.ts', "export { a } from '../hub'; export { b } from '../../shared/json-patch';")).toEqual([]);
    expect(await boundaryErrors('src/main/core/probe.ts', "export { a } from '../../hub/hub'; export { b } from '../../simulator';")).toEqual([]);
    expect(await boundaryErrors('src/main/core/probe.ts', "export { b } from '../../simulator/run-simulation';")).toEqual([
      'src/main may import src/simulator only through its entry (src/simulator/index.ts).',
    ]);
  });
});
