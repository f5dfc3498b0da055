import { defineConfig } from 'vitest/config';

// Integration tests start real hub processes, Redis servers and sockets: give them room
// on a shared 2-core machine, and never run two heavy files at once.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
  },
});
