import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/demo-template.global.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two suites at a time on a 2-core machine (the default leaves one core to the runner, which
    // mostly waits): the suites spend much of their time waiting on child processes,
    // PostgreSQL, Redis and Chromium.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
