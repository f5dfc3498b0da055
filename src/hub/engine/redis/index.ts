/** The Redis (clustered) engine's public face: create-engine.ts imports './redis'. */
export { RedisEngine, type RedisEngineOptions, type RedisEngineStats } from './redis-engine';
