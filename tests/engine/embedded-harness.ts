/** Temp-dir EmbeddedEngine harnesses shared by the embedded test files. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedEngine, type EmbeddedEngineOptions } from '../../src/hub/engine/embedded';
import type { EngineHarness } from './engine-suite';

export const tempDataDir = (tag: string): string => fs.mkdtempSync(path.join(os.tmpdir(), `stagecall-${tag}-`));

export async function openEmbedded(dataDir: string, extra: Partial<EmbeddedEngineOptions> = {}): Promise<EmbeddedEngine> {
  const engine = new EmbeddedEngine({ dataDir, node: 'test-node', ...extra });
  await engine.open();
  return engine;
}

export async function makeEmbeddedHarness(extra: Partial<EmbeddedEngineOptions> = {}): Promise<EngineHarness & { current: () => EmbeddedEngine }> {
  const dataDir = tempDataDir('engine');
  let engine = await openEmbedded(dataDir, extra);
  return {
    engine,
    current: () => engine,
    restart: async () => {
      await engine.close();
      engine = await openEmbedded(dataDir, extra);
      return engine;
    },
    cleanup: async () => {
      await engine.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
