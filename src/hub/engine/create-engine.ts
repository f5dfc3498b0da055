/** Picks the engine by name (DESIGN.md: embedded by default, Redis for clustered mode). */
import type { Engine } from './engine';

export type EngineChoice = { kind: 'embedded'; dataDir: string; node: string } | { kind: 'redis'; url: string; node: string; dataDir: string };

export async function createEngine(choice: EngineChoice): Promise<Engine> {
  if (choice.kind === 'embedded') {
    const { EmbeddedEngine } = await import('./embedded');
    return new EmbeddedEngine({ dataDir: choice.dataDir, node: choice.node });
  }
  const { RedisEngine } = await import('./redis');
  return new RedisEngine({ url: choice.url, node: choice.node });
}
