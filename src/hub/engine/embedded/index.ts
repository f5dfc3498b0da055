/** The embedded engine's public face: create-engine.ts imports './embedded'. */
export { EmbeddedEngine, type EmbeddedEngineOptions, type EmbeddedStats } from './embedded-engine';
